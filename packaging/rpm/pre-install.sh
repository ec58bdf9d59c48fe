# hirebase %pre: the system user must exist before rpm gives it /etc/hirebase/config.toml.
if command -v systemd-sysusers >/dev/null 2>&1; then
    echo 'u hirebase - "hirebase recruiting platform" /var/lib/hirebase /usr/sbin/nologin' |
        systemd-sysusers --replace=/usr/lib/sysusers.d/hirebase.conf -
elif ! getent passwd hirebase >/dev/null; then
    useradd --system --user-group --home-dir /var/lib/hirebase --no-create-home \
        --shell /sbin/nologin --comment "hirebase recruiting platform" hirebase
fi
