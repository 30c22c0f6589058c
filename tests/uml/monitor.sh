#!/bin/bash
# nvme-mi monitor on the real kernel's AF_MCTP inside the UML guest (run by
# scripts/test-monitor-uml.sh): it follows nvme-mi-linux's fake mctpd on a real dbus-daemon,
# which publishes a served simulated drive (EID 9 on lo, over real AF_MCTP) and an EID nobody
# serves (10), watches a second drive given on the command line (the built-in simulated
# drive), and serves /metrics (read with curl). EID 9's server is stopped: it is marked down
# within its deadline while the other drive keeps answering; started again, it comes back.
# mctpd withdrawing an endpoint and restarting (forgetting every peer until they are
# announced again) are followed too.
#
# Two drives served over AF_MCTP in one guest would be closer to a real machine, but a
# second `nvme-mi serve --setup` (a second local EID on lo) does not answer in this rig
# (UML, Linux 6.12): left for the AF_MCTP requester's owners.
#
# Usage: tests/uml/monitor.sh NVME_MI FAKE_MCTPD
set -euo pipefail

nvme_mi=$1
fake_mctpd=$2
pids=()
fail() {
    echo "monitor.sh: FAIL: $*" >&2
    [[ -f "${mon_log:-}" ]] && { echo "--- monitor log:" >&2; tail -n 20 "$mon_log" >&2; }
    [[ -n "${metrics:-}" ]] && { echo "--- metrics:" >&2; grep -E "^nvme_mi_(up|polls_total)" <<<"$metrics" >&2 || true; }
    exit 1
}
cleanup() {
    exec 3>&- 2>/dev/null || true
    for p in "${pids[@]}" ${serve9:-} ${serve10:-}; do kill "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

serve() { # serve EID: a served drive (seed = EID) in the background; its PID on stdout
    "$nvme_mi" serve --setup --net 1 --eid "$1" --seed "$1" >/dev/null 2>&1 &
    echo $!
}
serve9=$(serve 9)
for _ in $(seq 50); do "$nvme_mi" --timeout 200 health mctp:1,9 >/dev/null 2>&1 && break; sleep 0.1; done
serve10=

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

mon_log=$(mktemp)
"$nvme_mi" -o json monitor sim --mctpd session --no-events --interval 0.3 --deadline 0.4 \
    --max-backoff 0.6 --listen 127.0.0.1:9883 >"$mon_log" 2>&1 &
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

wait_until "EID 9 and the simulated drive up, EID 10 down" \
    '[[ $(value nvme_mi_up 9) == 1 && $(value nvme_mi_up 0 sim) == 1 && $(value nvme_mi_up 10) == 0 ]]'
serial9=$("$nvme_mi" -o json id-ctrl mctp:1,9 | python3 -c 'import json,sys; print(json.load(sys.stdin)["sn"].strip())')
grep -q "nvme_mi_composite_temperature_celsius{network=\"1\",eid=\"9\",serial=\"$serial9\"" <<<"$metrics" \
    || fail "no temperature of EID 9 labelled with its serial $serial9"
echo "monitor.sh: EID 9 ($serial9) and the simulated drive up, unserved EID 10 down"
# The fake's local EID 8 (the host's own) is not watched.
[[ -z $(value nvme_mi_up 8) ]] || fail "the host's own EID 8 is watched"

# Stop EID 9's server: down within its deadline (plus a poll interval), the other unaffected.
kill "$serve9"
wait "$serve9" 2>/dev/null || true
serve9=
polls=$(value nvme_mi_polls_total 0 sim)
start=$(date +%s.%N)
wait_until "EID 9 marked down" '[[ $(value nvme_mi_up 9) == 0 ]]'
took=$(python3 -c "print(round($(date +%s.%N) - $start, 2))")
echo "monitor.sh: EID 9 down after ${took} s"
wait_until "the simulated drive still polled while EID 9 is down" \
    '[[ $(value nvme_mi_up 0 sim) == 1 && $(value nvme_mi_polls_total 0 sim) -ge $((polls + 3)) ]]'
errors=$(grep -E '^nvme_mi_poll_errors_total\{network="1",eid="9"' <<<"$metrics" | awk '{s += $NF} END {print s + 0}')
[[ $errors -ge 1 ]] || fail "no poll error counted for EID 9"
echo "monitor.sh: $errors poll error(s) counted for EID 9: $(grep -E '^nvme_mi_poll_errors_total\{network="1",eid="9"' <<<"$metrics" | grep -v ' 0$' | sed 's/.*kind=//')"

serve9=$(serve 9)
wait_until "EID 9 back up" '[[ $(value nvme_mi_up 9) == 1 ]]'
echo "monitor.sh: EID 9 back"

# mctpd withdraws EID 10: the monitor stops watching it.
echo "remove 1 10" >&3
wait_until "EID 10 withdrawn" '[[ -z $(value nvme_mi_up 10) && $(value nvme_mi_up 9) == 1 ]]'
# mctpd restarts: every peer is gone until announced again; the command line's drive stays.
echo "restart" >&3
wait_until "every peer gone after mctpd's restart" '[[ -z $(value nvme_mi_up 9) && $(value nvme_mi_up 0 sim) == 1 ]]'
echo "add 1 9 0,4" >&3
wait_until "EID 9 back after mctpd's restart" '[[ $(value nvme_mi_up 9) == 1 ]]'
echo "monitor.sh: followed mctpd's removal and restart"

kill -TERM "$mon"
rc=0
wait "$mon" || rc=$?
[[ $rc -eq 0 ]] || fail "monitor exited with $rc after SIGTERM"
grep '"type":"removed"' "$mon_log" | grep -q '"endpoint":"mctp:1,10"' || fail "no JSON line for the removal"
echo "monitor.sh: PASS"
