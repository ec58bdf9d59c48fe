#!/usr/bin/env bash
# Produces packaging/config.toml, the file the packages install as /etc/hirebase/config.toml:
# config.toml.example with data_dir pointing at /var/lib/hirebase, and nothing else changed.
#
#   packaging/make-config.sh           rewrite packaging/config.toml
#   packaging/make-config.sh --check   fail if the committed copy is out of date
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
example="$here/../config.toml.example"
target="$here/config.toml"
from='data_dir = "./data"'
to='data_dir = "/var/lib/hirebase"'

if [[ "$(grep -cxF "$from" "$example")" != 1 ]]; then
    echo "make-config.sh: expected exactly one line '$from' in config.toml.example" >&2
    exit 1
fi

generated="$(mktemp)"
trap 'rm -f "$generated"' EXIT
awk -v from="$from" -v to="$to" '$0 == from { print to; next } { print }' "$example" > "$generated"

case "${1:-}" in
    --check)
        if ! diff -u --label packaging/config.toml --label "generated from config.toml.example" \
            "$target" "$generated"; then
            echo "packaging/config.toml is out of date: run packaging/make-config.sh" >&2
            exit 1
        fi
        echo "packaging/config.toml matches config.toml.example (data_dir = /var/lib/hirebase)"
        ;;
    "")
        cp "$generated" "$target"
        chmod 0644 "$target"
        echo "wrote $target"
        ;;
    *)
        echo "usage: $0 [--check]" >&2
        exit 2
        ;;
esac
