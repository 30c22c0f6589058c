#!/usr/bin/env bash
# Prints the flash and RAM use of the firmware images (arm-none-eabi-size, Berkeley format:
# text = code + read-only data, data = initialised RAM, bss = zeroed RAM), release build with
# opt-level "s", LTO, one codegen unit, panic = abort:
#   nvme-mi-fw       requester + simulated drive + simulated SMBus (the QEMU test image)
#   requester-only   the requester alone: I2C transport, requester engine, codecs
#   drive-only       the drive alone: simulated drive, responder engine, I2C responder transport
# FIRMWARE_TARGET=thumbv6m-none-eabi for the Cortex-M0+ images.
# A benchmark figure, not a test: the numbers go to stdout, progress to stderr.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

mapfile -t elves < <(./scripts/build-firmware.sh "$@")
printf '%-16s %8s %6s %6s %8s\n' image text data bss "flash(B)"
for elf in "${elves[@]}"; do
    read -r text data bss _ < <(arm-none-eabi-size -B "$elf" | tail -n 1)
    printf '%-16s %8d %6d %6d %8d\n' "$(basename "$elf")" "$text" "$data" "$bss" $((text + data))
done
