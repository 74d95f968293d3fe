#!/usr/bin/env bash
# Benchmark: pyguard scan over a generated project with many Python files (where the whole-file
# and Python 2 patterns run), a committed virtual environment of thousands of files (the path-set
# detector) and bytecode. Prints the tree's size, the findings and the wall time of each run.
#
#   scripts/bench-files.sh [PY_FILES] [VENV_PACKAGES]     (defaults: 20000 1000)
#
# Uses target/release/pyguard (built if missing). Not run by CI.
set -euo pipefail
cd "$(dirname "$0")/.."
py_files=${1:-20000}
venv_pkgs=${2:-1000}
[ -x target/release/pyguard ] || cargo build --release --quiet
bin=$PWD/target/release/pyguard
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

python3 - "$dir" "$py_files" "$venv_pkgs" <<'PY'
import os, sys
root, n, pkgs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
body = '''"""Module {i}: helpers for ``thing`` handling (see `docs`)."""
import os
import sys


def handler_{i}(request, items):
    total = 0
    for item in items:
        if item != None and item.value > 3:
            total += item.value
    print("handled", total, file=sys.stderr)
    return {{"total": total, "path": os.environ.get("APP_PATH", "/tmp")}}


class Service{i}:
    timeout = 30

    def run(self, x):
        try:
            return handler_{i}(None, x)
        except (ValueError, TypeError) as err:
            raise RuntimeError("failed: %s" % err)
'''
for i in range(n):
    d = os.path.join(root, "src", f"pkg{i // 200}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"mod{i}.py"), "w") as f:
        f.write(body.format(i=i) * 3)
venv = os.path.join(root, "venv")
os.makedirs(os.path.join(venv, "bin"), exist_ok=True)
open(os.path.join(venv, "pyvenv.cfg"), "w").write("home = /usr/bin\nversion = 3.12.3\n")
open(os.path.join(venv, "bin", "activate"), "w").write("# activate\n")
for p in range(pkgs):
    d = os.path.join(venv, "lib", "python3.12", "site-packages", f"dep{p}")
    os.makedirs(os.path.join(d, "__pycache__"), exist_ok=True)
    for m in range(3):
        open(os.path.join(d, f"m{m}.py"), "w").write(body.format(i=p))
        open(os.path.join(d, "__pycache__", f"m{m}.cpython-312.pyc"), "wb").write(b"\x00\x01" * 400)
PY

files=$(find "$dir" -type f | wc -l)
bytes=$(du -sb "$dir" | cut -f1)
echo "tree: $files files, $bytes bytes ($py_files project .py files, venv of $venv_pkgs packages)"
{ "$bin" scan -q -f json "$dir" || true; } | python3 -c 'import json,sys; d=json.load(sys.stdin); print("findings:", sorted({f["pattern_id"] for f in d["findings"]}), len(d["findings"]))' || true
for run in 1 2 3; do
    start=$(date +%s.%N)
    "$bin" scan -q "$dir" > /dev/null || true
    end=$(date +%s.%N)
    echo "run $run: $(python3 -c "print(f'{$end - $start:.3f}')") s"
done
