#!/usr/bin/env bash
# Smoke test of the User-Mode Linux rig: the guest kernel carries AF_MCTP and the host's
# tools are there. Runs tests/uml/mctp_smoke.py on the host (informative: AF_MCTP is
# expected to be missing) and inside UML (must pass), then `nvme version` inside UML.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

PY=/usr/bin/python3
"$PY" tests/uml/mctp_smoke.py --expect-unsupported
log "inside UML: MCTP request/response over lo"
./scripts/uml-run.sh "$PY" tests/uml/mctp_smoke.py
log "inside UML: nvme-cli"
./scripts/uml-run.sh nvme version
log "ok"
