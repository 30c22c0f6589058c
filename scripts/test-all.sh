#!/usr/bin/env bash
# Runs every test of the project, doing every set-up step it needs itself.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
cargo test --workspace
