#!/usr/bin/env bash
# A real Prometheus server (Debian's `prometheus` 2.42) scrapes `nvme-mi monitor` watching the
# simulated drive, on loopback: the test asks Prometheus's HTTP API for the drive's composite
# temperature (labelled with the drive's serial number, as the simulated drive of that seed
# reports it), then raises the drive's temperature (SIGUSR1) and waits until Prometheus has
# scraped the new value, the temperature critical warning and one more Asynchronous Event.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

command -v prometheus >/dev/null || { log "prometheus missing (scripts/setup.sh installs it)"; exit 1; }
cargo build -p nvme-mi
target=$(cargo metadata --format-version 1 --no-deps \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
nvme_mi="$target/debug/nvme-mi"

work=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

# Two free loopback ports.
read -r mon_port prom_port < <(python3 -c '
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])')

serial=$("$nvme_mi" -o json id-ctrl sim | python3 -c 'import json, sys; print(json.load(sys.stdin)["sn"].strip())')
"$nvme_mi" monitor sim --mctpd none --interval 0.5 --detail-interval 1 \
    --listen "127.0.0.1:$mon_port" >"$work/monitor.log" 2>&1 &
mon=$!
pids+=("$mon")

cat >"$work/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: nvme-mi
    static_configs:
      - targets: ["127.0.0.1:$mon_port"]
YML
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/data" \
    --web.listen-address="127.0.0.1:$prom_port" >"$work/prometheus.log" 2>&1 &
pids+=("$!")

# query EXPR: the value of the only series of an instant query, with the series' serial
# label ("" when there is no series yet).
query() {
    { curl -sfG "http://127.0.0.1:$prom_port/api/v1/query" --data-urlencode "query=$1" 2>/dev/null || true; } \
        | python3 -c '
import json, sys
text = sys.stdin.read()
r = json.loads(text)["data"]["result"] if text else []
print(r[0]["value"][1], r[0]["metric"].get("serial", "") if len(r) == 1 else "", sep=" ") if r else print("")'
}

# wait_for EXPR TEST: poll until the value satisfies the python expression TEST on v.
wait_for() {
    local expr=$1 test=$2 got
    for _ in $(seq 1 60); do
        got=$(query "$expr" || true)
        if [[ -n "$got" ]] && python3 -c "v = float('${got%% *}'); import sys; sys.exit(0 if ($test) else 1)"; then
            echo "$got"
            return 0
        fi
        sleep 0.5
    done
    log "FAIL: $expr never satisfied $test (last: '${got:-none}')"
    log "monitor log:"; cat "$work/monitor.log" >&2
    log "prometheus log (tail):"; tail -n 20 "$work/prometheus.log" >&2
    return 1
}

temp='nvme_mi_composite_temperature_celsius{job="nvme-mi",network="sim",eid="0"}'
got=$(wait_for "$temp" 'v > 0')
log "Prometheus scraped the composite temperature: $got"
[[ "${got#* }" == "$serial" ]] || { log "FAIL: serial label '${got#* }', drive says '$serial'"; exit 1; }
before=${got%% *}
python3 -c "import sys; sys.exit(0 if 20 <= $before <= 60 else 1)" \
    || { log "FAIL: $before °C is not the simulated drive's (about 40 °C)"; exit 1; }
warn='nvme_mi_critical_warning{job="nvme-mi",warning="temperature"}'
got=$(wait_for "$warn" 'v == 0')
events='nvme_mi_events_received_total{job="nvme-mi"}'
ev_before=$(wait_for "$events" 'v >= 0')
ev_before=${ev_before%% *}
wait_for 'nvme_mi_up{job="nvme-mi"}' 'v == 1' >/dev/null
wait_for 'nvme_mi_events_enabled{job="nvme-mi"}' 'v == 1' >/dev/null

kill -USR1 "$mon"
got=$(wait_for "$temp" "v >= $before + 30")
log "after raising it: $got"
wait_for "$warn" 'v == 1' >/dev/null
log "temperature critical warning present"
got=$(wait_for "$events" "v > $ev_before")
log "events received: $ev_before before, ${got%% *} after"
wait_for 'nvme_mi_poll_duration_seconds_count{job="nvme-mi"}' 'v >= 2' >/dev/null
wait_for 'sum(nvme_mi_poll_errors_total{job="nvme-mi"})' 'v == 0' >/dev/null

# SIGTERM: the monitor ends on its own, successfully.
kill -TERM "$mon"
rc=0
wait "$mon" || rc=$?
[[ $rc -eq 0 ]] || { log "FAIL: monitor exited with $rc after SIGTERM"; cat "$work/monitor.log" >&2; exit 1; }
log "PASS"
