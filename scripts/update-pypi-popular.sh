#!/usr/bin/env bash
# Regenerates patterns/data/pypi-popular.txt from a PyPI package list with a download rank
# (a TSV whose header names the columns `name` and `rank_among_15000_most_downloaded`).
# Usage: scripts/update-pypi-popular.sh [pypi.tsv]. Reads a local file only; no network.
set -euo pipefail
cd "$(dirname "$0")/.."
src="${1:-/work/.library/env/packages/pypi.tsv}"
out=patterns/data/pypi-popular.txt
{
  echo "# Popular PyPI project names, most downloaded first, PEP 503-normalised, one per line."
  echo "# Source: the package list of this workplace (pypi.tsv, column rank_among_15000_most_downloaded),"
  echo "# made $(date -u -r "$src" +%Y-%m-%d); regenerate with scripts/update-pypi-popular.sh. The first 5000 names are the"
  echo "# typosquat targets; every listed name is taken as legitimate and never reported as a typosquat."
  awk -F'\t' 'NR==1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
              $col["rank_among_15000_most_downloaded"] != "" {
                print $col["rank_among_15000_most_downloaded"] "\t" $col["name"] }' "$src" |
    sort -n -k1,1 | cut -f2 | tr 'A-Z' 'a-z' | sed -E 's/[-_.]+/-/g' | awk '!seen[$0]++'
} > "$out"
echo "wrote $(grep -vc '^#' "$out") names to $out"
