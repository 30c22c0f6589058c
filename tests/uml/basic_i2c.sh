#!/bin/bash
# The Basic Management Command (NVMe-MI 2.0 Appendix A) through the real kernel's I2C stack:
# the kernel's i2c-stub at 0x6a (booted with i2c_stub.chip_addr=0x6a, built in by
# tests/uml/i2c-stub-builtin.patch) on i2c-dev, loaded by tests/uml/i2c_stub.py, read by the
# nvme-mi CLI and nvme-mi-linux's basic_mgmt_linux example. Run inside the UML guest by
# tests/uml/cli.sh.
#
# Usage: tests/uml/basic_i2c.sh NVME_MI BASIC_MGMT_LINUX
set -euo pipefail

nvme_mi=$1
example=$2
here=$(dirname "$0")
addr=0x6a
params=/sys/module/i2c_stub/parameters
fail() {
    echo "basic_i2c.sh: FAIL: $*" >&2
    exit 1
}

adapter=""
for d in /sys/bus/i2c/devices/i2c-*; do
    [[ "$(cat "$d/name" 2>/dev/null)" == "SMBus stub driver" ]] && adapter=${d##*/i2c-}
done
[[ -n "$adapter" ]] || fail "no i2c-stub adapter (boot with i2c_stub.chip_addr=$addr)"
dev=/dev/i2c-$adapter
[[ -c "$dev" ]] || fail "$dev is missing"
echo "i2c-stub on $dev, functionality $(printf "%#010x" "$(cat $params/functionality)")"

# compare EXPECTED_JSON ACTUAL_JSON TRANSFER_WORDS PEC_CHECKED
compare() {
    python3 - "$@" <<'PY' || fail "fields differ"
import json, sys
want, got = json.loads(sys.argv[1]), json.loads(sys.argv[2])
for k in ("sflgs", "smart_warnings", "ctemp", "pdlu", "vid", "sn"):
    assert got[k] == want[k], f"{k}: read {got[k]!r}, wrote {want[k]!r}"
assert sys.argv[3] in got["transfer"], got["transfer"]
assert got["pec_checked"] == (sys.argv[4] == "true"), got["pec_checked"]
print("  read back as written:", {k: got[k] for k in ("sflgs", "ctemp", "vid", "sn")})
PY
}
# expect_exit CODE PATTERN CMD...: CMD fails with CODE and prints PATTERN.
expect_exit() {
    local want=$1 pattern=$2 out code
    shift 2
    set +e
    out=$("$@" 2>&1)
    code=$?
    set -e
    [[ $code -eq $want ]] || fail "$*: exit $code, expected $want: $out"
    grep -q -- "$pattern" <<<"$out" || fail "$*: '$pattern' not in: $out"
    echo "  $*: exit $code: $out"
}

# 1. The stub's default functionality (no SMBus Block Read, I2C block reads): the data
#    structure in its registers, count and PEC included; the PEC is checked by nvme-mi.
echo "== registers, I2C block read, PEC checked by nvme-mi"
want=$(python3 "$here/i2c_stub.py" "$dev" $addr registers)
got=$("$nvme_mi" basic "i2c:$adapter,$addr" -o json)
compare "$want" "$got" "SMBus I2C block read" true
text=$("$nvme_mi" basic "i2c:$adapter,$addr")
echo "$text"
grep -q "transfer *: SMBus I2C block read (I2C_SMBUS), PEC checked by nvme-mi" <<<"$text" \
    || fail "text output does not name the transfer"
ex=$("$example" "$adapter" $addr)
echo "$ex"
grep -q "PEC checked by nvme-mi" <<<"$ex" || fail "example: transfer not named"
grep -q "composite temperature: 42 °C" <<<"$ex" || fail "example: temperature"
grep -q "vendor 0x1b96, serial NVMEMIRS-I2CSTUB-015" <<<"$ex" || fail "example: identification"
raw=$("$nvme_mi" -v basic "i2c:$adapter,$addr" 2>&1 >/dev/null)
pec=$(python3 -c 'import json,sys; print("%02x" % json.loads(sys.argv[1])["status_pec"])' "$want")
grep -q "cmd 0: 06 b8 fd 2a 07 00 00 $pec" <<<"$raw" || fail "verbose: raw status block: $raw"

echo "== registers with a wrong status PEC"
python3 "$here/i2c_stub.py" "$dev" $addr registers 1 >/dev/null
expect_exit 4 "PEC mismatch" "$nvme_mi" basic "i2c:$adapter,$addr"
expect_exit 1 "PEC mismatch" "$example" "$adapter" $addr

# 2. SMBus Block Read only (I2C_FUNC_SMBUS_BLOCK_DATA, written to the stub's functionality
#    parameter): the adapter reads the count byte and the stub has no PEC support, so the
#    PEC is not checked, and both tools say so.
echo "== blocks, SMBus Block Read, PEC not checked"
echo 0x03000000 >$params/functionality
want=$(python3 "$here/i2c_stub.py" "$dev" $addr blocks)
got=$("$nvme_mi" basic "i2c:$adapter,$addr" -o json)
compare "$want" "$got" "SMBus block read" false
text=$("$nvme_mi" basic "i2c:$adapter,$addr")
grep -q "PEC not checked: the adapter has no I2C_FUNC_SMBUS_PEC" <<<"$text" \
    || fail "text output does not say the PEC was not checked: $text"
ex=$("$example" "$adapter" $addr)
grep -q "PEC not checked" <<<"$ex" || fail "example: $ex"
grep -q "vendor 0x1b96, serial NVMEMIRS-I2CSTUB-015" <<<"$ex" || fail "example: $ex"

# 3. No block transfer at all, and no drive at the address.
echo "== adapter without block reads; no drive"
echo 0x00010000 >$params/functionality
expect_exit 2 "offers neither" "$nvme_mi" basic "i2c:$adapter,$addr"
echo 0x0c000000 >$params/functionality
expect_exit 2 "transfer failed" "$nvme_mi" basic "i2c:$adapter,0x6b"
echo "basic_i2c.sh: ok"
