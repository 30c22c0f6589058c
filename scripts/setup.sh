#!/usr/bin/env bash
# Installs the Debian packages the test suite needs, and nothing when all are present.
#
# Idempotent: asks dpkg which packages are missing and runs `apt-get update` (once) and
# `apt-get install` only for those. Needs root (or sudo) only when something is missing.
set -euo pipefail

# Package groups, by the step of scripts/test-all.sh that needs them.
BARE_METAL=(rustc-web rust-web-src cargo-web qemu-system-arm binutils-arm-none-eabi)
UML_KERNEL=(linux-source-6.12 flex bison bc make gcc libc6-dev xz-utils patch)
# tcpdump: the capture in tests/tun_packet_layer.rs, read by `nvme-mi decode`.
REAL_PEERS=(nvme-cli libnvme-dev dbus-daemon iproute2 python3 tcpdump)
# System calls per poll in scripts/bench-libnvme.sh (STRACE=1).
BENCH=(strace)
# The fuzz step: libfuzzer-sys compiles libFuzzer's C++ sources.
FUZZ=(g++)
# The monitor's tests: a real Prometheus server, HTTP from scripts, busctl for --dbus.
MONITOR=(prometheus curl systemd)

missing=()
for pkg in "${BARE_METAL[@]}" "${UML_KERNEL[@]}" "${REAL_PEERS[@]}" "${MONITOR[@]}" "${FUZZ[@]}" "${BENCH[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null || true)
    if [[ "$status" != ii* ]]; then
        missing+=("$pkg")
    fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
    echo "setup: all Debian packages present"
    exit 0
fi

SUDO=()
if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null; then
        SUDO=(sudo)
    else
        echo "setup: missing packages (${missing[*]}) and not root; install them by hand" >&2
        exit 1
    fi
fi

export DEBIAN_FRONTEND=noninteractive
echo "setup: installing: ${missing[*]}"
echo "setup: + apt-get update"
"${SUDO[@]}" apt-get update -qq
echo "setup: + apt-get install -y --no-install-recommends ${missing[*]}"
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "setup: done"
