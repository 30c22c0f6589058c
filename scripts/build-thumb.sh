#!/usr/bin/env bash
# Builds the no_std crates for a Cortex-M4F microcontroller (thumbv7em-none-eabihf).
#
# rustup here has only the host target, so this uses Debian's compiler (rustc-web, cargo-web,
# installed by scripts/setup.sh) to build `core` from source (build-std). Only `core` and
# `compiler_builtins` are built for the target: any use of `std` or `alloc` in these crates,
# or a dependency that pulls `std` in, fails the build. Uses target/thumb, so the host build
# in target/ is untouched.
#
# Extra arguments go to every cargo invocation (e.g. --release).
# Environment: THUMB_TARGET_DIR (default target/thumb; .ci/run points it at the cache outside
# the clone so CI does not rebuild `core` every time).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

TARGET="${THUMB_TARGET:-thumbv7em-none-eabihf}"
THUMB_TARGET_DIR="${THUMB_TARGET_DIR:-$REPO_ROOT/target/thumb}"
# The crates that must build without std.
PACKAGES=(nvme-mi-core nvme-mi-sim nvme-mi-i2c)

if [[ ! -x /usr/bin/rustc || ! -d /usr/lib/rustlib/src/rust/library ]]; then
    log "Debian's rustc-web / rust-web-src are missing; run scripts/setup.sh"
    exit 1
fi

# rustup's proxies come first in PATH; select Debian's compiler and cargo explicitly.
# RUSTFLAGS from the environment would be meant for the host toolchain: drop them.
thumb_cargo() {
    env -u RUSTFLAGS -u CARGO_BUILD_RUSTFLAGS -u RUSTUP_TOOLCHAIN \
        PATH="/usr/bin:$PATH" RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1 \
        CARGO_TARGET_DIR="$THUMB_TARGET_DIR" \
        /usr/bin/cargo build --locked --target "$TARGET" \
        -Zbuild-std=core,compiler_builtins -Zbuild-std-features=compiler-builtins-mem \
        "$@"
}

log "using $(/usr/bin/rustc --version)"
pkg_args=()
for p in "${PACKAGES[@]}"; do pkg_args+=(-p "$p"); done
log "cargo build --target $TARGET ${pkg_args[*]} $*"
thumb_cargo "${pkg_args[@]}" "$@"
log "cargo build --target $TARGET -p nvme-mi-i2c --features defmt,embedded-mcu-hal $*"
thumb_cargo -p nvme-mi-i2c --features defmt,embedded-mcu-hal "$@"
log "ok: ${PACKAGES[*]} build for $TARGET with core only"
