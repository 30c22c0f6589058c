#!/usr/bin/env bash
# Runs the nvme-mi command-line tool against its own `serve` (the simulated drive) on the
# real kernel's AF_MCTP inside the User-Mode Linux rig: tests/uml/cli.sh checks health,
# id-ctrl, smart-log -o json, list, format (More Processing Required), error exit codes, and
# discover through nvme-mi-linux's fake mctpd on a session bus; then tests/uml/basic_i2c.sh
# reads the Basic Management Command from the kernel's i2c-stub through i2c-dev with the CLI
# and nvme-mi-linux's basic_mgmt_linux example.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

cargo build -p nvme-mi
linux_examples fake_mctpd basic_mgmt_linux
target=$(cargo metadata --format-version 1 --no-deps \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
log "in UML: tests/uml/cli.sh"
UML_KERNEL_ARGS="i2c_stub.chip_addr=0x6a" \
    "$REPO_ROOT/scripts/uml-run.sh" "$REPO_ROOT/tests/uml/cli.sh" \
    "$target/debug/nvme-mi" "$target/debug/examples/fake_mctpd" \
    "$target/debug/examples/basic_mgmt_linux"
