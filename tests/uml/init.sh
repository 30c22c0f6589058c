#!/bin/bash
# PID 1 of the User-Mode Linux test guest (started by scripts/uml-run.sh as init=).
#
# The root file system is the host's (hostfs), so every host program is here unchanged.
# The kernel passes UML_RUN=<directory on the host> in our environment; it holds:
#   env      environment of the host caller (bash `export` lines)
#   cmd      the command to run (a bash array assignment: CMD=(...)), and UML_CWD
#   output   written here: the command's stdout and stderr
#   status   written here: the command's exit status
# After the command the guest powers off at once.

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root

poweroff() {
    echo o >/proc/sysrq-trigger
    sleep 10
}

fail() {
    echo "uml init: $*" >>"$UML_RUN/output"
    echo 125 >"$UML_RUN/status"
    poweroff
}

[[ -d "$UML_RUN" ]] || { echo "uml init: UML_RUN not set" >&2; echo o >/proc/sysrq-trigger; }

mountpoint -q /proc || mount -t proc proc /proc || fail "mount /proc"
mountpoint -q /sys || mount -t sysfs sys /sys || fail "mount /sys"
mountpoint -q /dev || mount -t devtmpfs dev /dev || fail "mount /dev"
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts 2>/dev/null
mount -t tmpfs shm /dev/shm
# A private /tmp, unless the caller's run or working directory lives there on the host.
source "$UML_RUN/cmd" || fail "cannot read $UML_RUN/cmd"
case "$UML_RUN:$UML_CWD" in
    /tmp/* | *:/tmp/* | *:/tmp) ;;
    *) mount -t tmpfs tmp /tmp || fail "mount /tmp" ;;
esac
mount -t tmpfs run /run || fail "mount /run"
mkdir -p /run/lock /run/dbus
ip link set lo up || fail "ip link set lo up"
hostname uml

source "$UML_RUN/env" || fail "cannot read $UML_RUN/env"
cd "$UML_CWD" || fail "cannot cd to $UML_CWD"

"${CMD[@]}" </dev/null >>"$UML_RUN/output" 2>&1
echo $? >"$UML_RUN/status"
sync
poweroff
