#!/usr/bin/env bash
# Estimates the typosquat check's false-positive rate: writes N (default 5000) project names
# that are on PyPI but outside the download ranking (legitimate or not, mostly obscure) into a
# requirements.txt, scans it, and prints how many pypi-typosquat fires on.
# Usage: scripts/typosquat-sample.sh [pypi.tsv] [N]. Reads a local file only; no network.
set -euo pipefail
cd "$(dirname "$0")/.."
src="${1:-/work/.library/env/packages/pypi.tsv}"
n="${2:-5000}"
cargo build --release --quiet
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
awk -F'\t' 'NR==1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
            $col["rank_among_15000_most_downloaded"] == "" { print $col["name"] }' "$src" |
  shuf -n "$n" --random-source=<(yes) > "$dir/requirements.txt"
./target/release/pyguard scan --format json "$dir" > "$dir/out.json" || [ $? -eq 1 ]
python3 - "$dir/out.json" "$n" <<'PY'
import json, sys
found = [f["snippet"] for f in json.load(open(sys.argv[1]))["findings"]
         if f["pattern_id"] == "pypi-typosquat"]
n = int(sys.argv[2])
print(f"pypi-typosquat fired on {len(found)} of {n} unranked PyPI names ({100 * len(found) / n:.2f}%)")
print("names:", ", ".join(found))
PY
