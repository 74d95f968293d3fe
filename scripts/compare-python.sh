#!/usr/bin/env bash
# Compares pyguard with bandit and `ruff check --select S` on the labelled fixtures in
# tests/fixtures/python/ and prints precision and recall per category, side by side.
#
# Usage: scripts/compare-python.sh [FIXTURE_DIR]
# bandit and ruff are installed with pip into a virtual environment under a temporary
# directory (set PYGUARD_BENCH_VENV to reuse one); they are benchmark tools, not dependencies.
# Not run by CI (it needs PyPI).
set -euo pipefail
cd "$(dirname "$0")/.."
fixtures="${1:-tests/fixtures/python}"

venv="${PYGUARD_BENCH_VENV:-}"
if [ -z "$venv" ]; then
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  venv="$tmp/venv"
fi
if [ ! -x "$venv/bin/bandit" ] || [ ! -x "$venv/bin/ruff" ]; then
  echo "installing bandit and ruff into $venv ..." >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet bandit ruff >&2
fi

cargo build --release --quiet
out="$(mktemp -d)"
trap 'rm -rf "$out" ${tmp:+"$tmp"}' EXIT
# Scan a copy: the fixtures live under tests/, and path-based rules (pyguard's assert check
# skips test files) would otherwise judge them as tests.
cp -r "$fixtures" "$out/fixtures"
fixtures="$out/fixtures"
./target/release/pyguard scan --format json "$fixtures" > "$out/pyguard.json" || [ $? -eq 1 ]
"$venv/bin/bandit" --quiet --format json --recursive "$fixtures" > "$out/bandit.json" 2>/dev/null || true
"$venv/bin/ruff" check --isolated --no-cache --select S --output-format json "$fixtures" \
  > "$out/ruff.json" || true

echo "bandit $("$venv/bin/bandit" --version 2>/dev/null | head -n1 | awk '{print $2}'), $("$venv/bin/ruff" --version)"
python3 - "$fixtures" "$out" <<'PY'
import json, os, re, sys

fixtures, out = sys.argv[1], sys.argv[2]

# Category of each rule, per tool. Import-only rules (bandit B4xx / ruff S4xx "consider the
# security implications of importing X") are not mapped, except the pycrypto import, which is
# exactly the crypto-import category.
PYGUARD = {
    "exec-user-input": "exec-eval",
    "django-debug-true": "django-debug",
    "django-allowed-hosts-wildcard": "allowed-hosts",
    "flask-debug-true": "flask-debug",
    "sql-string-formatting": "sql-injection",
    "shell-injection": "shell-injection",
    "pickle-load": "deserialization", "yaml-unsafe-load": "deserialization",
    "jsonpickle-decode": "deserialization", "torch-load-unsafe": "deserialization",
    "weak-hash": "weak-hash", "weak-password-hash": "weak-hash",
    "tls-verify-disabled": "tls-verify", "ssl-unverified-context": "tls-verify",
    "bind-all-interfaces": "bind-all",
    "tempfile-mktemp": "mktemp",
    "jinja2-autoescape-false": "template-escape", "django-mark-safe": "template-escape",
    "insecure-random": "insecure-random",
    "assert-auth-check": "assert-auth",
    "pycrypto-import": "crypto-import",
    "pypi-typosquat": "dependencies", "pypi-malicious-package": "dependencies",
    "pycrypto-dependency": "dependencies", "pip-index-insecure-http": "dependencies",
    "pip-extra-index-url": "dependencies",
}
BANDIT = {
    "B102": "exec-eval", "B307": "exec-eval",
    "B201": "flask-debug",
    "B608": "sql-injection", "B610": "sql-injection", "B611": "sql-injection",
    "B602": "shell-injection", "B604": "shell-injection", "B605": "shell-injection",
    "B609": "shell-injection",
    "B301": "deserialization", "B302": "deserialization", "B506": "deserialization",
    "B614": "deserialization",
    "B303": "weak-hash", "B324": "weak-hash",
    "B501": "tls-verify", "B323": "tls-verify",
    "B104": "bind-all",
    "B306": "mktemp",
    "B701": "template-escape", "B308": "template-escape", "B703": "template-escape",
    "B311": "insecure-random",
    "B101": "assert-auth",
    "B413": "crypto-import",
}
RUFF = {
    "S102": "exec-eval", "S307": "exec-eval",
    "S201": "flask-debug",
    "S608": "sql-injection", "S610": "sql-injection", "S611": "sql-injection",
    "S602": "shell-injection", "S604": "shell-injection", "S605": "shell-injection",
    "S609": "shell-injection",
    "S301": "deserialization", "S302": "deserialization", "S506": "deserialization",
    "S303": "weak-hash", "S324": "weak-hash",
    "S501": "tls-verify", "S323": "tls-verify",
    "S104": "bind-all",
    "S306": "mktemp",
    "S701": "template-escape", "S308": "template-escape", "S704": "template-escape",
    "S311": "insecure-random",
    "S101": "assert-auth",
    "S413": "crypto-import",
}
CATEGORIES = [
    "exec-eval", "django-debug", "allowed-hosts", "flask-debug", "sql-injection",
    "shell-injection", "deserialization", "dependencies", "crypto-import", "weak-hash",
    "tls-verify", "bind-all", "mktemp", "template-escape", "insecure-random", "assert-auth",
]
# Files only pyguard reads: the peers are not scored on their labels.
PYTHON_ONLY = lambda path: path.endswith(".py")

def norm(path):
    return os.path.relpath(os.path.abspath(path), os.path.abspath(fixtures))

labels = {}  # (file, category) -> list of [first, last] line ranges
for root, _, files in os.walk(fixtures):
    for name in files:
        path = os.path.join(root, name)
        if name.endswith(".md"):
            continue  # the fixtures' README describes the markers
        with open(path, encoding="utf-8") as fh:
            for no, line in enumerate(fh, 1):
                m = re.search(r"# expect: ([a-z-]+)(?: \+(\d+))?\s*$", line)
                if m:
                    labels.setdefault((norm(path), m.group(1)), []).append(
                        (no, no + int(m.group(2) or 0)))

def load(tool):
    with open(os.path.join(out, tool + ".json"), encoding="utf-8") as fh:
        data = json.load(fh)
    found = []  # (file, category, first line, last line)
    if tool == "pyguard":
        for f in data["findings"]:
            cat = PYGUARD.get(f["pattern_id"])
            if cat:
                found.append((norm(f["path"]), cat, f["line"], f["end_line"]))
    elif tool == "bandit":
        for r in data["results"]:
            cat = BANDIT.get(r["test_id"])
            if cat:
                lines = r.get("line_range") or [r["line_number"]]
                found.append((norm(r["filename"]), cat, min(lines), max(lines)))
    else:
        for r in data:
            cat = RUFF.get(r["code"])
            if cat:
                found.append((norm(r["filename"]), cat, r["location"]["row"],
                              r["end_location"]["row"]))
    return found

def score(found, category, python_only):
    wanted = {(f, tuple(r)) for (f, c), rs in labels.items() if c == category
              for r in rs if not python_only or PYTHON_ONLY(f)}
    hit, tp, fp = set(), 0, 0
    for f, c, a, b in found:
        if c != category:
            continue
        match = [w for w in wanted if w[0] == f and w[1][0] <= b and a <= w[1][1]]
        if match:
            if match[0] not in hit:
                tp += 1
                hit.update(match[:1])
        else:
            fp += 1
    return tp, fp, len(wanted)

tools = {t: load(t) for t in ("pyguard", "bandit", "ruff")}
def cell(tp, fp, n):
    p = "-" if tp + fp == 0 else f"{tp / (tp + fp):.2f}"
    r = "-" if n == 0 else f"{tp / n:.2f}"
    return f"{p} / {r} ({tp}/{n}, {fp} FP)"

print()
print("| category | labelled | pyguard P / R | bandit P / R | ruff S P / R |")
print("| --- | --- | --- | --- | --- |")
totals = {t: [0, 0, 0] for t in tools}
for cat in CATEGORIES:
    row = [cat]
    n = None
    for t in ("pyguard", "bandit", "ruff"):
        python_only = t != "pyguard"
        tp, fp, wanted = score(tools[t], cat, python_only)
        if n is None:
            n = wanted
            row.append(str(n))
        if python_only and wanted == 0:
            row.append("n/a (reads no manifests)")
            continue
        for i, v in enumerate((tp, fp, wanted)):
            totals[t][i] += v
        row.append(cell(tp, fp, wanted))
    print("| " + " | ".join(row) + " |")
print("| **all** | | " + " | ".join(cell(*totals[t]) for t in tools) + " |")
print()
print("P = precision (findings on labelled lines / all findings of the category), "
      "R = recall (labelled lines found / labelled lines).")
PY
