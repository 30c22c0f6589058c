#!/usr/bin/env bash
# Runs every test of the project, doing every set-up step it needs itself.
#
# Usage: scripts/test-all.sh [STEP...]     run all steps, or only the named ones, in order
#        scripts/test-all.sh --list         list the steps
# Environment: KEEP_GOING=1 runs the remaining steps after a failure (default: stop at once).
# See docs/testing.md for what each step does, how long it takes and where caches live.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-$([[ "${CI:-}" == true ]] && echo never || echo auto)}"

# --- Steps: one function each, named step_<name>; listed in STEPS in the order they run. ---

STEPS=(setup fmt clippy test i2c-sim bench fuzz doc thumb firmware uml-kernel uml-smoke linux-uml tun-uml cli-uml nvme-cli-uml monitor-prometheus monitor-dbus monitor-uml)

# Install missing Debian packages (apt), nothing when all are present.
step_setup() { ./scripts/setup.sh; }

# Formatting, and no import cycles between the modules of any crate of the workspace.
step_fmt() {
    cargo fmt --all -- --check
    local crate
    for crate in nvme-mi-core nvme-mi-sim nvme-mi-i2c nvme-mi-linux . firmware; do
        python3 scripts/module-cycles.py "$crate"
    done
}

step_clippy() {
    cargo clippy --workspace --all-targets -- -D warnings
    cargo clippy -p nvme-mi-core --lib --features hw-crc -- -D warnings
}

step_test() {
    cargo test --workspace
    # The core's diagnostics: a drop's log record (needs the feature `log`).
    cargo test -p nvme-mi-core --features log --test log_records
    # The hardware CRCs (CRC-32C instruction, carry-less multiply PEC) against the references:
    # the core's CRC unit tests with them on (nvme-mi-hwcrc's own tests run above).
    cargo test -p nvme-mi-core --features hw-crc --lib -- pec integrity
}

# Every criterion benchmark once, as a test (debug build, seconds); never the timed runs.
# nvme-mi-i2c's needs its feature sim (it also prints the simulated wire-time table);
# `--benches` skips it in the first run (`--bench '*'` refuses a target whose features are off).
step_bench() {
    cargo test --workspace --benches
    cargo test -p nvme-mi-i2c --features sim --bench '*'
}

# A smoke of every cargo-fuzz target (fuzz/, nightly): formatted, then 10 s each, two at a
# time, from the committed seeds; a crash fails the step. Longer runs: fuzz/README.md.
step_fuzz() {
    (cd fuzz && rustfmt --check --edition 2021 src/*.rs fuzz_targets/*.rs)
    FUZZ_JOBS=2 ./scripts/fuzz.sh "${FUZZ_SECONDS:-10}"
}

# nvme-mi-i2c with its simulated SMBus (feature sim) and the embedded-mcu-hal target
# receive path: lints and whole command sequences.
step_i2c-sim() {
    cargo clippy -p nvme-mi-i2c --all-targets --features sim,embedded-mcu-hal -- -D warnings
    cargo test -p nvme-mi-i2c --features sim,embedded-mcu-hal
}

step_doc() { RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps; }

# The no_std crates for thumbv7em-none-eabihf and thumbv6m-none-eabi (Cortex-M0+) with
# Debian's rustc and build-std.
step_thumb() { ./scripts/build-thumb.sh; }

# The bare-metal firmware (firmware/, own workspace): formatted, built with Debian's rustc,
# then run in QEMU (mps2-an386): a requester checks every answer of the simulated drive over
# the simulated SMBus and exits with success only if all of them match. Then the small
# requester image built for the Cortex-M0 (thumbv6m-none-eabi) runs on QEMU's microbit
# (16 KiB of RAM): it exits with success if its stack stayed inside the RAM.
step_firmware() {
    (cd firmware && rustfmt --check --edition 2021 build.rs src/*.rs src/bin/*.rs)
    local fw m0
    fw=$(./scripts/build-firmware.sh | head -n 1)
    timeout 120 qemu-system-arm -machine mps2-an386 -cpu cortex-m4 -nographic \
        -semihosting-config enable=on,target=native -kernel "$fw"
    m0=$(FIRMWARE_TARGET=thumbv6m-none-eabi ./scripts/build-firmware.sh | sed -n 2p)
    timeout 120 qemu-system-arm -machine microbit -nographic \
        -semihosting-config enable=on,target=native -kernel "$m0"
}

# Build (once; cached outside the clone) the User-Mode Linux kernel with AF_MCTP.
step_uml-kernel() { ./scripts/uml-kernel.sh >/dev/null; }

# Boot it: MCTP request/response over lo with real AF_MCTP sockets; nvme-cli is there.
step_uml-smoke() { ./scripts/uml-smoke.sh; }

# nvme-mi-linux's AF_MCTP tests in UML (with its tokio feature, which clippy checks first).
step_linux-uml() {
    cargo clippy -p nvme-mi-linux --all-targets --features tokio -- -D warnings
    ./scripts/test-linux-uml.sh
}

# The core's fragmenter and reassembler against the kernel's, through a tun interface in
# UML: a table of cases (tests/tun_packet_layer.rs; about 4 s).
step_tun-uml() { ./scripts/test-tun-uml.sh; }

# The nvme-mi tool against its own `serve` on the real kernel's AF_MCTP, and discover, in UML.
step_cli-uml() { ./scripts/test-cli-uml.sh; }

# Interoperability: Debian's nvme-cli 2.3 (libnvme-mi 1.3) against `nvme-mi serve` in one UML
# guest; every answer compared with the simulated drive (tests/uml/nvme_cli.sh).
step_nvme-cli-uml() { ./scripts/test-nvme-cli-uml.sh; }

# nvme-mi monitor scraped by a real Prometheus server (Debian's) on loopback: temperature,
# critical warning and event counter through Prometheus's HTTP API; SIGTERM.
step_monitor-prometheus() { ./scripts/test-monitor-prometheus.sh; }

# nvme-mi monitor --dbus on a real dbus-daemon, read with busctl: NVMeSensor's sensor objects,
# values, thresholds and state for two simulated drives, before and after a temperature rise.
step_monitor-dbus() { ./scripts/test-monitor-dbus.sh; }

# nvme-mi monitor in UML: a served drive over real AF_MCTP found through the fake mctpd on a
# real dbus-daemon, stopped (down within its deadline, the other drive unaffected) and back;
# mctpd's removal and restart; /metrics read with curl in the guest.
step_monitor-uml() { ./scripts/test-monitor-uml.sh; }

# --- Driver ---------------------------------------------------------------------------

if [[ "${1:-}" == --list ]]; then
    printf '%s\n' "${STEPS[@]}"
    exit 0
fi
selected=("${STEPS[@]}")
if [[ $# -gt 0 ]]; then
    for s in "$@"; do
        if ! declare -F "step_$s" >/dev/null; then
            echo "test-all: unknown step '$s' (steps: ${STEPS[*]})" >&2
            exit 2
        fi
    done
    selected=("$@")
fi

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

summary=()
failed=()
t_all=$(now)
for s in "${selected[@]}"; do
    printf '\n==> [%s] %s\n' "$(date -u +%H:%M:%S)" "$s"
    t0=$(now)
    # Not `( ... ) || status=$?`: bash ignores `set -e` inside a command whose status is
    # tested, so a step would go on (and pass) after any of its commands but the last failed.
    set +e
    ( set -euo pipefail; "step_$s" )
    status=$?
    set -e
    dt=$(elapsed "$t0" "$(now)")
    if [[ $status -eq 0 ]]; then
        printf '<== %s: ok (%s s)\n' "$s" "$dt"
        summary+=("$s ${dt}s")
    else
        printf '<== %s: FAILED with status %d (%s s)\n' "$s" "$status" "$dt"
        summary+=("$s FAILED")
        failed+=("$s")
        [[ "${KEEP_GOING:-0}" == 1 ]] || break
    fi
done
total=$(elapsed "$t_all" "$(now)")

echo
if [[ ${#failed[@]} -eq 0 ]]; then
    echo "test-all: PASS: ${#selected[@]} steps in ${total} s ($(IFS=,; echo "${summary[*]}" | sed 's/,/, /g'))"
else
    echo "test-all: FAIL: ${failed[*]} after ${total} s ($(IFS=,; echo "${summary[*]}" | sed 's/,/, /g'))"
    exit 1
fi
