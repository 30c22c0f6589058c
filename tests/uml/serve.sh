# Shared by the UML guest scripts (source it): the simulated drive as a real endpoint.

# start_serve NVME_MI SEED: `nvme-mi serve` at EID 8 on network 1 (lo) in the background,
# its PID in $serve_pid; returns once the drive answers a health poll (or after 5 s).
start_serve() {
    "$1" serve --setup --net 1 --eid 8 --seed "$2" &
    serve_pid=$!
    for _ in $(seq 50); do
        if "$1" --timeout 200 health mctp:1,8 >/dev/null 2>&1; then
            break
        fi
        sleep 0.1
    done
}
