#!/bin/bash
# The nvme-mi command-line tool against its own `serve` on the real kernel's AF_MCTP, inside
# the UML guest (run by scripts/test-cli-uml.sh through scripts/uml-run.sh).
#
# Usage: tests/uml/cli.sh NVME_MI [FAKE_MCTPD [BASIC_MGMT_LINUX]]
set -euo pipefail

nvme_mi=$1
fake_mctpd=${2:-}
basic_mgmt_linux=${3:-}
fail() {
    echo "cli.sh: FAIL: $*" >&2
    exit 1
}
check() { # check WHAT PATTERN TEXT
    grep -q -- "$2" <<<"$3" || fail "$1: '$2' not in output:"$'\n'"$3"
}

# The README quick start's served-drive block, taken from the README and run as written
# (`nvme-mi` is the binary under test, `nvme` Debian's nvme-cli): the serve line in the
# background, then each other line must succeed with output. tests/cli_readme.rs runs the
# simulated drive's block and checks that this script reads the README.
readme=$(dirname "$0")/../../README.md
mapfile -t readme_lines <<<"$(awk '
    /^## / { section = ($0 ~ /^## Command-line quick start/) }
    section && /^```sh/ { block++; inside = 1; next }
    inside && /^```/ { inside = 0; next }
    section && inside && block == 2 { sub(/  #.*/, ""); if (NF) print }' "$readme")"
((${#readme_lines[@]} >= 2)) || fail "README: no served-drive quick start block in $readme"
readme_pid=
for line in "${readme_lines[@]}"; do
    read -ra words <<<"$line"
    case ${words[0]} in
    nvme-mi) words[0]=$nvme_mi ;;
    nvme) command -v nvme >/dev/null || fail "README line '$line': nvme-cli is missing" ;;
    *) fail "README line '$line': neither nvme-mi nor nvme" ;;
    esac
    if [[ ${words[-1]} == "&" ]]; then
        unset 'words[-1]'
        "${words[@]}" &
        readme_pid=$!
        for _ in $(seq 50); do
            "$nvme_mi" --timeout 200 health mctp:1,8 >/dev/null 2>&1 && break
            sleep 0.1
        done
        echo "README: $line (pid $readme_pid)"
        continue
    fi
    out=$("${words[@]}" 2>&1) || fail "README line '$line': exit $?:"$'\n'"$out"
    [[ -n "$out" ]] || fail "README line '$line': no output"
    echo "README: $line: $(wc -l <<<"$out") lines, first: $(head -1 <<<"$out")"
done
[[ -n "$readme_pid" ]] || fail "README: no serve line in the block"
kill "$readme_pid"
wait "$readme_pid" 2>/dev/null || true

seed=3
source "$(dirname "$0")/serve.sh"
start_serve "$nvme_mi" "$seed"
trap 'kill "$serve_pid" 2>/dev/null || true' EXIT

out=$("$nvme_mi" health mctp:1,8)
echo "$out"
check health "DF" "$out"
check health "composite temperature" "$out"

serial=$("$nvme_mi" --seed "$seed" id-ctrl sim:1 -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["sn"])')
out=$("$nvme_mi" id-ctrl mctp:1,8:1 -o json)
sn=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["sn"])' <<<"$out")
[[ "$sn" == "$serial" ]] || fail "id-ctrl: serial $sn, the simulated drive's is $serial"
echo "id-ctrl mctp:1,8: sn $sn"
out=$("$nvme_mi" id-ctrl mctp:1,8:1)
check "id-ctrl controller 1" "cntlid    : 1" "$out"

out=$("$nvme_mi" smart-log mctp:1,8:1 -o json)
python3 - "$out" <<'PY' || fail "smart-log JSON: $out"
import json, sys
j = json.loads(sys.argv[1])
for k in ("critical_warning", "temperature", "avail_spare", "percent_used", "power_on_hours"):
    assert k in j, k
assert 273 + 20 <= j["temperature"] <= 273 + 60, j["temperature"]
print("smart-log mctp:1,8: temperature", j["temperature"], "K")
PY

out=$("$nvme_mi" list mctp:1,8)
check list "$serial" "$out"
out=$("$nvme_mi" subsys-info mctp:1,8)
check subsys-info "NVMe-MI version     : 2.0" "$out"

# More Processing Required over the kernel: Format NVM takes 3 s on the simulated drive.
out=$("$nvme_mi" -v format mctp:1,8:1 -n 1 --lbaf 1 --force 2>&1)
check format "More Processing Required" "$out"
check format "Success formatting namespace:1 (LBA format 1) after" "$out"

# Errors in words, with their exit codes.
set +e
out=$("$nvme_mi" port-info mctp:1,8 --port 9 2>&1); code=$?
set -e
[[ $code -eq 5 ]] || fail "port-info --port 9: exit $code, expected 5: $out"
check port-info "Invalid Parameter" "$out"
set +e
out=$("$nvme_mi" --timeout 300 health mctp:1,9 2>&1); code=$?
set -e
[[ $code -eq 2 || $code -eq 3 ]] || fail "health mctp:1,9: exit $code, expected 2 or 3: $out"
echo "unreachable endpoint: exit $code: $out"

if [[ -n "$fake_mctpd" ]]; then
    export DBUS_SESSION_BUS_ADDRESS
    DBUS_SESSION_BUS_ADDRESS=$(dbus-daemon --session --fork --print-address=1 | head -1)
    fifo=$(mktemp -u)
    mkfifo "$fifo"
    "$fake_mctpd" <"$fifo" &
    fake_pid=$!
    exec 3>"$fifo"
    trap 'exec 3>&-; kill "$serve_pid" "$fake_pid" 2>/dev/null || true' EXIT
    echo "add 1 8 0,4" >&3
    echo "add 1 20 0,1" >&3
    out=""
    for _ in $(seq 50); do
        out=$("$nvme_mi" discover --session 2>&1 || true)
        grep -q "mctp:1,8" <<<"$out" && break
        sleep 0.1
    done
    echo "$out"
    check discover "mctp:1,8" "$out"
    grep -q "mctp:1,20" <<<"$out" && fail "discover lists an endpoint without NVMe-MI"
    device=$("$nvme_mi" discover --session -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["device"])')
    out=$("$nvme_mi" health "$device")
    check "health of the discovered endpoint" "DF" "$out"
fi
# serve --verbose logs each request with its peer and each response, as hex.
kill "$serve_pid" 2>/dev/null || true
wait "$serve_pid" 2>/dev/null || true
log=$(mktemp)
cap=$(mktemp)
"$nvme_mi" --verbose serve --net 1 --eid 8 --seed "$seed" --capture "$cap" 2>"$log" &
serve_pid=$!
for _ in $(seq 50); do
    "$nvme_mi" --timeout 200 health mctp:1,8 >/dev/null 2>&1 && break
    sleep 0.1
done
"$nvme_mi" health mctp:1,8 >/dev/null
# A requester's --capture over AF_MCTP: the source is the local EID the kernel sends from (the
# route's interface's first address: lo's 8), not the null EID.
reqcap=$(mktemp)
"$nvme_mi" --capture "$reqcap" health mctp:1,8 >/dev/null
kill "$serve_pid"
wait "$serve_pid" 2>/dev/null || true
out=$(cat "$log")
# A Subsystem Health Status Poll request (NMIMT 1, opcode 01h) and a Success response.
check "serve --verbose request" "<- from .* bytes: 84 08 00 00 01 00 00 00" "$out"
check "serve --verbose response" "\] -> 20 bytes: 84 88 00 00 00 " "$out"
echo "serve --verbose: $(grep -c ' bytes: ' <<<"$out") messages logged"
# serve --capture: the same exchanges as a pcap of MCTP packets, which decode reads.
out=$("$nvme_mi" decode -f "$cap" --summary)
check "serve --capture request" "-> 8 .*NVM Subsystem Health Status Poll" "$out"
check "serve --capture response" "8 -> .*response .*Success" "$out"
echo "serve --capture: $(wc -l <<<"$out") messages in the capture"
out=$("$nvme_mi" decode -f "$reqcap" --summary)
check "requester --capture request from the kernel's source EID" \
    "\(^\| \)8 -> 8 .*NVM Subsystem Health Status Poll" "$out"
check "requester --capture response" "\(^\| \)8 -> 8 .*response .*Success" "$out"
echo "requester --capture over AF_MCTP: $(wc -l <<<"$out") records"
# The Basic Management Command over the kernel's I2C stack (i2c-stub on i2c-dev).
if [[ -n "$basic_mgmt_linux" ]]; then
    "$(dirname "$0")/basic_i2c.sh" "$nvme_mi" "$basic_mgmt_linux"
fi
echo "cli.sh: all checks passed"
