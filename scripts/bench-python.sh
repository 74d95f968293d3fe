#!/usr/bin/env bash
# What Python-aware matching costs. Scans the .py files under DIR (default: this machine's
# Python standard library, tests excluded) twice: as they are (Python patterns and the lexer
# apply) and renamed to .txt (secret patterns only); then the same source concatenated into one
# file, the worst case for the lexer and the one-step flow. Prints the best of 3 wall times and
# the CPU time (user + sys) of each run, since wall time on a shared machine is noisy.
# Usage: scripts/bench-python.sh [DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
src="${1:-$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')}"
cargo build --release --quiet
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/tree-py" "$dir/tree-txt" "$dir/one-py" "$dir/one-txt"
(cd "$src" && find . -name '*.py' -not -path '*/test*' -not -path '*/site-packages/*' -print0 |
  xargs -0 cp --parents -t "$dir/tree-py")
(cd "$dir/tree-py" && find . -name '*.py' -print0 | xargs -0 cp --parents -t "$dir/tree-txt")
find "$dir/tree-txt" -name '*.py' -exec sh -c 'for f; do mv "$f" "${f%.py}.txt"; done' sh {} +
find "$dir/tree-py" -name '*.py' -print0 | xargs -0 cat > "$dir/one-py/all.py"
cp "$dir/one-py/all.py" "$dir/one-txt/all.txt"
files=$(find "$dir/tree-py" -name '*.py' | wc -l)
size=$(stat -c %s "$dir/one-py/all.py")
echo "input: $files files, $((size / 1024 / 1024)) MiB of Python from $src"
for run in tree-txt tree-py one-txt one-py; do
  best=""; cpu=""
  for _ in 1 2 3; do
    /usr/bin/time -f "%e %U %S" -o "$dir/time" \
      ./target/release/pyguard scan --quiet --max-file-size 1GB "$dir/$run" > /dev/null || true
    read -r wall user sys < <(tail -n 1 "$dir/time")
    ms=$(python3 -c "print(round($wall * 1000))")
    if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then
      best=$ms; cpu=$(python3 -c "print(round(($user + $sys) * 1000))")
    fi
  done
  echo "$run: best wall ${best} ms, CPU ${cpu} ms"
done
