#!/usr/bin/env bash
# CPU and memory of `nvme-mi monitor` watching N simulated drives (default 24) at a 1 s
# health interval (Controller Health and SMART every 10 s, AEMs checked every 250 ms) while
# /metrics is scraped SCRAPES times (default 60), once a second (each scrape adds its own
# time): user and system CPU time from /proc/PID/stat, resident memory (VmRSS) every 10
# scrapes, and the peak (VmHWM).
#
# Options, to look for growth where it usually hides:
#   --events S   SIGUSR1 every S scrapes: each toggles the drives' temperature across their
#                warning threshold, so every drive sends Asynchronous Event Messages, which the
#                monitor receives, acknowledges and answers with a full read.
#   --churn      endpoints coming and going: a fake mctpd (nvme-mi-linux's example) on a
#                private dbus-daemon, which the monitor follows, publishes an endpoint on a new
#                network every scrape and withdraws each 5 scrapes later (so 5 at a time,
#                SCRAPES different ones in all, each with its series on /metrics while it lives).
#                Without AF_MCTP (as on most hosts) each fails to open and is counted down.
#   --massif F   run the monitor under valgrind's massif (heap snapshots over time, in
#                milliseconds) and write its profile to F; CPU and VmRSS are then valgrind's.
#   --samples F  where the samples go (default target/bench-monitor.tsv): every 10 scrapes
#                the scrapes so far, VmRSS in KiB, CPU seconds, /metrics lines and endpoints
#                watched; the monitor's standard error goes beside it (F with .stderr).
# Usage: scripts/bench-monitor.sh [N] [SCRAPES] [--events S] [--churn] [--massif FILE]
#        [--samples F]    (release build)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"
pos=()
events=0
churn=0
massif=""
tsv=""
while (($#)); do
    case $1 in
        --events) events=$2; shift 2 ;;
        --churn) churn=1; shift ;;
        --massif) massif=$(realpath -m "$2"); shift 2 ;;
        --samples) tsv=$(realpath -m "$2"); shift 2 ;;
        *) pos+=("$1"); shift ;;
    esac
done
n=${pos[0]:-24}
secs=${pos[1]:-60}
cargo build --release -p nvme-mi >/dev/null 2>&1
target=$(cargo metadata --format-version 1 --no-deps \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
tsv=${tsv:-$target/bench-monitor.tsv}
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
sims=()
for _ in $(seq "$n"); do sims+=(sim); done
mctpd=(--mctpd none)
bus_pid=
fake_pid=
if ((churn)); then
    linux_examples fake_mctpd >/dev/null 2>&1
    read -r bus bus_pid < <(dbus-daemon --session --fork --print-address=1 --print-pid=1 | paste -sd' ')
    fifo=$(mktemp -u)
    mkfifo "$fifo"
    "$target/debug/examples/fake_mctpd" --address "$bus" <"$fifo" >/dev/null 2>&1 &
    fake_pid=$!
    exec 3>"$fifo"
    rm "$fifo"
    mctpd=(--mctpd "$bus")
fi
run=("$target/release/nvme-mi" monitor "${sims[@]}" "${mctpd[@]}" --interval 1 \
    --detail-interval 10 --listen "127.0.0.1:$port")
if [[ -n $massif ]]; then
    command -v valgrind >/dev/null \
        || { echo "bench-monitor: --massif needs valgrind (apt-get install valgrind)" >&2; exit 2; }
    run=(valgrind --tool=massif --time-unit=ms --massif-out-file="$massif" "${run[@]}")
fi
"${run[@]}" >/dev/null 2>"${tsv%.tsv}.stderr" &
pid=$!
cleanup() {
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    exec 3>&- 2>/dev/null || true
    [[ -n $fake_pid ]] && kill "$fake_pid" 2>/dev/null || true
    [[ -n $bus_pid ]] && kill "$bus_pid" 2>/dev/null || true
}
trap cleanup EXIT
tck=$(getconf CLK_TCK)
rss() { awk '/^VmRSS/ {print $2}' "/proc/$pid/status"; }
cpu() { awk -v t="$tck" '{printf "%.2f %.2f\n", $14 / t, $15 / t}' "/proc/$pid/stat"; }
scrape() { curl -sf "http://127.0.0.1:$port/metrics"; }
for _ in $(seq 300); do scrape >/dev/null && break; sleep 0.1; done
start=$(date +%s.%N)
read -r u0 s0 < <(cpu)
printf 'scrapes\tvmrss_kib\tcpu_s\tmetrics_lines\tendpoints\n' >"$tsv"
added=()
for i in $(seq "$secs"); do
    page=$(scrape || true)
    if ((churn)); then
        net=$((100 + i))
        echo "add $net 9 0,4" >&3
        added+=("$net")
        if ((${#added[@]} > 5)); then
            echo "remove ${added[0]} 9" >&3
            added=("${added[@]:1}")
        fi
    fi
    if ((events > 0 && i % events == 0)); then kill -USR1 "$pid"; fi
    if ((i % 10 == 0)); then
        read -r u s < <(cpu)
        eps=$(awk '/^nvme_mi_endpoints / {print $2}' <<<"$page")
        printf '%d\t%s\t%.2f\t%d\t%s\n' "$i" "$(rss)" "$(python3 -c "print($u + $s - $u0 - $s0)")" \
            "$(wc -l <<<"$page")" "$eps" >>"$tsv"
    fi
    sleep 1
done
read -r u1 s1 < <(cpu)
wall=$(python3 -c "print($(date +%s.%N) - $start)")
page=$(scrape)
hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")
events_total=$(awk '/^nvme_mi_events_received_total/ {s += $NF} END {print s + 0}' <<<"$page")
python3 - "$n" "$wall" "$u0" "$s0" "$u1" "$s1" "$hwm" "$events_total" "$tsv" <<'PY'
import sys
n, wall, u0, s0, u1, s1, hwm, events, tsv = sys.argv[1:10]
rows = [l.split("\t") for l in open(tsv).read().split("\n")[1:] if l]
wall = float(wall); user = float(u1) - float(u0); sys_ = float(s1) - float(s0)
print(f"endpoints {n}, {wall:.0f} s: CPU user {user:.2f} s + system {sys_:.2f} s = "
      f"{100 * (user + sys_) / wall:.2f} % of one core")
rss = [int(r[1]) for r in rows]
if rss:
    half = rss[len(rss) // 2:]
    print(f"VmRSS (KiB): first sample {rss[0]}, last {rss[-1]}, min {min(rss)}, max {max(rss)}; "
          f"second half min {min(half)} max {max(half)}; peak VmHWM {hwm} KiB")
    lines = [int(r[3]) for r in rows]
    print(f"/metrics lines: min {min(lines)} max {max(lines)}; "
          f"endpoints watched: {sorted(set(r[4] for r in rows))}")
print(f"Asynchronous Event Messages received: {events}; samples in {tsv}")
PY
if [[ -n $massif ]]; then
    kill "$pid"
    wait "$pid" || true
    ms_print "$massif" | sed -n '1,40p'
fi
