#!/usr/bin/env bash
# Runs a command inside the User-Mode Linux test kernel (real AF_MCTP) and returns its status.
#
# Usage: scripts/uml-run.sh CMD [ARG...]
#
# The guest's root file system is the host's (hostfs), so CMD is any host program (test
# binaries, python3, nvme, ip, dbus-daemon). It starts in the current directory with the
# caller's environment, stdin from /dev/null, with proc, sys, devtmpfs, tmpfs on /tmp and
# /run, and `lo` up. Its output is streamed here; the kernel's own console goes to a log
# that is printed only if the guest fails to report a status (or with UML_VERBOSE=1).
#
# Environment: UML_MEM (default 512M), UML_TIMEOUT seconds (default 600), UML_KERNEL_ARGS
# (more kernel command-line words, e.g. i2c_stub.chip_addr=0x6a),
# UML_KERNEL (a linux binary; default: the one scripts/uml-kernel.sh builds), UML_VERBOSE.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

if [[ $# -eq 0 ]]; then
    echo "usage: $0 CMD [ARG...]" >&2
    exit 2
fi

kernel="${UML_KERNEL:-$("$REPO_ROOT/scripts/uml-kernel.sh")}"
init="$REPO_ROOT/tests/uml/init.sh"

mkdir -p "$NVME_MI_CACHE/runs"
run=$(mktemp -d "$NVME_MI_CACHE/runs/run.XXXXXX")
cleanup() { [[ "${UML_KEEP:-0}" == 1 ]] || rm -rf "$run"; }
trap cleanup EXIT

# The caller's environment, minus what belongs to this shell only.
while IFS= read -r -d '' kv; do
    name=${kv%%=*}
    [[ "$name" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || continue
    case "$name" in
        PWD | OLDPWD | SHLVL | _ | BASHOPTS | SHELLOPTS | BASH_* | UML_RUN) continue ;;
    esac
    printf 'export %s=%q\n' "$name" "${kv#*=}"
done < <(env -0) >"$run/env"
{
    printf 'CMD=('
    printf '%q ' "$@"
    printf ')\n'
    printf 'UML_CWD=%q\n' "$PWD"
} >"$run/cmd"

timeout_s="${UML_TIMEOUT:-600}"
# One boot of the guest; sets uml_status (the kernel process's exit status).
boot() {
    : >"$run/output"
    rm -f "$run/status"
    # `quiet` keeps the console short; con0 goes to console.log, all other consoles nowhere.
    timeout --kill-after=10 "$timeout_s" "$kernel" \
        mem="${UML_MEM:-512M}" uml_dir="$run" \
        rootfstype=hostfs rootflags=/ rw quiet \
        con=null con0=null,fd:1 ssl=null \
        ${UML_KERNEL_ARGS:-} \
        init="$init" UML_RUN="$run" \
        </dev/null >"$run/console.log" 2>&1 &
    uml_pid=$!
    tail -s 0.1 -n +1 -f --pid="$uml_pid" "$run/output"
    uml_status=0
    wait "$uml_pid" || uml_status=$?
}

# The UML kernel itself sometimes dies (Debian's 6.12 built by uml-kernel.sh, on 6.18 host
# kernels): "Segfault with no mm" with timer_real_alarm_handler (arch/um's host SIGALRM
# handler) on the stack, or "Kernel tried to access user memory". On 2026-12-07 it happened
# in 5 of about 90 guest boots across test-linux-uml.sh, test-nvme-cli-uml.sh and
# test-monitor-uml.sh, three times during boot, right after "Checking host MADV_REMOVE
# support", before init had started any program. On 2026-12-08 it also hung once: the guest
# kernel's one thread spinning at 100 % of a host CPU (5 min, 84 s user + 229 s system) with
# every guest process stopped, in test-linux-uml.sh's af_mctp binary, which takes 20 s.
# Such a boot has no test result, so it is booted once more, said loudly: a guest whose
# console shows a kernel crash, or that ran out of time (UML_TIMEOUT, 600 s by default,
# several times the longest guest of the test command). A guest that reports a status (a
# test failure) is never repeated, nor is one that ended without a status or a crash.
boot
if [[ ! -s "$run/status" ]]; then
    if [[ $uml_status -eq 124 || $uml_status -eq 137 ]]; then
        why="ran out of time (${timeout_s} s)"
    elif grep -qE 'Kernel panic|Segfault with no mm|Kernel tried to access user memory' "$run/console.log"; then
        why="crashed"
    else
        why=""
    fi
    if [[ -n "$why" ]]; then
        log "the guest reported no status (kernel exit $uml_status); its console:"
        cat "$run/console.log" >&2
        log "WARNING: the UML guest kernel $why (console above); booting the guest once more"
        boot
    fi
fi

if [[ -s "$run/status" ]]; then
    status=$(<"$run/status")
else
    if [[ $uml_status -eq 124 || $uml_status -eq 137 ]]; then
        log "timed out after ${timeout_s} s"
    fi
    log "the guest reported no status (kernel exit $uml_status); its console:"
    cat "$run/console.log" >&2
    exit 125
fi
if [[ "${UML_VERBOSE:-0}" == 1 ]]; then
    log "guest console:"
    cat "$run/console.log" >&2
fi
exit "$status"
