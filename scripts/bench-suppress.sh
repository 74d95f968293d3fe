#!/usr/bin/env bash
# Measures what suppression costs: a tree of N Python files, each with one made-up AWS key and
# one line with an inline allow comment, scanned without a baseline, then with a baseline that
# covers every finding. Prints the wall time of each scan (best of 3) and the baseline size.
# Usage: scripts/bench-suppress.sh [N]   (default 5000; builds the release binary first)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-5000}"
cargo build --release --quiet
bin="$PWD/target/release/pyguard"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
# 16 random characters of the AWS key alphabet (tr dies of SIGPIPE by design: not an error).
rand16() { LC_ALL=C tr -dc 'A-Z2-7' </dev/urandom 2>/dev/null | head -c 16 || true; }
for i in $(seq 1 "$n"); do
  key="AKIA$(rand16)"
  other="AKIA$(rand16)"
  printf 'import os\n\nKEY = "%s"\nOTHER = "%s"  # pyguard: allow\n' "$key" "$other" >"$dir/m$i.py"
done
best() {
  local best=999999
  for _ in 1 2 3; do
    local s e ms
    s=$(date +%s%N)
    "$bin" scan -q "$dir" >/dev/null || true
    e=$(date +%s%N)
    ms=$(((e - s) / 1000000))
    ((ms < best)) && best=$ms
  done
  echo "$best"
}
echo "files: $n"
echo "scan, no baseline (N blocking, N inline-suppressed): $(best) ms"
"$bin" baseline -q "$dir"
echo "baseline: $(stat -c %s "$dir/.pyguard-baseline.json") bytes"
echo "scan, every finding baselined: $(best) ms"
"$bin" scan -v "$dir" | tail -n 1
