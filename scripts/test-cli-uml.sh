#!/usr/bin/env bash
# Runs the nvme-mi command-line tool against its own `serve` (the simulated drive) on the
# real kernel's AF_MCTP inside the User-Mode Linux rig: tests/uml/cli.sh checks health,
# id-ctrl, smart-log -o json, list, format (More Processing Required), error exit codes, and
# discover through nvme-mi-linux's fake mctpd on a session bus.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

cargo build -p nvme-mi
cargo build -p nvme-mi-linux --example fake_mctpd
target=$(cargo metadata --format-version 1 --no-deps \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
log "in UML: tests/uml/cli.sh"
"$REPO_ROOT/scripts/uml-run.sh" "$REPO_ROOT/tests/uml/cli.sh" \
    "$target/debug/nvme-mi" "$target/debug/examples/fake_mctpd"
