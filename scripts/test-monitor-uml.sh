#!/usr/bin/env bash
# nvme-mi monitor in the User-Mode Linux rig: two served drives over real AF_MCTP (each
# behind a serial MCTP link of its own), followed through nvme-mi-linux's fake mctpd on a
# real dbus-daemon, /metrics read with curl (tests/uml/monitor.sh).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

cargo build -p nvme-mi
linux_examples fake_mctpd mctp_link
target=$(cargo metadata --format-version 1 --no-deps \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
run_guest() {
    log "in UML: tests/uml/monitor.sh"
    "$REPO_ROOT/scripts/uml-run.sh" "$REPO_ROOT/tests/uml/monitor.sh" \
        "$target/debug/nvme-mi" "$target/debug/examples/fake_mctpd" \
        "$target/debug/examples/mctp_link"
}
run_guest
