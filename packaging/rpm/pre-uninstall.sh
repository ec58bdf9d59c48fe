# hirebase %preun: stop and disable the service on erase ($1 = 0), not on upgrade.
if [ "$1" -eq 0 ] && [ -d /run/systemd/system ]; then
    systemctl disable --now hirebase.service >/dev/null 2>&1 || :
fi
