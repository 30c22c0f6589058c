#!/bin/bash
# Interoperability with an independent requester: Debian's nvme-cli 2.3 (libnvme-mi 1.3)
# against the simulated drive served by `nvme-mi serve` on the real kernel's AF_MCTP, inside
# the UML guest (run by scripts/test-nvme-cli-uml.sh through scripts/uml-run.sh).
#
# Every nvme-cli answer is compared with the simulated drive's state: with what this
# project's own tool reads from a fresh drive of the same seed (`nvme-mi --seed N <cmd> sim`)
# or, for values that move with time (temperature) or that nvme-cli changes (firmware,
# format), from the served drive itself (`nvme-mi <cmd> mctp:1,8`).
#
# Usage: tests/uml/nvme_cli.sh NVME_MI [EXPECTED_DIR]   (in the guest)
#        tests/uml/nvme_cli.sh --expect NVME_MI DIR     (on the host, first)
# Every program start is slow under UML (ptrace), so the fresh drive's answers are best
# written on the host with --expect; without EXPECTED_DIR the guest writes them itself.
# The JSON checks run in one python3 at the end, for the same reason.
set -euo pipefail

seed=5
sim() { "$nvme_mi" --seed "$seed" "$@"; } # a fresh drive of the same seed, in process
features=("4" "4 --cdw11=0x100000" "4 --sel=1" "4 --sel=3" "2" "7" "8" "0x0b")
expect_all() { # expect_all DIR: the fresh drive's answers, one file each
    local d=$1 f
    mkdir -p "$d"
    sim id-ctrl sim -o json >"$d/id-ctrl"
    sim id-ns sim -n 1 -o json >"$d/id-ns"
    sim ctrl-list sim -o json >"$d/ctrl-list"
    sim list-ns sim -o json >"$d/list-ns"
    sim error-log sim -e 256 -o json >"$d/error-log"
    sim smart-log sim -o json >"$d/smart-log"
    for f in "${features[@]}"; do
        # nvme-cli's --opt=value as nvme-mi's --opt value.
        # shellcheck disable=SC2086
        sim get-feature sim -f ${f//=/ } -o json >"$d/feature-${f// /}"
    done
}
if [[ ${1:-} == --expect ]]; then
    nvme_mi=$2
    expect_all "$3"
    exit 0
fi
nvme_mi=$1
fail() {
    echo "nvme_cli.sh: FAIL: $*" >&2
    exit 1
}
check() { # check WHAT PATTERN TEXT
    grep -q -- "$2" <<<"$3" || fail "$1: '$2' not in output:"$'\n'"$3"
}
# Runs nvme-cli; its output (stdout and stderr) in $out; fails the test on a non-zero exit.
nvme_ok() {
    out=$(nvme "$@" 2>&1) || fail "nvme $*: exit $?:"$'\n'"$out"
}
# py SCRIPT TEXT...: a Python check of JSON documents, run by verify at the end: the script
# sees the first JSON object of each TEXT (nvme-cli prints libnvme's warnings before it) as
# j[0], j[1], ...
checks=0
py() {
    checks=$((checks + 1))
    local d="$work/check.$checks" i=0
    mkdir "$d"
    printf '%s' "$1" >"$d/script"
    shift
    for a in "$@"; do
        printf '%s' "$a" >"$d/arg.$i"
        i=$((i + 1))
    done
}
verify() {
    python3 - "$work" "$checks" <<'PY' || fail "$? of the $checks JSON checks failed"
import json, os, sys, traceback
def doc(text):
    return json.loads(text[text.index("{"):])
failed = 0
for c in range(1, int(sys.argv[2]) + 1):
    d = os.path.join(sys.argv[1], f"check.{c}")
    n = len([f for f in os.listdir(d) if f.startswith("arg.")])
    script = open(os.path.join(d, "script")).read()
    try:
        j = [doc(open(os.path.join(d, f"arg.{i}")).read()) for i in range(n)]
        exec(script, {"j": j})
    except Exception:
        failed += 1
        print(f"nvme_cli.sh: check {c} failed:{script}", file=sys.stderr)
        traceback.print_exc()
sys.exit(failed)
PY
}

dev=mctp:1,8:0 # controller 0; the simulated subsystem has controllers 0 and 1
work=$(mktemp -d)
expect=${2:-$work/expected}
[[ -d "$expect" ]] || expect_all "$expect"
want() { cat "$expect/$1"; } # the fresh drive's answer
source "$(dirname "$0")/serve.sh"
start_serve "$nvme_mi" "$seed"
trap 'kill "$serve_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
nvme version

# libnvme 1.3 probes every endpoint it opens with a partial Identify Controller to
# controller ID 0 (nvme_mi_ep_probe) and, without `:<ctrl-id>`, nvme-cli addresses
# controller 0 too. The simulated subsystem numbers its controllers from 0 (0 and 1), so
# both work. A controller the subsystem does not have (2) is Invalid Parameter: CTLID must
# exist in the subsystem (NVMe-MI 1.2 §6).
nvme_ok id-ctrl mctp:1,8 -o json
py 'assert j[0]["cntlid"] == 0, j[0]["cntlid"]; print("id-ctrl mctp:1,8: cntlid 0")' "$out"
set +e
out=$(nvme id-ctrl mctp:1,8:2 -o json 2>&1)
code=$?
set -e
[[ $code -ne 0 ]] || fail "id-ctrl on controller 2 succeeded: $out"
check "id-ctrl controller 2" "Invalid Parameter" "$out"
echo "id-ctrl mctp:1,8:2 (no such controller): $(tail -1 <<<"$out")"

# id-ctrl: identity strings and numbers equal the simulated drive's.
nvme_ok id-ctrl "$dev" -o json
idctrl=$out
py '
a, b = j
for k in ("vid", "ssvid", "sn", "mn", "fr", "cntlid", "ver", "nn", "oacs", "frmw", "lpa",
          "elpe", "wctemp", "cctemp", "mdts", "npss", "fna", "sanicap", "subnqn"):
    x, y = a[k], b[k]
    if isinstance(x, str):
        x, y = x.rstrip(), str(y).rstrip()
    assert str(x) == str(y), (k, x, y)
print("id-ctrl:", a["sn"].strip(), "/", a["mn"].strip(), "/ fr", a["fr"].strip(), "/ vid", hex(a["vid"]))
' "$idctrl" "$(want id-ctrl)"
nvme_ok id-ctrl mctp:1,8:1 -o json
py 'assert j[0]["cntlid"] == 1, j[0]["cntlid"]; print("id-ctrl mctp:1,8:1: cntlid 1")' "$out"

# admin-passthru: Identify (opcode 06h) CNS 01h read as 4096 raw bytes; the same bytes as
# this project's own tool reads from the served drive, and the same serial number.
nvme admin-passthru "$dev" --opcode=6 --cdw10=1 --data-len=4096 -r -b >"$work/passthru.bin" 2>"$work/err" ||
    fail "admin-passthru: $(cat "$work/err")"
"$nvme_mi" id-ctrl "$dev" -o binary >"$work/id-ctrl.bin"
[[ $(stat -c %s "$work/passthru.bin") -eq 4096 ]] || fail "admin-passthru: $(stat -c %s "$work/passthru.bin") bytes, not 4096"
cmp "$work/passthru.bin" "$work/id-ctrl.bin" || fail "admin-passthru Identify data differ from nvme-mi id-ctrl's"
sn=$(dd if="$work/passthru.bin" bs=1 skip=4 count=20 2>/dev/null | tr -d ' ')
py "assert j[0]['sn'] == '$sn', ('$sn', j[0]['sn'])" "$(want id-ctrl)"
echo "admin-passthru Identify: 4096 bytes equal to nvme-mi id-ctrl -o binary, sn $sn"

# id-ns: namespace 1 (before the format below changes it).
nvme_ok id-ns "$dev" -n 1 -o json
py '
a, b = j
for k in ("nsze", "ncap", "nuse", "nlbaf", "flbas", "dlfeat", "nvmcap", "nguid", "eui64"):
    assert str(a[k]) == str(b[k]), (k, a[k], b[k])
assert [(f["ms"], f["ds"], f["rp"]) for f in a["lbafs"]] == [(f["ms"], f["ds"], f["rp"]) for f in b["lbafs"]], (a["lbafs"], b["lbafs"])
print("id-ns -n 1: nsze", a["nsze"], "flbas", a["flbas"], "nguid", a["nguid"])
' "$out" "$(want id-ns)"

# list-ctrl (Identify CNS 13h) against the MI Controller List (Read NVMe-MI Data Structure,
# DTYP 2): two independent paths to the subsystem's controllers.
nvme_ok list-ctrl "$dev" -o json
py '
a, b = j
ids = [c["ctrl_id"] for c in a["ctrl_list"]]
assert a["num_ctrl"] == b["num_ctrl"] == len(ids), (a, b)
assert ids == b["ctrl_list"], (ids, b["ctrl_list"])
print("list-ctrl:", ids)
' "$out" "$(want ctrl-list)"
# CNS 13h lists the controllers with an ID greater than or equal to CNTID.
nvme_ok list-ctrl "$dev" --cntid=1 -o json
py 'ids = [c["ctrl_id"] for c in j[0]["ctrl_list"]]; assert ids == [1], ids; print("list-ctrl --cntid=1:", ids)' "$out"

# list-ns: the active namespaces.
nvme_ok list-ns "$dev" -o json
py '
a, b = j
assert a["nsid_list"] == b["nsid_list"] and a["nsid_list"], (a, b)
print("list-ns:", [n["nsid"] for n in a["nsid_list"]])
' "$out" "$(want list-ns)"

# error-log: the drive's seeded entries. The controller-2 request above was refused at the
# NVMe-MI layer (Invalid Parameter), not by a controller, so it adds no entry and the log
# equals a fresh drive's.
# The whole log, ELPE + 1 = 256 entries (nvme-cli reads at most 64 unless asked): 16 KiB, more
# than one NVMe-MI response carries, so libnvme-mi reads it in parts.
nvme_ok error-log "$dev" -e 256 -o json
py '
a, b, c = j
ea, eb = a["errors"], b["errors"]
assert len(ea) == c["elpe"] + 1 == len(eb) == 256, (len(ea), c["elpe"], len(eb))
for x, y in zip(ea, eb):
    for k in ("error_count", "sqid", "cmdid", "status_field", "phase_tag", "lba", "nsid"):
        assert x[k] == y[k], (k, x, y)
    assert x["parm_error_location"] == y["parm_error_location"], (x, y)
used = [e for e in ea if e["error_count"]]
assert used, "no error entries"
print("error-log:", len(ea), "entries,", len(used), "used, status fields", [e["status_field"] for e in used])
' "$out" "$(want error-log)" "$idctrl"

# smart-log: the composite temperature is the drive's (it moves: a thermal cycle and sensor
# noise), the counters that do not move with time are equal.
nvme_ok smart-log "$dev" -o json
smart=$out
py '
a, b, c = j
t, u = a["temperature"], b["temperature"]
assert 273 + 20 <= t <= 273 + 60, t
assert abs(t - u) <= 6, (t, u)
for k in ("critical_warning", "avail_spare", "spare_thresh", "percent_used", "power_cycles",
          "unsafe_shutdowns", "media_errors", "num_err_log_entries"):
    assert int(a[k]) == int(c[k]), (k, a[k], c[k])
print("smart-log: temperature", t, "K; nvme-mi on the same drive:", u, "K; spare", a["avail_spare"], "%")
' "$smart" "$("$nvme_mi" smart-log "$dev" -o json)" "$(want smart-log)"

# get-log: raw Firmware Slot Information (03h) and Commands Supported and Effects (05h, one
# whole 4096-byte MI transfer) equal this project's own reads of the served drive.
for lid_len in 3:512 5:4096 2:64; do
    lid=${lid_len%:*}
    len=${lid_len#*:}
    nvme get-log "$dev" --log-id="$lid" --log-len="$len" -b >"$work/log.bin" 2>"$work/err" ||
        fail "get-log --log-id=$lid: $(cat "$work/err")"
    [[ $(stat -c %s "$work/log.bin") -eq $len ]] || fail "get-log --log-id=$lid: $(stat -c %s "$work/log.bin") bytes"
    if [[ $lid -ne 2 ]]; then
        "$nvme_mi" get-log "$dev" --log-id "$lid" --log-len "$len" -b >"$work/log.ref"
        cmp "$work/log.bin" "$work/log.ref" || fail "get-log --log-id=$lid differs from nvme-mi get-log"
    else
        # SMART: byte 0 critical warning, bytes 2:1 the composite temperature (kelvin).
        t=$(od -An -tu2 -j1 -N2 "$work/log.bin" | tr -d ' ')
        ((t >= 293 && t <= 333)) || fail "get-log 02h: temperature $t K"
    fi
    echo "get-log --log-id=$lid --log-len=$len: $(stat -c %s "$work/log.bin") bytes, as expected"
done

# get-feature. nvme-cli 2.3 asks the kernel for the namespace ID of its device when -n is
# not given (NVME_IOCTL_ID on a file descriptor an MI device does not have) and gives up
# with "get-namespace-id: Bad file descriptor": a bug of nvme-cli, not of the drive, so the
# namespace is given (FFFFFFFFh, what nvme-cli itself uses for a controller device).
feature() { # feature FID [NVME ARGS...]: prints the value nvme-cli reports
    local fid=$1
    shift
    nvme_ok get-feature "$dev" -n 0xffffffff -f "$fid" "$@"
    check "get-feature -f $fid" "get-feature:" "$out"
    sed -n 's/.*value:\(0x\)\{0,1\}\([0-9a-fA-F]*\).*/\2/p' <<<"$out" | head -1
}
for args in "${features[@]}"; do
    # shellcheck disable=SC2086
    v=$((16#$(feature $args)))
    w=$(sed -n 's/^ *"value": \([0-9]*\).*/\1/p' "$expect/feature-${args// /}")
    [[ -n "$w" && $v -eq $w ]] || fail "get-feature -f $args: $v, the simulated drive's is $w"
    echo "get-feature -f $args: $(printf '%#x' "$v") (the drive's $(printf '%#x' "$w"))"
done
# Temperature Threshold: TMPTH (bits 15:0) is the warning threshold of Identify (WCTEMP).
v=$((16#$(feature 4)))
wctemp=$(sed -n 's/^ *"wctemp":\([0-9]*\).*/\1/p' <<<"$idctrl")
((v & 0xffff)) && (((v & 0xffff) == wctemp)) || fail "temperature threshold $v, wctemp $wctemp"

# get-feature without -f. nvme-cli 2.3 walks every feature identifier from 00h to FFh and
# means to pass over those refused with Invalid Field in Command, but it compares the whole
# status with libnvme's nvme_status_equals, Do Not Retry bit included: a drive that sets DNR
# on Invalid Field (this one does, as most do: the same command would fail again) ends its
# walk at 00h, with nothing printed, the status shown and exit 1. That is checked first, so
# that a change of behaviour is seen. nvme-mi compares the status code and walks on; its
# walk is compared with nvme-cli reading each identifier alone (-f), under -s 0 (all 256)
# and -s 3 (those shown under -s 0):
# the same "get-feature:" and capability lines ("  Feature is changeable"), but for the
# feature names (nvme-cli says "Async Event Configuration" for 0Bh, nvme-mi the spec's
# "Asynchronous Event Configuration"), and every identifier nvme-mi leaves out refused by
# nvme-cli with Invalid Field in Command, or not sent by it at all ("get-feature: Invalid
# argument": identifiers whose data length libnvme 1.3 does not know). Data dumps are left out: libnvme-mi 1.3 asks for
# no data (see the Timestamp below).
walk_lines() { # the lines to compare, names removed
    { grep -E '^(get-feature:|  Feature is )' || true; } | sed 's/ ([^)]*),/,/'
}
set +e
nvme get-feature "$dev" -n 0xffffffff >"$work/walk.nvme" 2>"$work/walk.err"
code=$?
set -e
[[ $code -eq 1 && ! -s "$work/walk.nvme" ]] && grep -q "Invalid Field in Command.*(0x4002)" "$work/walk.err" ||
    fail "nvme get-feature (every feature): exit $code, stdout '$(cat "$work/walk.nvme")', stderr '$(cat "$work/walk.err")'; nvme-cli 2.3 was seen to stop at 00h"
echo "get-feature (every feature): nvme-cli 2.3 stops at 00h: $(cat "$work/walk.err")"
for sel in 0 3; do
    "$nvme_mi" get-feature "$dev" -n 0xffffffff -s "$sel" >"$work/walk.mi" ||
        fail "nvme-mi get-feature -s $sel (every feature)"
    # Under -s 3, only the identifiers nvme-cli showed under -s 0 (a program start is slow).
    if [[ $sel -eq 0 ]]; then
        fids=$(seq 0 255)
    else
        fids=$(sed -n 's/^get-feature:\(0x[0-9a-f]*\) .*/\1/p' "$work/walk.nvme")
    fi
    : >"$work/walk.nvme"
    refused=0 unknown=0
    for fid in $fids; do
        set +e
        nvme get-feature "$dev" -n 0xffffffff -f "$fid" -s "$sel" >>"$work/walk.nvme" 2>"$work/walk.err"
        code=$?
        set -e
        if [[ $code -ne 0 ]]; then
            if grep -q "Invalid Field in Command" "$work/walk.err"; then
                refused=$((refused + 1))
            elif grep -q "get-feature: Invalid argument" "$work/walk.err"; then
                unknown=$((unknown + 1))
            else
                fail "nvme get-feature -f $fid -s $sel: exit $code: $(cat "$work/walk.err")"
            fi
        fi
    done
    a=$(walk_lines <"$work/walk.nvme")
    b=$(walk_lines <"$work/walk.mi")
    [[ -n "$a" && "$a" == "$b" ]] ||
        fail "get-feature -s $sel: nvme-mi's walk differs from nvme-cli's features one by one:
nvme-cli:
$a
nvme-mi:
$b"
    echo "get-feature -s $sel (every feature): $(grep -c '^get-feature:' <<<"$b") lines as nvme-cli's; $refused identifiers refused by the drive, $unknown not sent by nvme-cli (unknown to libnvme 1.3)"
done

# Timestamp (FID 0Eh) returns its value as 8 bytes of data. libnvme-mi 1.3's
# nvme_mi_admin_get_features sends DLEN 0 (it never sets DLEN for Get Features), and DLEN is
# always valid for an NVMe-MI 1.2+ endpoint (digest E.1), so the drive returns no data, as
# asked; nvme-cli 2.3 then prints its own 8-byte buffer as if the drive had filled it (the
# same bytes on every run, whatever the drive's clock). A bug of libnvme-mi, not of the
# drive: only the command's success and dword 0 are checked here. nvme-cli 2.3 cannot set a
# feature with data over MI either ("set_feature: not a direct transport"), so this
# project's tool sets the timestamp and reads it back, which asks for the 8 bytes.
v=$((16#$(feature 0x0e)))
((v == 0)) || fail "get-feature -f 0x0e: dword 0 is $v"
printf '\xab\x89\x67\x45\x23\x01\x00\x00' >"$work/timestamp.bin" # 0x0123456789ab ms, LE
"$nvme_mi" set-feature "$dev" -f 0x0e -v 0 --data "$work/timestamp.bin" >/dev/null ||
    fail "nvme-mi set-feature -f 0x0e"
ts=$("$nvme_mi" get-feature "$dev" -f 0x0e -o json) || fail "nvme-mi get-feature -f 0x0e"
py '
d = bytes.fromhex(j[0]["data"])
ms = int.from_bytes(d[:6], "little")
origin = (d[6] >> 1) & 7
assert len(d) == 8 and 0x0123456789ab <= ms < 0x0123456789ab + 60000 and origin == 1, (d.hex(), ms, origin)
print("get-feature -f 0x0e: nvme-cli dword 0 = 0; nvme-mi after setting it:", ms, "ms, set by a host")
' "$ts"

# fw-download + fw-commit. The simulated drive takes an image's revision from its header:
# bytes 3:0 "SIMF", bytes 11:4 the revision (nvme-mi-sim/src/firmware.rs, IMAGE_MAGIC).
# 8 KiB, so nvme-cli sends two 4 KiB Firmware Image Download commands (offsets 0 and 1000h).
rev="N$(printf '%05d' $((RANDOM % 100000)))"
mkimage() { # mkimage FILE REVISION
    { printf 'SIMF%-8s' "$2"; head -c $((8192 - 12)) /dev/urandom; } >"$1"
}
mkimage "$work/fw.bin" "$rev"
nvme_ok fw-download "$dev" --fw="$work/fw.bin"
check fw-download "Firmware download success" "$out"
# Commit action 3: replace the image in slot 3 and activate it now (a long operation: More
# Processing Required through the kernel, then success). nvme-cli then prints "Multiple
# Update Detected (MUD) Value" from CQE DW0, but libnvme-mi 1.3's nvme_mi_admin_fw_commit
# never stores DW0 (it passes no result pointer), so the number is nvme-cli's uninitialised
# variable, not the drive's DW0 (which is 0 here): not checked.
nvme_ok fw-commit "$dev" --slot=3 --action=3
echo "fw-commit --slot=3 --action=3: $out"
check fw-commit "Success committing firmware action:3 slot:3" "$out"
nvme_ok id-ctrl "$dev" -o json
py "
fr = j[0]['fr'].strip()
assert fr == '$rev', fr
print('id-ctrl after fw-commit: fr', fr)
" "$out"
# fw-log prints each revision as its 8 bytes read as a little-endian number, then the
# text with spaces shown as dots.
frs() { # frs REVISION: the number nvme-cli prints for it
    printf '%-8s' "$1" | od -An -tu8 | tr -d ' '
}
nvme_ok fw-log "$dev" -o json
py "
log = j[0]['$dev']
assert log['Active Firmware Slot (afi)'] == 3, log
assert log['Firmware Rev Slot 3'].split()[0] == '$(frs "$rev")', log
print('fw-log after fw-commit:', log)
" "$out"
# Commit action 1 (replace, activate at the next reset) into slot 2: the running revision
# stays, AFI bits 6:4 name slot 2 as the next one to activate.
rev2="P$(printf '%05d' $((RANDOM % 100000)))"
mkimage "$work/fw2.bin" "$rev2"
nvme_ok fw-download "$dev" --fw="$work/fw2.bin"
nvme_ok fw-commit "$dev" --slot=2 --action=1
nvme_ok fw-log "$dev" -o json
py "
log = j[0]['$dev']
assert log['Active Firmware Slot (afi)'] == 0x23, log
assert log['Firmware Rev Slot 2'].split()[0] == '$(frs "$rev2")', log
assert log['Firmware Rev Slot 3'].split()[0] == '$(frs "$rev")', log
print('fw-log after fw-commit --action=1:', log)
" "$out"
# An image without the header is refused: Invalid Firmware Image.
head -c 4096 /dev/urandom >"$work/bad.bin"
nvme_ok fw-download "$dev" --fw="$work/bad.bin"
set +e
out=$(nvme fw-commit "$dev" --slot=3 --action=1 2>&1)
set -e
check "fw-commit of a bad image" "INVALID_FW_IMAGE\|Invalid Firmware Image" "$out"

# sanitize-log: never sanitized.
nvme_ok sanitize-log "$dev" -o json
py '
s = j[0]["'"$dev"'"]
assert s["sstat"]["status"].startswith("(0)"), s
print("sanitize-log:", s["sstat"]["status"], "sprog", s["sprog"])
' "$out"

# security-recv: protocol 00h, SPSP 0000h, the supported security protocols list (SPC-5
# §7.7.1): bytes 7:6 the list length (1, big-endian), byte 8 protocol 00h. With -b nvme-cli
# still prints its success line first, then the raw bytes.
nvme security-recv "$dev" --secp=0 --spsp=0 --size=16 --al=16 -b >"$work/sec.bin" 2>"$work/err" ||
    fail "security-recv: $(cat "$work/err")"
head=$'NVME Security Receive Command Success\n'
[[ $(head -c ${#head} "$work/sec.bin") == "${head%$'\n'}" ]] || fail "security-recv: $(head -c 80 "$work/sec.bin")"
data=$(tail -c +$((${#head} + 1)) "$work/sec.bin" | od -An -tx1 | tr -d ' \n')
[[ ${#data} -eq 32 && ${data:12:6} == 000100 ]] || fail "security-recv data: $data"
echo "security-recv: supported protocols ${data:0:18}"

# format: Format NVM of namespace 1 to LBA format 1 takes 3 s on the simulated drive, answered
# with More Processing Required first; afterwards Identify Namespace shows the new format.
start=$(date +%s%N)
nvme_ok format "$dev" -n 1 --lbaf=1 --force
check format "Success formatting namespace:1" "$out"
echo "format -n 1 --lbaf=1: $out ($((($(date +%s%N) - start) / 1000000)) ms)"
nvme_ok id-ns "$dev" -n 1 -o json
py '
a, b = j
assert a["flbas"] & 0xf == 1, a["flbas"]
assert a["flbas"] == b["flbas"] and a["nsze"] == b["nsze"], (a["flbas"], b["flbas"], a["nsze"], b["nsze"])
print("id-ns after format: flbas", a["flbas"], "nsze", a["nsze"])
' "$out" "$("$nvme_mi" id-ns "$dev" -n 1 -o json)"

# JSON shape: for every command both tools have, nvme-cli's and nvme-mi's documents for the
# same served drive and the same device string have the same key paths and value types
# (arrays compared by the union of their elements' shapes). A difference fails the test
# unless it is listed in `allowed` below with its reason.
shapes="$work/shapes"
mkdir -p "$shapes"
shape_cmds=("id-ctrl" "id-ns -n 1" "ns-descs -n 1" "list-ctrl" "list-ns" "smart-log"
    "smart-log -H" "error-log" "fw-log" "sanitize-log" "self-test-log" "effects-log"
    "supported-log-pages")
i=0
for c in "${shape_cmds[@]}"; do
    i=$((i + 1))
    echo "$c" >"$shapes/$i.cmd"
    # shellcheck disable=SC2086
    nvme $c "$dev" -o json >"$shapes/$i.nvme" 2>&1 || echo "exit $?" >"$shapes/$i.nvme-failed"
    # shellcheck disable=SC2086
    "$nvme_mi" $c "$dev" -o json >"$shapes/$i.nvme-mi" 2>"$shapes/$i.nvme-mi.err" ||
        echo "exit $?" >"$shapes/$i.nvme-mi-failed"
done
python3 - "$shapes" "$i" <<'PY' || fail "JSON shapes differ from nvme-cli's"
import json, os, sys
d, n = sys.argv[1], int(sys.argv[2])
# (command, path, nvme-cli's type, nvme-mi's type): reason. Types: int str bool obj arr absent.
allowed = {}
# Commands nvme-cli 2.3 cannot run on an MI device (a bug of nvme-cli, not of the drive); the
# nvme-mi document is still checked to be JSON.
nvme_cli_cannot = {
    "effects-log": "nvme-cli 2.3 looks the device up in the kernel's NVMe topology "
                   "(nvme_scan_topology), which an MI endpoint is not in: 'Unable to find mctp:1,8:0'",
    "supported-log-pages": "nvme-cli 2.3 aborts in its own JSON output of the log (json-c's "
                           "assertion in json_object_array_add: it adds to an object, not an array)",
}
def doc(text):
    # nvme-cli prints libnvme's warnings first: the document starts at the first line that
    # opens an object or array.
    lines = text.splitlines()
    for k, l in enumerate(lines):
        if l.startswith("{") or l.startswith("["):
            return json.loads("\n".join(lines[k:]))
    raise ValueError("no JSON in: " + text[:300])
def kind(v):
    return {dict: "obj", list: "arr", str: "str", bool: "bool", int: "int", float: "float"}.get(type(v), "null")
def paths(v, p, out):
    out.setdefault(p, set()).add(kind(v))
    if isinstance(v, dict):
        for k, x in v.items():
            paths(x, p + "/" + k, out)
    elif isinstance(v, list):
        for x in v:
            paths(x, p + "[]", out)
    return out
bad = 0
for c in range(1, n + 1):
    cmd = open(f"{d}/{c}.cmd").read().strip()
    f1, f2 = os.path.exists(f"{d}/{c}.nvme-failed"), os.path.exists(f"{d}/{c}.nvme-mi-failed")
    if f1 and not f2 and cmd in nvme_cli_cannot:
        doc(open(f"{d}/{c}.nvme-mi").read())
        print(f"shape {cmd}: nvme-cli fails, allowed: {nvme_cli_cannot[cmd]}")
        continue
    if f1 or f2:
        if f1 and f2:
            print(f"shape {cmd}: both refuse ({open(f'{d}/{c}.nvme-mi.err').read().strip()})")
            continue
        print(f"shape {cmd}: only {'nvme-cli' if f1 else 'nvme-mi'} failed:",
              open(f"{d}/{c}.nvme").read()[-400:], open(f"{d}/{c}.nvme-mi.err").read()[-400:], file=sys.stderr)
        bad += 1
        continue
    a = paths(doc(open(f"{d}/{c}.nvme").read()), "", {})
    b = paths(doc(open(f"{d}/{c}.nvme-mi").read()), "", {})
    diffs = []
    for p in sorted(set(a) | set(b)):
        ta, tb = ",".join(sorted(a.get(p, {"absent"}))), ",".join(sorted(b.get(p, {"absent"})))
        if ta != tb:
            key = (cmd, p, ta, tb)
            if key in allowed:
                print(f"shape {cmd}: {p}: nvme-cli {ta}, nvme-mi {tb}: allowed: {allowed[key]}")
            else:
                diffs.append(f"  {p}: nvme-cli {ta}, nvme-mi {tb}")
    if diffs:
        bad += 1
        print(f"shape {cmd}: {len(diffs)} difference(s):\n" + "\n".join(diffs), file=sys.stderr)
    else:
        print(f"shape {cmd}: {len(a)} key paths, the same as nvme-cli's")
sys.exit(bad)
PY

verify
echo "nvme_cli.sh: all checks passed ($checks JSON checks among them)"
