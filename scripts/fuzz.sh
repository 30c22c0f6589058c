#!/usr/bin/env bash
# Build the cargo-fuzz targets (fuzz/, nightly) and run each for a bounded time from a
# scratch copy of its committed seed corpus (fuzz/seeds/<target>/), then print a table of
# executions, executions per second and coverage.
#
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]   default 60 s, every target
# Environment: FUZZ_JOBS (parallel targets, default 1), FUZZ_WORK (scratch directory,
# default fuzz/corpus/run-<date>), FUZZ_KEEP=1 keeps the scratch corpora.
# A crash fails the script; libFuzzer's reproducer is left in fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."

secs=${1:-60}
shift || true

command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz
rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal

cd fuzz
mapfile -t all < <(cargo +nightly fuzz list)
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=("${all[@]}")

cargo +nightly fuzz build -O >&2
work=${FUZZ_WORK:-corpus/run-$(date -u +%Y%m%dT%H%M%S)}
mkdir -p "$work"

run_one() {
    local t=$1 dir="$work/$t" log="$work/$t.log"
    mkdir -p "$dir" "artifacts/$t"
    cp -r "seeds/$t/." "$dir/" 2>/dev/null || true
    # -print_final_stats gives stat::number_of_executed_units; -max_len covers a whole
    # NVMe-MI message (4224 bytes) plus the targets' framing.
    cargo +nightly fuzz run -O "$t" "$dir" -- \
        -max_total_time="$secs" -print_final_stats=1 -max_len=8192 -timeout=10 \
        -artifact_prefix="artifacts/$t/" >"$log" 2>&1
}

status=0
pids=()
for t in "${targets[@]}"; do
    run_one "$t" &
    pids+=($!)
    if [[ ${#pids[@]} -ge ${FUZZ_JOBS:-1} ]]; then
        wait "${pids[0]}" || status=1
        pids=("${pids[@]:1}")
    fi
done
for p in "${pids[@]}"; do wait "$p" || status=1; done

crash_re='ERROR: libFuzzer|panicked at|SUMMARY: '
crashed=()
printf '%-14s %12s %10s %8s %8s %s\n' target execs execs/s cov ft result
for t in "${targets[@]}"; do
    log="$work/$t.log"
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    [[ -n "$execs" ]] || execs=$(grep -oE '^#[0-9]+' "$log" | tail -n 1 | tr -d '#')
    cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -n 1 | cut -d' ' -f2)
    ft=$(grep -oE 'ft: [0-9]+' "$log" | tail -n 1 | cut -d' ' -f2)
    result=ok
    if grep -qE "$crash_re" "$log"; then
        result="CRASH (see $log)"
        crashed+=("$t")
    fi
    printf '%-14s %12s %10s %8s %8s %s\n' "$t" "${execs:-?}" \
        "$(( ${execs:-0} / (secs > 0 ? secs : 1) ))" "${cov:-?}" "${ft:-?}" "$result"
done
# What a crash was, and its input, in the output itself: the scratch directory goes and a
# CI machine keeps nothing else. `base64 -d > crash` and `cargo fuzz run TARGET crash`
# reproduce it.
for t in "${crashed[@]}"; do
    log="$work/$t.log"
    echo "--- $t: crash"
    grep -E -A2 "$crash_re" "$log" | head -n 12
    art=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
    if [[ -n "$art" && -f "$art" && $(stat -c %s "$art") -le 16384 ]]; then
        echo "--- $t: input ($art), base64:"
        base64 -w 100 "$art"
    fi
done
[[ "${FUZZ_KEEP:-0}" == 1 ]] || rm -rf "$work"
exit "$status"
