#!/usr/bin/env bash
# Wall time of pyguard's pre-commit hook on a 10-file, 40-line staged change in a large real
# repository, next to `git diff --cached -U0` (the floor: git reading the same index and diff)
# and Kingfisher's `scan --staged`, measured in the same run.
#
#   scripts/bench-hook.sh                 # builds the large repository from Django's sdist (PyPI)
#   scripts/bench-hook.sh PATH/TO/REPO    # or clones an existing large repository (left untouched)
#   RUNS=50 scripts/bench-hook.sh         # runs per command (default 30); median is reported
#   PYGUARD=/path/to/pyguard scripts/...  # use this binary instead of building a release one
#
# Needs: git, python3 (venv, pip), cargo; hyperfine if installed (else a shell loop).
# Network: PyPI only (Django sdist, kingfisher-bin). Work files go to BENCH_WORK or a temp dir.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
runs=${RUNS:-30}
work=${BENCH_WORK:-$(mktemp -d)}
mkdir -p "$work"
echo "work directory: $work"

pyguard=${PYGUARD:-}
if [ -z "$pyguard" ]; then
  echo "== building pyguard (release)"
  (cd "$root" && cargo build --release --quiet)
  pyguard="$root/target/release/pyguard"
fi

export GIT_CONFIG_NOSYSTEM=1 HOME="$work/home"
mkdir -p "$HOME"
git config --global user.name bench
git config --global user.email bench@example.com
git config --global init.defaultBranch main

repo="$work/repo"
rm -rf "$repo"
if [ $# -ge 1 ]; then
  echo "== cloning $1"
  git clone -q --local "$1" "$repo"
else
  echo "== building a large repository from Django 5.1.4's sdist"
  if [ ! -d "$work/django-src" ]; then
    python3 -m pip download -q --no-deps --no-binary :all: django==5.1.4 -d "$work/dl"
    mkdir -p "$work/django-src"
    tar -xzf "$work"/dl/[Dd]jango-5.1.4.tar.gz -C "$work/django-src" --strip-components=1
  fi
  cp -r "$work/django-src" "$repo"
  git -C "$repo" init -q
  git -C "$repo" add -A
  git -C "$repo" commit -q --no-verify -m "Django 5.1.4 sdist"
fi
files=$(git -C "$repo" ls-files | wc -l)
echo "repository: $files tracked files, $(du -sh "$repo/.git" | cut -f1) in .git"

echo "== staging a 10-file, 40-line change"
git -C "$repo" ls-files '*.py' | awk 'NR % 97 == 1' | head -n 10 > "$work/changed"
[ "$(wc -l < "$work/changed")" -eq 10 ] || { echo "fewer than 10 Python files" >&2; exit 2; }
n=0
while read -r f; do
  n=$((n + 1))
  cat >> "$repo/$f" <<PY

def bench_helper_$n(values):
    """Scale the values that are set (benchmark change $n)."""
    return [v * $n for v in values if v is not None]
PY
  git -C "$repo" add "$f"
done < "$work/changed"
echo "staged: $(git -C "$repo" diff --cached --numstat | awk '{a += $1} END {print NR " files, " a " added lines"}')"

(cd "$repo" && "$pyguard" install --hooks pre-commit >/dev/null)
(cd "$repo" && .git/hooks/pre-commit) || { echo "the hook blocked the benchmark change" >&2; exit 2; }

echo "== installing Kingfisher (kingfisher-bin from PyPI) into a venv"
if [ ! -x "$work/kf/bin/kingfisher" ]; then
  python3 -m venv "$work/kf"
  "$work/kf/bin/pip" install -q kingfisher-bin
fi
kingfisher="$work/kf/bin/kingfisher"
echo "$("$kingfisher" --version)"

floor="git diff --cached -U0"
hook=".git/hooks/pre-commit"
kf="$kingfisher scan . --staged --no-validate --no-update-check"

median_ms() { # command... -> median wall time in ms over $runs runs (after 3 warm-ups)
  local i t0 t1
  for i in 1 2 3; do "$@" >/dev/null 2>&1 || true; done
  for i in $(seq "$runs"); do
    t0=$(date +%s%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s%N)
    echo $(((t1 - t0) / 1000))
  done | sort -n | awk '{v[NR] = $1} END {m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.1f\n", m / 1000}'
}

cd "$repo"
echo "== timing ($runs runs each, median)"
if command -v hyperfine >/dev/null 2>&1; then
  hyperfine -N -i --warmup 3 --runs "$runs" --export-json "$work/hyperfine.json" \
    -n floor "$floor" -n pyguard "$hook" -n kingfisher "$kf" >/dev/null
  read -r t_floor t_hook t_kf c_floor c_hook c_kf < <(python3 -c '
import json, sys
res = json.load(open(sys.argv[1]))["results"]
wall = {x["command"]: x["median"] * 1000 for x in res}
cpu = {x["command"]: (x["user"] + x["system"]) * 1000 for x in res}
names = ("floor", "pyguard", "kingfisher")
print(" ".join("%.1f" % wall[n] for n in names), " ".join("%.1f" % cpu[n] for n in names))' "$work/hyperfine.json")
  how="hyperfine $(hyperfine --version | cut -d' ' -f2)"
else
  # shellcheck disable=SC2086
  t_floor=$(median_ms $floor)
  t_hook=$(median_ms "$hook")
  # shellcheck disable=SC2086
  t_kf=$(median_ms $kf)
  how="shell loop, date +%s%N"
fi
echo
echo "pre-commit hook benchmark: $files-file repository, 10 files / 40 lines staged, $runs runs ($how)"
echo "wall time (median):"
printf '  %-38s %8.1f ms\n' "(a) git diff --cached -U0 (floor)" "$t_floor"
printf '  %-38s %8.1f ms   %.2fx the floor\n' "(b) pyguard pre-commit hook" "$t_hook" "$(awk -v a="$t_hook" -v b="$t_floor" 'BEGIN {print a / b}')"
printf '  %-38s %8.1f ms   %.1fx pyguard\n' "(c) kingfisher scan --staged" "$t_kf" "$(awk -v a="$t_kf" -v b="$t_hook" 'BEGIN {print a / b}')"
if [ -n "${c_floor:-}" ]; then
  echo "CPU time (user + system, mean), steadier than wall time on a busy machine:"
  printf '  %-38s %8.1f ms\n' "(a) git diff --cached -U0" "$c_floor"
  printf '  %-38s %8.1f ms   %.2fx the floor\n' "(b) pyguard pre-commit hook" "$c_hook" "$(awk -v a="$c_hook" -v b="$c_floor" 'BEGIN {print a / b}')"
  printf '  %-38s %8.1f ms   %.1fx pyguard\n' "(c) kingfisher scan --staged" "$c_kf" "$(awk -v a="$c_kf" -v b="$c_hook" 'BEGIN {print a / b}')"
fi
