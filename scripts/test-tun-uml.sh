#!/usr/bin/env bash
# The core's MCTP packet layer against the kernel's, in the User-Mode Linux rig: a tun
# interface whose other end holds the core's fragmenter and reassembler
# (tests/tun_packet_layer.rs, a table of cases). Builds the test binary on the host, then
# runs it in UML with NVME_MI_UML=1 (a missing AF_MCTP is then a failure, not a skip).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

bin=$(test_executables --test tun_packet_layer)
[[ -n "$bin" ]] || { log "no test binary"; exit 1; }
export NVME_MI_UML=1
"$REPO_ROOT/scripts/uml-run.sh" "$bin" --test-threads=1 --nocapture "$@"
