# hirebase %postun: forget the unit on erase; restart a running service onto the new binary on upgrade.
# /var/lib/hirebase and the hirebase user are kept: the data directory holds the recruiting database.
if [ "$1" -eq 0 ]; then
    rmdir /etc/hirebase 2>/dev/null || :
fi
if [ -d /run/systemd/system ]; then
    systemctl daemon-reload >/dev/null 2>&1 || :
    if [ "$1" -ge 1 ]; then
        systemctl try-restart hirebase.service >/dev/null 2>&1 || :
    fi
fi
