#!/usr/bin/env bash
# Health polls per second, this project's requester against libnvme-mi (the C reference), on
# the real kernel's AF_MCTP inside one User-Mode Linux guest, against the same simulated
# drive (`nvme-mi serve --setup --net 1 --eid 8`). Results in BENCHMARKS.md.
#
# Usage: scripts/bench-libnvme.sh [COUNT [ROUNDS]]   (defaults 5000 polls, 3 rounds)
#
# Builds, all optimised: `nvme-mi` (release), nvme-mi-linux's example health_poll_rate
# (release, without the D-Bus feature) and benches/libnvme/health_poll.c (gcc -O2 against
# Debian's libnvme-dev). In the guest it starts the drive, then runs the requesters one
# after the other, alternating, ROUNDS times each, COUNT timed polls per run: this project's
# with its tag kept between polls (`nvme-mi-rs`), libnvme-mi's, and this project's with the
# transport's default tag handling (`nvme-mi-rs-default`, a tag allocated and released per
# poll, as libnvme-mi does). Prints every run, the median rate of each, the ratio of the
# medians (this project / libnvme-mi), and the median of the per-round ratios (each round's
# runs are back to back, so under about the same load: the steadier figure on a busy host).
# This is a measurement, not a test: it fails only if a poll or the set-up fails.
#
# With STRACE=1 it then runs each requester once more under `strace -f -c` in the guest
# (COUNT timed polls plus the 10 untimed ones and start-up), with the drive traced
# (`strace -c -p`) for that run too, and prints the system-call summaries and the calls per
# poll of each requester and of the drive serving it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

if [[ "${1:-}" == --guest ]]; then
    # Inside the guest: --guest NVME_MI RUST_BIN C_BIN COUNT ROUNDS
    nvme_mi=$2 rust_bin=$3 c_bin=$4 count=$5 rounds=$6
    "$nvme_mi" serve --setup --net 1 --eid 8 &
    serve_pid=$!
    trap 'kill "$serve_pid" 2>/dev/null || true' EXIT
    for _ in $(seq 50); do
        "$nvme_mi" --timeout 200 health mctp:1,8 >/dev/null 2>&1 && break
        sleep 0.1
    done
    for _ in $(seq "$rounds"); do
        "$rust_bin" 1 8 "$count"
        "$c_bin" 1 8 "$count"
        NVME_MI_DEFAULT_TAG=1 "$rust_bin" 1 8 "$count"
    done
    if [[ "${STRACE:-0}" == 1 ]]; then
        # Each requester under `strace -c`, and the drive too (attached for that run only).
        calls() { awk '$1 == "100.00" { print $4 }' "$1"; }
        for name in nvme-mi-rs libnvme-mi nvme-mi-rs-default; do
            bin=$rust_bin
            [[ $name == libnvme-mi ]] && bin=$c_bin
            [[ $name == nvme-mi-rs-default ]] && export NVME_MI_DEFAULT_TAG=1
            strace -f -c -o /tmp/strace-drive.out -p "$serve_pid" 2>/dev/null &
            drive_strace=$!
            sleep 1
            strace -f -c -o /tmp/strace.out "$bin" 1 8 "$count" >/dev/null
            kill -INT "$drive_strace"
            wait "$drive_strace" || true
            echo "strace $name ($count + 10 polls):"
            cat /tmp/strace.out
            echo "strace of the drive, serving $name:"
            cat /tmp/strace-drive.out
            total=$(calls /tmp/strace.out) drive=$(calls /tmp/strace-drive.out)
            python3 -c "print(f'syscalls per poll $name: {$total / ($count + 10):.2f} ($total calls); drive: {$drive / ($count + 10):.2f} ($drive calls)')"
            unset NVME_MI_DEFAULT_TAG
        done
    fi
    exit 0
fi

count=${1:-5000}
rounds=${2:-3}
cd "$REPO_ROOT"

log "building (release): nvme-mi, health_poll_rate; gcc -O2: health_poll.c"
cargo build --release -q -p nvme-mi --bin nvme-mi
cargo build --release -q -p nvme-mi-linux --no-default-features --example health_poll_rate
target=$(cargo metadata --format-version 1 --no-deps \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
out_dir="$target/release/libnvme-bench"
mkdir -p "$out_dir"
gcc -O2 -Wall -Wextra -Werror -o "$out_dir/health_poll" benches/libnvme/health_poll.c -lnvme-mi

log "in UML: $rounds rounds of $count polls each, alternating"
results=$("$REPO_ROOT/scripts/uml-run.sh" "$REPO_ROOT/scripts/bench-libnvme.sh" --guest \
    "$target/release/nvme-mi" "$target/release/examples/health_poll_rate" \
    "$out_dir/health_poll" "$count" "$rounds")
echo "$results"
python3 - "$results" <<'PY'
import re, statistics, sys
rates = {}
for line in sys.argv[1].splitlines():
    m = re.match(r"(\S+): \d+ polls in [\d.]+ s: (\d+) polls/s", line)
    if m:
        rates.setdefault(m.group(1), []).append(int(m.group(2)))
rs, c, d = rates.get("nvme-mi-rs"), rates.get("libnvme-mi"), rates.get("nvme-mi-rs-default")
if not rs or not c or not d:
    sys.exit("bench-libnvme: missing results")
mr, mc, md = statistics.median(rs), statistics.median(c), statistics.median(d)
print(f"median: nvme-mi-rs {mr:.0f} polls/s (tag kept), {md:.0f} polls/s (default), "
      f"libnvme-mi {mc:.0f} polls/s")
print(f"ratio of the medians nvme-mi-rs / libnvme-mi = {mr / mc:.2f} (tag kept), "
      f"{md / mc:.2f} (default)")
# Each round's requesters ran back to back, under about the same load: their ratio is the
# steadier figure on a loaded machine.
kept = [a / b for a, b in zip(rs, c)]
default = [a / b for a, b in zip(d, c)]
print(f"median of the per-round ratios = {statistics.median(kept):.2f} (tag kept), "
      f"{statistics.median(default):.2f} (default)")
print("per round, tag kept: " + ", ".join(f"{r:.2f}" for r in kept))
print("per round, default: " + ", ".join(f"{r:.2f}" for r in default))
PY
