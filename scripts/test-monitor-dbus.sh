#!/usr/bin/env bash
# `nvme-mi monitor --dbus` on a real dbus-daemon, read with busctl (systemd's, an independent
# sd-bus client): the sensor objects dbus-sensors' NVMeSensor publishes, for two simulated
# drives, their values and thresholds; after SIGUSR1 raises the drives' temperature, the new
# value, the warning alarm and Functional false; after SIGTERM, the name is gone.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

command -v busctl >/dev/null || { log "busctl missing (scripts/setup.sh installs systemd)"; exit 1; }
cargo build -p nvme-mi
target=$(cargo metadata --format-version 1 --no-deps \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
nvme_mi="$target/debug/nvme-mi"

work=$(mktemp -d)
cat >"$work/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=$work/socket</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
    <allow own="*"/>
  </policy>
</busconfig>
CONF
# (It warns that it may not raise its file limit.)
dbus-daemon --config-file="$work/bus.conf" --nofork --nopidfile >"$work/dbus.log" 2>&1 &
dbus_pid=$!
mon_pid=
cleanup() {
    [[ -n "$mon_pid" ]] && kill "$mon_pid" 2>/dev/null || true
    kill "$dbus_pid" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
address="unix:path=$work/socket"
for _ in $(seq 50); do [[ -S "$work/socket" ]] && break; sleep 0.1; done

name=xyz.openbmc_project.NVMeSensor
"$nvme_mi" monitor sim sim --mctpd none --no-listen --dbus "$address" --interval 0.5 \
    >"$work/monitor.log" 2>&1 &
mon_pid=$!

bctl() { timeout 10 busctl --address="$address" "$@"; }
prop() { bctl get-property "$name" "/xyz/openbmc_project/sensors/temperature/$1" "$2" "$3"; }
fail() { log "FAIL: $*"; cat "$work/monitor.log" >&2; exit 1; }
# wait_prop SENSOR IFACE PROP PYTHON-TEST-ON-v: until the property's value satisfies it.
wait_prop() {
    local out=""
    for _ in $(seq 60); do
        out=$(prop "$1" "$2" "$3" 2>/dev/null || true)
        if [[ -n "$out" ]] && python3 -c "
import sys
t, v = '''$out'''.split(' ', 1)
v = {'b': lambda x: x == 'true', 'd': float, 's': lambda x: x.strip('\"')}[t](v)
sys.exit(0 if ($4) else 1)"; then
            echo "$out"
            return 0
        fi
        sleep 0.25
    done
    fail "$1 $2.$3 never satisfied $4 (last: '${out:-none}')"
}

value=xyz.openbmc_project.Sensor.Value
s0=NVMe_sim_0
got=$(wait_prop $s0 $value Value 'v == v and 20 <= v <= 60')
log "$s0 Value: $got"
wait_prop NVMe_sim_1 $value Value 'v == v and 20 <= v <= 60' >/dev/null
wait_prop $s0 $value Unit 'v == "xyz.openbmc_project.Sensor.Value.Unit.DegreesC"' >/dev/null
wait_prop $s0 $value MaxValue 'v == 127' >/dev/null
wait_prop $s0 $value MinValue 'v == 0' >/dev/null
# The simulated drive's WCTEMP and CCTEMP (Identify Controller): 70 and 85 °C.
wait_prop $s0 xyz.openbmc_project.Sensor.Threshold.Warning WarningHigh 'v == 70' >/dev/null
wait_prop $s0 xyz.openbmc_project.Sensor.Threshold.Critical CriticalHigh 'v == 85' >/dev/null
wait_prop $s0 xyz.openbmc_project.Sensor.Threshold.Warning WarningAlarmHigh 'v is False' >/dev/null
wait_prop $s0 xyz.openbmc_project.State.Decorator.Availability Available 'v is True' >/dev/null
wait_prop $s0 xyz.openbmc_project.State.Decorator.OperationalStatus Functional 'v is True' >/dev/null
objects=$(bctl call "$name" / org.freedesktop.DBus.ObjectManager GetManagedObjects)
for s in NVMe_sim_0 NVMe_sim_1; do
    grep -q "/xyz/openbmc_project/sensors/temperature/$s" <<<"$objects" \
        || fail "GetManagedObjects lacks $s: $objects"
done
log "busctl tree:"; bctl tree "$name" >&2

kill -USR1 "$mon_pid"
before=${got#d }
got=$(wait_prop $s0 $value Value "v >= $before + 30")
log "after raising the temperature: $got"
wait_prop $s0 xyz.openbmc_project.Sensor.Threshold.Warning WarningAlarmHigh 'v is True' >/dev/null
wait_prop $s0 xyz.openbmc_project.State.Decorator.OperationalStatus Functional 'v is False' >/dev/null
wait_prop $s0 xyz.openbmc_project.State.Decorator.Availability Available 'v is True' >/dev/null

kill -TERM "$mon_pid"
rc=0
wait "$mon_pid" || rc=$?
mon_pid=
[[ $rc -eq 0 ]] || fail "monitor exited with $rc after SIGTERM"
if bctl status "$name" >/dev/null 2>&1; then fail "$name still owned after the monitor ended"; fi

# dist/nvme-mi-monitor.conf on a real dbus-daemon: another user (here root) may not own the
# sensors' name, so the monitor refuses to start.
kill "$dbus_pid" 2>/dev/null || true
wait "$dbus_pid" 2>/dev/null || true
rm -f "$work/socket"
sed "s|</busconfig>|<include>$REPO_ROOT/dist/nvme-mi-monitor.conf</include></busconfig>|" \
    "$work/bus.conf" >"$work/policy.conf"
dbus-daemon --config-file="$work/policy.conf" --nofork --nopidfile >"$work/dbus.log" 2>&1 &
dbus_pid=$!
for _ in $(seq 50); do [[ -S "$work/socket" ]] && break; sleep 0.1; done
rc=0
out=$("$nvme_mi" monitor sim --mctpd none --no-listen --dbus "$address" --seconds 1 2>&1) || rc=$?
[[ $rc -ne 0 ]] && grep -q "not allowed to own" <<<"$out" \
    || fail "with dist/nvme-mi-monitor.conf, root took the name (exit $rc): $out"
log "dist/nvme-mi-monitor.conf: $out"
log "PASS"
