# hirebase %post: data directory, systemd reload; $1 is 1 on install, 2+ on upgrade.
# The service is neither enabled nor started: it needs a platform admin first.
if command -v systemd-tmpfiles >/dev/null 2>&1; then
    systemd-tmpfiles --create hirebase.conf || :
else
    mkdir -p /var/lib/hirebase && chown hirebase:hirebase /var/lib/hirebase && chmod 0750 /var/lib/hirebase
fi
if [ -d /run/systemd/system ]; then
    systemctl daemon-reload >/dev/null 2>&1 || :
fi
if [ "$1" -eq 1 ]; then
    cat <<'MSG'

hirebase is installed but not started. Configuration: /etc/hirebase/config.toml,
data: /var/lib/hirebase. Create the platform admin, then start the service:

    sudo runuser -u hirebase -- hirebase init --config /etc/hirebase/config.toml --admin-email you@example.com
    sudo systemctl enable --now hirebase.service

It listens on 127.0.0.1:8080 (change `listen` and `public_url` in the config file).
MSG
fi
