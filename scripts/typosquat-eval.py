#!/usr/bin/env python3
"""Typosquat recall on a list of malicious PyPI names (issue 13, point 4).

Usage: scripts/typosquat-eval.py PYGUARD NAMES.txt [NAMES.txt ...]

NAMES files hold one published-malware name per line (from public lists such as DataDog's
malicious-software-packages-dataset manifest or pypi_malregistry; keep them outside the
repository). The typosquat subset is chosen by a rule of its own, independent of pyguard's code:
a name (PEP 503-normalised, not itself among patterns/data/pypi-popular.txt) imitates a top-1000
name t (4+ letters) if it is within Damerau-Levenshtein (OSA) distance 1 of t (2 when t has 6+
letters), equals t without delimiters, does so after look-alike digits are read as letters
(0 1 3 4 5 7 8 -> o l e a s t b), or after one common affix is taken off (python3- python- python
py- py / -python -lib lib -dev -new -py py -2 -3 2 3 s). Each name is written into a
requirements.txt and a pyproject.toml, scanned with `PYGUARD scan -q --format json`, and the
script prints recall on the subset (a `pypi-typosquat` or `pypi-malicious-package` finding on the
name's line), whether the finding names the rule's target, how many of all the names are flagged,
findings on the 5000 most popular names, and the subset's misses.
"""
import json, re, subprocess, sys, tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POP = [l.strip() for l in open(ROOT / "patterns/data/pypi-popular.txt") if l.strip() and not l.startswith("#")]
P15, P1 = set(POP), [t for t in POP[:1000] if len(t) >= 4]
HG = str.maketrans("0134578", "oleastb")
PRE = ["python3-", "python-", "python", "py-", "py"]
SUF = ["-python", "-lib", "lib", "-dev", "-new", "-py", "py", "-2", "-3", "2", "3", "s"]

def norm(n):
    return re.sub(r"[-_.]+", "-", n).lower().strip("-")

def osa(a, b):
    d = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[-1][-1]

def near(n, t):
    lim = 1 if len(t) <= 5 else 2
    if abs(len(n) - len(t)) > lim:
        return None
    d = osa(n, t)
    return d if d <= lim else None

def imitated(n):
    """The top-1000 name n imitates by the subset rule, or None."""
    best = None
    stems = [n[len(p):] for p in PRE if n.startswith(p) and len(n) > len(p) + 3]
    stems += [n[: -len(s)] for s in SUF if n.endswith(s) and len(n) > len(s) + 3]
    for t in P1:
        for c in [n, n.translate(HG)] + stems:
            c = norm(c)
            if c == t:
                r = 0
            elif c.replace("-", "") == t.replace("-", ""):
                r = 1
            else:
                r = near(c, t)
                if r is None:
                    r = near(c.replace("-", ""), t.replace("-", ""))
                if r is None:
                    continue
            if best is None or r < best[1]:
                best = (t, r)
            break
        if best and best[1] <= 1:
            return best[0]
    return best[0] if best else None

def scan(binary, names, kind):
    d = tempfile.mkdtemp()
    if kind == "requirements.txt":
        Path(d, kind).write_text("".join(n + "\n" for n in names))
        off = 1
    else:
        deps = "".join(f'  "{n}",\n' for n in names)
        Path(d, kind).write_text(f'[project]\nname = "demo"\nversion = "1"\ndependencies = [\n{deps}]\n')
        off = 5
    out = subprocess.run([binary, "scan", "-q", "--format", "json", d], capture_output=True, text=True)
    found = {}
    for f in json.loads(out.stdout)["findings"]:
        if f["pattern_id"] in ("pypi-typosquat", "pypi-malicious-package"):
            m = re.search(r"did you mean `([^`]+)`", f["pattern_name"])
            found[f["line"] - off] = (f["pattern_id"], m.group(1) if m else None)
    return found

def main():
    binary, files = sys.argv[1], sys.argv[2:]
    every = [l.strip() for f in files for l in open(f) if l.strip()]
    subset = [(n, t) for n in every if norm(n) not in P15 and (t := imitated(norm(n)))]
    for kind in ("requirements.txt", "pyproject.toml"):
        s = scan(binary, [n for n, _ in subset], kind)
        right = sum(1 for i, (_, t) in enumerate(subset) if i in s and (s[i][1] == t or s[i][0] == "pypi-malicious-package"))
        a = scan(binary, every, kind)
        p = scan(binary, POP[:5000], kind)
        print(f"{kind}: subset recall {len(s)}/{len(subset)} = {len(s) / max(1, len(subset)):.3f} "
              f"(naming the rule's target {right}); all names flagged {len(a)}/{len(every)}; "
              f"findings on the 5000 most popular names {len(p)}")
    print("missed:", " ".join(f"{n}>{t}" for i, (n, t) in enumerate(subset) if i not in s))

if __name__ == "__main__":
    main()
