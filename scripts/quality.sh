#!/usr/bin/env bash
# Secret-detection quality figures (not run by CI).
#
#   scripts/quality.sh CODEBASE [VENV]
#
# 1. Scans CODEBASE (a large, clean, real Python project, e.g. an unpacked PyPI sdist) with
#    pyguard and prints the secret findings per pattern, the total and the rate per 100,000
#    lines (Python-construct findings are left out: the other tools do not look for them).
# 2. Scans the labelled fixture set tests/fixtures/secrets/{true,false} (every file under true/
#    holds one secret, every file under false/ none) and prints recall and false positives.
# 3. When VENV holds detect-secrets and kingfisher (pip install detect-secrets kingfisher-bin),
#    runs both on the same inputs (Kingfisher with --no-validate --no-update-check: offline)
#    and prints one comparison table.
#
# Getting a codebase without GitHub:
#   pip download --no-deps --no-binary :all: --no-build-isolation -d sdists django==5.1.4
#   tar xzf sdists/Django-5.1.4.tar.gz -C corpus/
# Getting the comparison tools:
#   python3 -m venv /tmp/q/venv && /tmp/q/venv/bin/pip install detect-secrets kingfisher-bin
set -euo pipefail

codebase=${1:?usage: scripts/quality.sh CODEBASE [VENV]}
venv=${2:-}
root=$(cd "$(dirname "$0")/.." && pwd)
fixtures="$root/tests/fixtures/secrets"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

pyguard=${PYGUARD:-$root/target/release/pyguard}
if [[ -z ${PYGUARD:-} ]]; then
    (cd "$root" && cargo build --release --quiet)
fi

# Lines of text in the codebase (files without a NUL byte in their first 8 KB, like pyguard).
count_lines() {
    python3 - "$1" <<'EOF'
import os, sys
total = py = 0
for d, dirs, files in os.walk(sys.argv[1]):
    dirs[:] = [x for x in dirs if x != '.git']
    for f in files:
        p = os.path.join(d, f)
        try:
            data = open(p, 'rb').read()
        except OSError:
            continue
        if b'\0' in data[:8000]:
            continue
        n = data.count(b'\n')
        total += n
        if f.endswith('.py'):
            py += n
print(total, py)
EOF
}
read -r lines pylines < <(count_lines "$codebase")

"$pyguard" scan --format json --threads 2 "$codebase" > "$work/pyguard-codebase.json" || true
"$pyguard" scan --format json --threads 2 "$fixtures" > "$work/pyguard-fixtures.json" || true

if [[ -n $venv && -x $venv/bin/detect-secrets ]]; then
    (cd "$codebase" && "$venv/bin/detect-secrets" scan --all-files . > "$work/ds-codebase.json")
    (cd "$fixtures" && "$venv/bin/detect-secrets" scan --all-files . > "$work/ds-fixtures.json")
fi
if [[ -n $venv && -x $venv/bin/kingfisher ]]; then
    for t in codebase fixtures; do
        dir=$codebase
        [[ $t == fixtures ]] && dir=$fixtures
        "$venv/bin/kingfisher" scan "$dir" --no-validate --no-update-check --format json \
            --output "$work/kf-$t.json" > /dev/null 2>&1 || true
    done
fi

python3 - "$work" "$codebase" "$fixtures" "$lines" "$pylines" <<'EOF'
import collections, json, os, sys
work, codebase, fixtures, lines, pylines = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])

def load(name):
    p = os.path.join(work, name)
    if not os.path.exists(p) or os.path.getsize(p) == 0:
        return None
    with open(p) as f:
        return json.load(f)

def pyguard(doc, base):
    # Secrets only: the other tools look for nothing else, and Python checks are measured apart.
    return [(os.path.relpath(os.path.join(base, f['path']) if not os.path.isabs(f['path']) else f['path'], base), f['pattern_id'])
            for f in doc['findings'] if f['kind'] == 'secret']

def detect_secrets(doc, base):
    return [(os.path.normpath(path), r['type']) for path, rs in doc['results'].items() for r in rs]

def kingfisher(doc, base):
    return [(os.path.relpath(f['finding']['path'], base), f['rule']['id']) for f in doc.get('findings', [])]

tools = [('pyguard', 'pyguard', pyguard), ('detect-secrets', 'ds', detect_secrets), ('kingfisher', 'kf', kingfisher)]

pg = pyguard(load('pyguard-codebase.json'), codebase)
print(f'codebase: {codebase}')
print(f'lines: {lines} ({pylines} in .py files)')
print()
print('pyguard secret findings per pattern:')
for pid, n in collections.Counter(p for _, p in pg).most_common():
    print(f'  {n:5d}  {pid}')
print(f'  total {len(pg)}, {len(pg) * 100000 / max(lines, 1):.2f} per 100,000 lines')
print()

true_files = set(os.listdir(os.path.join(fixtures, 'true')))
false_files = set(os.listdir(os.path.join(fixtures, 'false')))
print(f'fixture set: {len(true_files)} files with one secret each, {len(false_files)} look-alike files')
print()
hdr = ('tool', 'codebase findings', 'per 100k lines', 'fixture findings', 'true findings', 'secrets caught', 'false-file findings')
rows = []
for name, key, parse in tools:
    cb, fx = load(f'{key}-codebase.json'), load(f'{key}-fixtures.json')
    if cb is None or fx is None:
        continue
    c = parse(cb, codebase)
    f = parse(fx, fixtures)
    in_true = [p for p, _ in f if p.startswith('true/')]
    in_false = [p for p, _ in f if p.startswith('false/')]
    caught = {p.split('/', 1)[1] for p in in_true}
    rows.append((name, str(len(c)), f'{len(c) * 100000 / max(lines, 1):.1f}', str(len(f)),
                 f'{len(in_true)} ({100 * len(in_true) / max(len(f), 1):.0f}%)',
                 f'{len(caught)}/{len(true_files)}', str(len(in_false))))
widths = [max(len(r[i]) for r in rows + [hdr]) for i in range(len(hdr))]
for r in [hdr] + rows:
    print('| ' + ' | '.join(c.ljust(w) for c, w in zip(r, widths)) + ' |')
EOF
