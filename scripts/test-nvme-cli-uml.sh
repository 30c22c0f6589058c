#!/usr/bin/env bash
# Interoperability with an independent implementation: Debian's nvme-cli 2.3 (libnvme-mi 1.3)
# against `nvme-mi serve` (the simulated drive) on the real kernel's AF_MCTP inside the
# User-Mode Linux rig. tests/uml/nvme_cli.sh runs id-ctrl, admin-passthru, id-ns, list-ctrl,
# list-ns, error-log, smart-log, get-log, get-feature, fw-download + fw-commit, sanitize-log,
# security-recv and format, and compares every answer with the simulated drive's state.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

command -v nvme >/dev/null || { log "nvme-cli is missing (scripts/setup.sh installs it)"; exit 1; }
cargo build -p nvme-mi
target=$(cargo metadata --format-version 1 --no-deps \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
# The fresh drive's answers, written on the host (program starts are slow in UML), in a
# directory the guest sees (its /tmp is its own).
mkdir -p "$NVME_MI_CACHE/runs"
expected=$(mktemp -d "$NVME_MI_CACHE/runs/nvme-cli.XXXXXX")
trap 'rm -rf "$expected"' EXIT
"$REPO_ROOT/tests/uml/nvme_cli.sh" --expect "$target/debug/nvme-mi" "$expected"
log "in UML: tests/uml/nvme_cli.sh"
"$REPO_ROOT/scripts/uml-run.sh" "$REPO_ROOT/tests/uml/nvme_cli.sh" "$target/debug/nvme-mi" "$expected"
