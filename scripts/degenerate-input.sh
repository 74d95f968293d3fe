#!/usr/bin/env bash
# Peak memory and CPU time of `pyguard scan` on degenerate input, per MB of input: a run of
# one letter that hits a keyword at every offset (a `data:` URI of zero bytes, a file of `a`),
# at two sizes; and the commit gate on a long Python module without functions, where a line
# added at its end is the focus and every `exec(x)` above is a taint window (1 and 5 MB).
# Work and memory per byte must stay bounded whatever the content (issue 16): the CPU and peak
# RSS per input MB must not grow with the size. No pass/fail on timings; read them.
#
#   scripts/degenerate-input.sh [BINARY] [--sizes "10 100"]
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
bin="$here/target/release/pyguard"
sizes="10 100"
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes=$2; shift 2 ;;
    -*) echo "usage: $0 [BINARY] [--sizes \"MB ...\"]" >&2; exit 2 ;;
    *) bin=$1; shift ;;
  esac
done
command -v /usr/bin/time >/dev/null || { echo "needs GNU time: apt-get install time" >&2; exit 2; }
[ -x "$bin" ] || { echo "no binary at $bin (cargo build --release)" >&2; exit 2; }
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '%-10s %6s %10s %10s %12s\n' input MB cpu_s peak_MB peak_MB/MB
for mb in $sizes; do
  n=$((mb * 1000000))
  { printf '<img src="data:image/png;base64,'; head -c "$n" /dev/zero | tr '\0' 'A'; printf '">\n'; } > "$work/page.html"
  head -c "$n" /dev/zero | tr '\0' 'a' > "$work/a.txt"
  head -c "$n" /dev/zero | tr '\0' 'x' > "$work/x.txt"
  for f in page.html a.txt x.txt; do
    /usr/bin/time -f '%U %S %M' -o "$work/t" "$bin" scan --max-file-size 10GB -q "$work/$f" >/dev/null || true
    read -r user sys kb < "$work/t"
    awk -v f="$f" -v mb="$mb" -v u="$user" -v s="$sys" -v kb="$kb" \
      'BEGIN { printf "%-10s %6d %10.2f %10.1f %12.2f\n", f, mb, u + s, kb / 1000, kb / 1000 / mb }'
  done
done
for mb in 1 5; do
  repo="$work/repo$mb"
  git init -q "$repo"
  awk -v n=$((mb * 125000)) 'BEGIN { print "x = input()"; for (i = 0; i < n; i++) print "exec(x)" }' \
    > "$repo/big.py"
  git -C "$repo" add big.py
  git -C "$repo" -c user.name=b -c user.email=b@b commit -q --no-verify -m base
  echo 'y = 1' >> "$repo/big.py"
  git -C "$repo" add big.py
  (cd "$repo" && /usr/bin/time -f '%U %S %M' -o "$work/t" "$bin" hook pre-commit >/dev/null 2>&1) || true
  read -r user sys kb < "$work/t"
  awk -v mb="$mb" -v u="$user" -v s="$sys" -v kb="$kb" \
    'BEGIN { printf "%-10s %6d %10.2f %10.1f %12.2f\n", "hook:big.py", mb, u + s, kb / 1000, kb / 1000 / mb }'
done
