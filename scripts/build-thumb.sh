#!/usr/bin/env bash
# Builds the no_std crates for a Cortex-M4F (thumbv7em-none-eabihf) and a Cortex-M0+
# (thumbv6m-none-eabi: ARMv6-M, no atomic read-modify-write, no hardware divide).
#
# rustup here has only the host target, so this uses Debian's compiler (rustc-web, cargo-web,
# installed by scripts/setup.sh) to build `core` from source (build-std). Only `core` and
# `compiler_builtins` are built for the target: any use of `std` or `alloc` in these crates,
# or a dependency that pulls `std` in, fails the build. Uses target/thumb, so the host build
# in target/ is untouched.
#
# Extra arguments go to every cargo invocation (e.g. --release).
# Environment: THUMB_TARGETS (default both targets above), THUMB_TARGET_DIR (default
# target/thumb; .ci/run points it at the cache outside the clone so CI does not rebuild `core`
# every time).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

read -r -a TARGETS <<<"${THUMB_TARGETS:-${THUMB_TARGET:-thumbv7em-none-eabihf thumbv6m-none-eabi}}"
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
        /usr/bin/cargo build --locked --target "$target" \
        -Zbuild-std=core,compiler_builtins -Zbuild-std-features=compiler-builtins-mem \
        "$@"
}

log "using $(/usr/bin/rustc --version)"
pkg_args=()
for p in "${PACKAGES[@]}"; do pkg_args+=(-p "$p"); done
for target in "${TARGETS[@]}"; do
    log "cargo build --target $target ${pkg_args[*]} $*"
    thumb_cargo "${pkg_args[@]}" "$@"
    log "cargo build --target $target -p nvme-mi-i2c --features defmt,embedded-mcu-hal $*"
    thumb_cargo -p nvme-mi-i2c --features defmt,embedded-mcu-hal "$@"
    log "ok: ${PACKAGES[*]} build for $target with core only"
done
