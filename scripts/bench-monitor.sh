#!/usr/bin/env bash
# CPU and memory of `nvme-mi monitor` watching N simulated drives (default 24) at a 1 s
# health interval (Controller Health and SMART every 10 s, AEMs checked every 250 ms) for
# SECONDS (default 60), with /metrics scraped once a second: user and system CPU time from
# /proc/PID/stat, resident memory (VmRSS) sampled every 10 s, and the peak (VmHWM).
# Usage: scripts/bench-monitor.sh [N] [SECONDS]    (release build)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"
n=${1:-24}
secs=${2:-60}
cargo build --release -p nvme-mi >/dev/null 2>&1
target=$(cargo metadata --format-version 1 --no-deps \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
sims=()
for _ in $(seq "$n"); do sims+=(sim); done
"$target/release/nvme-mi" monitor "${sims[@]}" --mctpd none --interval 1 --detail-interval 10 \
    --listen "127.0.0.1:$port" >/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
tck=$(getconf CLK_TCK)
rss() { awk '/^VmRSS/ {print $2}' "/proc/$pid/status"; }
cpu() { awk -v t="$tck" '{printf "%.2f %.2f\n", $14 / t, $15 / t}' "/proc/$pid/stat"; }
sleep 1
start=$(date +%s.%N)
read -r u0 s0 < <(cpu)
samples=()
for i in $(seq "$secs"); do
    curl -sf "http://127.0.0.1:$port/metrics" >/dev/null
    if (( i % 10 == 0 )); then samples+=("$(rss)"); fi
    sleep 1
done
read -r u1 s1 < <(cpu)
wall=$(python3 -c "print($(date +%s.%N) - $start)")
lines=$(curl -sf "http://127.0.0.1:$port/metrics" | wc -l)
hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")
python3 - "$n" "$wall" "$u0" "$s0" "$u1" "$s1" "$hwm" "$lines" "${samples[@]}" <<'PY'
import sys
n, wall, u0, s0, u1, s1, hwm, lines = sys.argv[1:9]
samples = sys.argv[9:]
wall = float(wall); user = float(u1) - float(u0); sys_ = float(s1) - float(s0)
print(f"endpoints {n}, {wall:.0f} s: CPU user {user:.2f} s + system {sys_:.2f} s = "
      f"{100 * (user + sys_) / wall:.2f} % of one core")
print(f"VmRSS every 10 s (KiB): {' '.join(samples)}; peak VmHWM {hwm} KiB; /metrics {lines} lines")
PY
