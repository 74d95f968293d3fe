#!/usr/bin/env bash
# Regenerates patterns/data/pypi-legitimate.txt: established PyPI projects whose names are near
# a popular name (what pyguard's typosquat rule would otherwise report), from a PyPI package list
# (a TSV with the columns `name`, `version`, `month`). Usage:
#   scripts/update-pypi-legitimate.sh [pypi.tsv]
# Reads local files only; no network. "Established": still published (malware is removed, so the
# names in the published lists are gone) and either at a version past 1.0.0 or with a last release
# before 2023 (several years on the index without removal); a project whose own summary calls it
# a typosquat (a proof of concept, or a reservation against squatting) is not established.
set -euo pipefail
cd "$(dirname "$0")/.."
src="${1:-/work/.library/env/packages/pypi.tsv}"
out=patterns/data/pypi-legitimate.txt
python3 - "$src" "$out" <<'PY'
import csv, re, sys
src, out = sys.argv[1], sys.argv[2]
norm = lambda n: re.sub(r"[-_.]+", "-", n.lower())
names = [l.strip() for l in open("patterns/data/pypi-popular.txt") if l.strip() and not l.startswith("#")]
known, targets = set(names), [t for t in names[:5000] if len(t) >= 4]
rank = {t: i for i, t in enumerate(names[:5000])}
# A mirror of src/matcher/pypi.rs::typosquat_target (keep the two in step).
top = [t for t in names[:1000] if len(t) >= 4]
top_set = set(top)
squatted = {t for t in names[:100] if len(t) >= 7}
def dels(w, k):
    out, edge = {w}, {w}
    for _ in range(k):
        edge = {x[:i] + x[i + 1:] for x in edge for i in range(len(x))}
        out |= edge
    return out
d2 = {}
for t in targets:
    for d in dels(t, 2):
        d2.setdefault(d, set()).add(t)
def dl(a, b, lim):
    if abs(len(a) - len(b)) > lim: return lim + 1
    prev2, prev = None, list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            c = a[i - 1] != b[j - 1]
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + c)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]
ROWS = "qwertyuiop asdfghjkl zxcvbnm".split()
pos = {c: (r, i) for r, row in enumerate(ROWS) for i, c in enumerate(row)}
LOOK = {("0", "o"), ("1", "l"), ("1", "i"), ("i", "l"), ("3", "e"), ("5", "s")}
def adjacent(x, y):
    if (x, y) in LOOK or (y, x) in LOOK: return True
    if x not in pos or y not in pos: return False
    (r1, i1), (r2, i2) = pos[x], pos[y]
    return abs(r1 - r2) <= 1 and abs(i1 - i2) <= 1 and (x != y)
def short_hit(n, t):
    if len(n) == len(t):
        diff = [i for i in range(len(n)) if n[i] != t[i]]
        if len(diff) == 2 and diff[1] == diff[0] + 1 and n[diff[0]] == t[diff[1]] and n[diff[1]] == t[diff[0]]: return True
        return len(diff) == 1 and adjacent(n[diff[0]], t[diff[0]])
    a, b = (n, t) if len(n) > len(t) else (t, n)
    return len(a) == len(b) + 1 and any(a[i] == a[i - 1] and a[:i] == b[:i] and a[i + 1:] == b[i:] for i in range(1, len(a)))
def subseq(n, t):
    it = iter(t); return all(c in it for c in n)
def near(n):
    cands = set()
    for d in dels(n, 2):
        cands |= d2.get(d, set())
    hits = set()
    for t in cands:
        if len(n) <= 5:
            if abs(len(n) - len(t)) <= 1 and short_hit(n, t): hits.add(t)
            continue
        two = len(n) >= 14 or (t[0] == n[0] and ((t in top_set and len(t) >= 10 and len(n) + 1 >= 10) or t in squatted))
        if dl(n, t, 2) <= (2 if two else 1):
            hits.add(t)
    if len(n) >= 5:
        hits |= {t for t in top if t[0] == n[0] and 1 <= len(t) - len(n) <= 2 and subseq(n, t)}
    return hits
PRE = ["python3-", "python-", "python3", "python", "py-", "py"]
SUF = ["-python", "-py", "py", "-lib", "lib", "-2", "-3", "2", "3"]
def flagged(n):
    if len(n) < 4 or n in known: return False
    if near(n): return True
    stems = [n[len(p):] for p in PRE if n.startswith(p)] + [n[:-len(s)] for s in SUF if n.endswith(s)]
    for stem in stems:
        if len(stem) < 4 or stem.startswith("-") or stem.endswith("-"): continue
        if stem in top_set: return True
        if stem in known: continue
        if near(stem) & top_set: return True
    return False
def established(version, month):
    m = re.match(r"(\d+)(?:\.(\d+))?(?:\.(\d+))?", version or "")
    mature = bool(m) and (int(m.group(1)), int(m.group(2) or 0), int(m.group(3) or 0)) > (1, 0, 0)
    return mature or (month or "9999") < "2023-01"
res = set()
with open(src, newline="") as f:
    r = csv.DictReader(f, delimiter="\t")
    for row in r:
        n = norm(row["name"] or "")
        # A project whose own summary says it squats a name is not legitimate.
        if "typosquat" in (row.get("summary") or "").lower().replace("-", ""):
            continue
        if n and established(row.get("version"), row.get("month")) and flagged(n):
            res.add(n)
with open(out, "w") as f:
    f.write("# Established PyPI projects whose names are near a popular name by pyguard's typosquat rule\n")
    f.write("# (src/matcher/pypi.rs), PEP 503-normalised: never reported as typosquats.\n")
    f.write("# Source: the package list of this workplace (pypi.tsv: name, version, month); regenerate\n")
    f.write("# with scripts/update-pypi-legitimate.sh, which says what \"established\" means.\n")
    for n in sorted(res): f.write(n + "\n")
print("wrote", len(res), "names to", out)
PY
