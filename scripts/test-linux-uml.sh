#!/usr/bin/env bash
# Runs nvme-mi-linux's real-kernel tests (AF_MCTP) inside the User-Mode Linux rig.
#
# Builds the test binaries on the host (with the `tokio` feature), then boots a fresh UML
# kernel for each binary (kernel MCTP state such as reserved tags does not carry over
# between binaries) and runs it there with NVME_MI_UML=1, which makes a missing AF_MCTP a
# failure instead of a skip. Fails if any binary fails.
#
# Usage: scripts/test-linux-uml.sh [TEST-ARGS...]   (passed to every test binary)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

mapfile -t bins < <(test_executables -p nvme-mi-linux --features tokio)
if [[ ${#bins[@]} -eq 0 ]]; then
    log "no test binaries found"
    exit 1
fi

export NVME_MI_UML=1
failed=()
for bin in "${bins[@]}"; do
    log "in UML: $(basename "$bin")"
    if ! "$REPO_ROOT/scripts/uml-run.sh" "$bin" --test-threads=1 "$@"; then
        failed+=("$(basename "$bin")")
    fi
done
if [[ ${#failed[@]} -gt 0 ]]; then
    log "FAILED: ${failed[*]}"
    exit 1
fi
log "all ${#bins[@]} test binaries passed in UML"
