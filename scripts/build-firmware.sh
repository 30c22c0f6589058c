#!/usr/bin/env bash
# Builds the bare-metal firmware images in firmware/ (its own workspace, its own Cargo.lock)
# for a Cortex-M4F (thumbv7em-none-eabihf; FIRMWARE_TARGET=thumbv6m-none-eabi for a
# Cortex-M0/M0+) with Debian's rustc and build-std, as
# scripts/build-thumb.sh does for the libraries; links with arm-none-eabi-ld (see
# firmware/.cargo/config.toml). Prints the paths of the two ELF files on stdout:
#   nvme-mi-fw       requester + simulated drive over the simulated SMBus (run in QEMU)
#   requester-only   the requester alone, for size comparison
#   drive-only       the drive side alone (simulated drive behind nvme-mi-i2c's I2cResponder)
# Extra arguments go to cargo.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT/firmware"

TARGET="${FIRMWARE_TARGET:-thumbv7em-none-eabihf}"
OUT="$REPO_ROOT/target/firmware"

if [[ ! -x /usr/bin/rustc || ! -d /usr/lib/rustlib/src/rust/library ]]; then
    log "Debian's rustc-web / rust-web-src are missing; run scripts/setup.sh"
    exit 1
fi
command -v arm-none-eabi-ld >/dev/null || { log "arm-none-eabi-ld missing; run scripts/setup.sh"; exit 1; }

log "using $(/usr/bin/rustc --version)"
env -u RUSTFLAGS -u CARGO_BUILD_RUSTFLAGS -u RUSTUP_TOOLCHAIN \
    PATH="/usr/bin:$PATH" RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1 \
    CARGO_TARGET_DIR="$OUT" \
    /usr/bin/cargo build --locked --release --target "$TARGET" \
    -Zbuild-std=core,compiler_builtins -Zbuild-std-features=compiler-builtins-mem \
    --bins "$@" >&2
echo "$OUT/$TARGET/release/nvme-mi-fw"
echo "$OUT/$TARGET/release/requester-only"
echo "$OUT/$TARGET/release/drive-only"
