# Shared helpers for the scripts in this directory. Source it; do not run it.

# Root of the caches kept outside the clone, so a fresh clone (CI) reuses them.
NVME_MI_CACHE="${NVME_MI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nvme-mi-rs}"

# The repository's top directory.
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# log MESSAGE...: progress on stderr, so stdout stays free for results.
log() {
    printf '%s: %s\n' "$(basename "$0" .sh)" "$*" >&2
}

# test_executables CARGO-TEST-ARGS...: build test binaries without running them (`cargo test
# --no-run ARGS`) and print the path of each, one a line.
test_executables() {
    cargo test --no-run --message-format=json "$@" | python3 -c '
import json, sys
for line in sys.stdin:
    try:
        m = json.loads(line)
    except ValueError:
        continue
    if m.get("reason") == "compiler-artifact" and m.get("profile", {}).get("test") \
            and m.get("executable"):
        print(m["executable"])
'
}

# linux_examples NAME...: builds nvme-mi-linux's examples for the UML steps with the feature
# set of linux-uml's test build (`cargo test -p nvme-mi-linux --features tokio`, which builds
# every example too), so that test-all builds nvme-mi-linux for them once: a build with the
# default features (and the examples' dev-dependencies) would be another copy of the crate,
# compiled again after every change.
linux_examples() {
    local args=()
    for e in "$@"; do args+=(--example "$e"); done
    cargo build -p nvme-mi-linux --features tokio "${args[@]}"
}
