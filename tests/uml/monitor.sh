#!/bin/bash
# nvme-mi monitor on the real kernel's AF_MCTP inside the UML guest (run by
# scripts/test-monitor-uml.sh): it follows nvme-mi-linux's fake mctpd on a real dbus-daemon,
# which publishes two served simulated drives and an EID nobody serves (11), watches a third
# drive given on the command line (the built-in simulated drive), and serves /metrics (read
# with curl).
#
# Each served drive is an MCTP endpoint of its own, as on a real machine: `nvme-mi serve`
# on a network of its own (2 and 3) at the far end of a serial MCTP link (the kernel's
# mctp-serial line discipline on two pseudo-terminals, joined by a copying helper), the
# host's end on network
# 1 with a local EID per link (8 towards EID 9, 20 towards EID 10) and a route to the drive.
# (Two drives as two local EIDs of `lo` cannot work: the kernel sends every message from the
# interface's first EID, Linux 6.12 net/mctp/route.c mctp_local_output, so the second
# drive's responses come from the wrong EID and match no request.)
#
# Asynchronous events: a Temperature Threshold below EID 9's temperature makes it send an
# AEM to the host's EID 8, which the monitor receives at once. Then EID 9's server is
# stopped: it is marked down within its deadline while the others keep answering; started
# again, it comes back (and its events are enabled again). mctpd withdrawing an endpoint and
# restarting (forgetting every peer until they are announced again) are followed too.
#
# Usage: tests/uml/monitor.sh NVME_MI FAKE_MCTPD MCTP_LINK
set -euo pipefail

nvme_mi=$1
fake_mctpd=$2
mctp_link=$3
pids=()
fail() {
    echo "monitor.sh: FAIL: $*" >&2
    [[ -f "${mon_log:-}" ]] && { echo "--- monitor log:" >&2; tail -n 20 "$mon_log" >&2; }
    [[ -n "${metrics:-}" ]] && { echo "--- metrics:" >&2; grep -E "^nvme_mi_(up|polls_total|events)" <<<"$metrics" >&2 || true; }
    exit 1
}
cleanup() {
    exec 3>&- 2>/dev/null || true
    for p in "${pids[@]}" ${serve9:-} ${serve10:-}; do kill "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

# Two serial links: mctpserial0 (host) - mctpserial1 (drive 9), mctpserial2 - mctpserial3
# (drive 10). The line discipline N_MCTP (28) turns the slave end of a pseudo-terminal into
# an MCTP interface; the helper copies bytes between the master ends of each pair, as a
# cable would. (One pseudo-terminal with N_MCTP on both ends does not work: mctp-serial
# writes a frame in pieces, each after the tty's write wakeup, which a pty sends only when
# n_tty on the other end reads.)
python3 -c '
import fcntl, os, pty, select, struct, termios
peer = {}
for _ in range(2):
    pair = []
    for _ in range(2):
        m, s = pty.openpty()
        fcntl.ioctl(s, termios.TIOCSETD, struct.pack("i", 28))
        pair.append(m)
    peer[pair[0]], peer[pair[1]] = pair[1], pair[0]
print("ready", flush=True)
while True:
    for fd in select.select(list(peer), [], [])[0]:
        os.write(peer[fd], os.read(fd, 4096))
' >"${TMPDIR:-/tmp}/links.ready" &
for _ in $(seq 50); do [[ -s "${TMPDIR:-/tmp}/links.ready" ]] && break; sleep 0.1; done
[[ -e /sys/class/net/mctpserial3 ]] || fail "no mctp-serial interfaces: $(ls /sys/class/net)"
"$mctp_link" mctpserial0 addr 8 route 9
"$mctp_link" mctpserial1 net 2 addr 9 route 8
"$mctp_link" mctpserial2 addr 20 route 10
"$mctp_link" mctpserial3 net 3 addr 10 route 20

serve() { # serve NET EID: a served drive (seed = EID) in the background; its PID on stdout
    "$nvme_mi" serve --net "$1" --eid "$2" --seed "$2" >/dev/null 2>&1 &
    echo $!
}
serve9=$(serve 2 9)
serve10=$(serve 3 10)
for eid in 9 10; do
    for _ in $(seq 50); do "$nvme_mi" --timeout 200 health "mctp:1,$eid" >/dev/null 2>&1 && break; sleep 0.1; done
    "$nvme_mi" --timeout 1000 health "mctp:1,$eid" >/dev/null || fail "EID $eid does not answer over its serial link"
done

export DBUS_SESSION_BUS_ADDRESS
DBUS_SESSION_BUS_ADDRESS=$(dbus-daemon --session --fork --print-address=1 | head -1)
fifo=$(mktemp -u)
mkfifo "$fifo"
"$fake_mctpd" <"$fifo" >/dev/null &
pids+=($!)
exec 3>"$fifo"
echo "link mctpi2c1 1" >&3
echo "add 1 9 0,4" >&3
echo "add 1 10 0,4" >&3
echo "add 1 11 0,4" >&3

mon_log=$(mktemp)
# A deadline of 2 s: a 4 KiB Identify takes about 65 packets of the serial link's 68-byte MTU.
"$nvme_mi" -o json monitor sim --mctpd session --interval 0.3 --detail-interval 60 \
    --deadline 2 --max-backoff 1 --listen 127.0.0.1:9883 >"$mon_log" 2>&1 &
mon=$!
pids+=("$mon")

metrics=""
scrape() { metrics=$(curl -sf http://127.0.0.1:9883/metrics || true); }
# value NAME EID [NETWORK]: the value of the series NAME for EID (empty if none).
value() {
    grep -E "^$1\{network=\"${3:-1}\",eid=\"$2\"" <<<"$metrics" | head -1 | awk '{print $NF}'
}
# wait_until WHAT CONDITION...: scrape until the shell condition holds (10 s at most).
wait_until() {
    local what=$1
    shift
    for _ in $(seq 100); do
        scrape
        if eval "$*"; then return 0; fi
        sleep 0.1
    done
    fail "$what"
}
since() { python3 -c "print(round($(date +%s.%N) - $1, 2))"; }

wait_until "EIDs 9, 10 and the simulated drive up, EID 11 down" \
    '[[ $(value nvme_mi_up 9) == 1 && $(value nvme_mi_up 10) == 1 && $(value nvme_mi_up 0 sim) == 1 && $(value nvme_mi_up 11) == 0 ]]'
serial9=$("$nvme_mi" -o json id-ctrl mctp:1,9 | python3 -c 'import json,sys; print(json.load(sys.stdin)["sn"].strip())')
grep -q "nvme_mi_composite_temperature_celsius{network=\"1\",eid=\"9\",serial=\"$serial9\"" <<<"$metrics" \
    || fail "no temperature of EID 9 labelled with its serial $serial9"
echo "monitor.sh: EIDs 9 ($serial9) and 10 and the simulated drive up, unserved EID 11 down"
# The fake's local EID 8 (the host's own) is not watched.
[[ -z $(value nvme_mi_up 8) ]] || fail "the host's own EID 8 is watched"

# Asynchronous events over AF_MCTP, each drive to its own local EID of the host.
wait_until "events enabled on EIDs 9 and 10" \
    '[[ $(value nvme_mi_events_enabled 9) == 1 && $(value nvme_mi_events_enabled 10) == 1 ]]'
ev9=$(value nvme_mi_events_received_total 9)
ev10=$(value nvme_mi_events_received_total 10)
"$nvme_mi" set-feature mctp:1,9 -f 4 -v 300 >/dev/null || fail "set-feature on EID 9"
start=$(date +%s.%N)
wait_until "an event from EID 9" '[[ $(value nvme_mi_events_received_total 9) -gt $ev9 ]]'
echo "monitor.sh: EID 9's event (Temperature Threshold below its temperature) received after $(since "$start") s"
[[ $(value nvme_mi_events_received_total 10) == "$ev10" ]] || fail "EID 10 got EID 9's event"
# No request to a drive was taken by the monitor's event sockets.
"$nvme_mi" --timeout 1000 health mctp:1,10 >/dev/null || fail "EID 10 stopped answering other requesters"

# Stop EID 9's server: down within its deadline (plus a poll interval), the others unaffected.
kill "$serve9"
wait "$serve9" 2>/dev/null || true
serve9=
polls=$(value nvme_mi_polls_total 10)
start=$(date +%s.%N)
wait_until "EID 9 marked down" '[[ $(value nvme_mi_up 9) == 0 ]]'
echo "monitor.sh: EID 9 down after $(since "$start") s"
wait_until "EID 10 still polled while EID 9 is down" \
    '[[ $(value nvme_mi_up 10) == 1 && $(value nvme_mi_up 0 sim) == 1 && $(value nvme_mi_polls_total 10) -ge $((polls + 3)) ]]'
errors=$(grep -E '^nvme_mi_poll_errors_total\{network="1",eid="9"' <<<"$metrics" | awk '{s += $NF} END {print s + 0}')
[[ $errors -ge 1 ]] || fail "no poll error counted for EID 9"
errors10=$(grep -E '^nvme_mi_poll_errors_total\{network="1",eid="10"' <<<"$metrics" | awk '{s += $NF} END {print s + 0}')
[[ $errors10 -eq 0 ]] || fail "$errors10 poll error(s) for EID 10 while EID 9 was down"
echo "monitor.sh: $errors poll error(s) counted for EID 9: $(grep -E '^nvme_mi_poll_errors_total\{network="1",eid="9"' <<<"$metrics" | grep -v ' 0$' | sed 's/.*kind=//'), none for EID 10"

serve9=$(serve 2 9)
wait_until "EID 9 back up, its events enabled again" \
    '[[ $(value nvme_mi_up 9) == 1 && $(value nvme_mi_events_enabled 9) == 1 ]]'
echo "monitor.sh: EID 9 back"

# mctpd withdraws EID 11: the monitor stops watching it.
echo "remove 1 11" >&3
wait_until "EID 11 withdrawn" '[[ -z $(value nvme_mi_up 11) && $(value nvme_mi_up 9) == 1 ]]'
# mctpd restarts: every peer is gone until announced again; the command line's drive stays.
echo "restart" >&3
wait_until "every peer gone after mctpd's restart" \
    '[[ -z $(value nvme_mi_up 9) && -z $(value nvme_mi_up 10) && $(value nvme_mi_up 0 sim) == 1 ]]'
echo "add 1 9 0,4" >&3
wait_until "EID 9 back after mctpd's restart" '[[ $(value nvme_mi_up 9) == 1 ]]'
echo "monitor.sh: followed mctpd's removal and restart"

kill -TERM "$mon"
rc=0
wait "$mon" || rc=$?
[[ $rc -eq 0 ]] || fail "monitor exited with $rc after SIGTERM"
grep '"type":"removed"' "$mon_log" | grep -q '"endpoint":"mctp:1,11"' || fail "no JSON line for the removal"
echo "monitor.sh: PASS"
