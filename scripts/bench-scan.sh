#!/usr/bin/env bash
# Throughput and peak memory of `pyguard scan` beside ripsecrets on the same large tree.
#
#   scripts/bench-scan.sh [--size-mb N] [--source DIR] [--runs N] [--keep DIR]
#
# The tree is real text: the files of DIR (default: the Python standard library of the
# machine's python3) copied until it holds about N MB (default 1000), with a few secrets
# planted at known places. Both tools scan it with a warm page cache; the script prints the
# median wall time, MB/s, CPU time and peak RSS of each, and how many planted secrets each found.
# ripsecrets is a benchmark-only tool (`cargo install ripsecrets`), never a dependency.
set -euo pipefail

size_mb=1000
source_dir=""
runs=3
keep=""
while [ $# -gt 0 ]; do
  case "$1" in
    --size-mb) size_mb=$2; shift 2 ;;
    --source) source_dir=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    *) echo "usage: $0 [--size-mb N] [--source DIR] [--runs N] [--keep DIR]" >&2; exit 2 ;;
  esac
done

here=$(cd "$(dirname "$0")/.." && pwd)
command -v /usr/bin/time >/dev/null || { echo "needs GNU time: apt-get install time" >&2; exit 2; }
if ! command -v ripsecrets >/dev/null; then
  echo "installing ripsecrets (benchmark only)..." >&2
  cargo install --locked --quiet ripsecrets
fi
[ -n "$source_dir" ] || source_dir=$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')

(cd "$here" && cargo build --release --quiet)
pyguard="$here/target/release/pyguard"

work=${keep:-$(mktemp -d)}
tree="$work/tree"
if [ ! -d "$tree" ]; then
  mkdir -p "$tree"
  echo "building a ${size_mb} MB tree from $source_dir ..." >&2
  # Text files only, no caches; each copy is a directory of its own.
  list="$work/files.txt"
  (cd "$source_dir" && find . -type f \( -name '*.py' -o -name '*.txt' -o -name '*.json' \
      -o -name '*.cfg' -o -name '*.toml' -o -name '*.rst' -o -name '*.html' -o -name '*.xml' \) \
      -not -path '*/__pycache__/*' -not -path '*/site-packages/*' -size -2M) > "$list"
  per_copy=$(cd "$source_dir" && xargs -d '\n' du -cb < "$list" | tail -n1 | cut -f1)
  copies=$(( size_mb * 1000000 / per_copy + 1 ))
  for i in $(seq 1 "$copies"); do
    mkdir -p "$tree/copy-$i"
    (cd "$source_dir" && xargs -d '\n' cp --parents -t "$tree/copy-$i" < "$list")
  done
  # Planted secrets (valid formats; the GitHub token's checksum is correct).
  planted=0
  for i in $(seq 1 "$copies"); do
    printf '\nGITHUB_TOKEN = "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"\n' >> "$tree/copy-$i/planted_$i.py"  # pyguard: allow[github-token] planted for the benchmark
    printf 'aws_access_key_id = AKIAZZZZG6ZDMEN4KHVD\n' >> "$tree/copy-$i/planted_$i.py"  # pyguard: allow[aws-access-key-id] planted
    planted=$((planted + 2))
  done
  echo "$planted" > "$work/planted"
fi
planted=$(cat "$work/planted")
bytes=$(du -sb "$tree" | cut -f1)
files=$(find "$tree" -type f | wc -l)

# Runs a command $runs times after one warm-up; prints "median_wall cpu peak_rss_kb".
measure() {
  "$@" >/dev/null 2>&1 || true
  local out walls=() cpu=0 rss=0
  for _ in $(seq 1 "$runs"); do
    /usr/bin/time -o "$work/time.txt" -f '%e %U %S %M' "$@" >/dev/null 2>&1 || true
    out=$(tail -n1 "$work/time.txt")
    read -r wall user sys kb <<<"$out"
    walls+=("$wall")
    cpu=$(python3 -c "print(max($cpu, $user + $sys))")
    rss=$(( kb > rss ? kb : rss ))
  done
  median=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  echo "$median $cpu $rss"
}

# Planted secrets found (each tool also reports other things; only the planted ones are counted).
found_pyguard=$( ("$pyguard" scan -q -f json "$tree" || true) | python3 -c '
import json, sys
print(sum("planted_" in f["path"] for f in json.load(sys.stdin)["findings"]))')
found_rip=$( (ripsecrets "$tree" 2>/dev/null || true) | grep -c 'planted_' || true)

read -r pw pc pr <<<"$(measure "$pyguard" scan -q "$tree")"
read -r rw rc rr <<<"$(measure ripsecrets "$tree")"

mb=$(python3 -c "print(round($bytes / 1e6, 1))")
cores=$(nproc)
printf '\ntree: %s files, %s MB, %s planted secrets; %s cores; median of %s runs, warm cache\n\n' \
  "$files" "$mb" "$planted" "$cores" "$runs"
printf '%-12s %10s %10s %12s %14s %8s\n' tool wall_s MB/s cpu_s peak_rss_MB found
for row in "pyguard $pw $pc $pr $found_pyguard" "ripsecrets $rw $rc $rr $found_rip"; do
  read -r name w c r f <<<"$row"
  python3 -c "print(f'{\"$name\":<12} {$w:>10.2f} {$bytes/1e6/max($w,0.001):>10.0f} {$c:>12.2f} {$r/1024:>14.1f} {$f:>8}')"
done
[ -n "$keep" ] || rm -rf "$work"
