#!/usr/bin/env bash
# Installs the built wheel into a fresh virtual environment, offline, and drives it the way a
# Python team would: `pyguard` is on the venv's PATH with no Rust, `pyguard install` guards a
# new repository, a commit that adds a secret is blocked (index and history untouched), and an
# inline allow lets the same commit through. Run by .ci/run after the wheel is built.
#
#   scripts/test-wheel.sh DIST_DIR     # DIST_DIR holds exactly one pyguard_cli-*.whl
set -euo pipefail

dist=$(cd "${1:?usage: scripts/test-wheel.sh DIST_DIR}" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
shopt -s nullglob
wheels=("$dist"/pyguard_cli-*.whl)
[ ${#wheels[@]} -eq 1 ] || { echo "test-wheel: expected one pyguard_cli wheel in $dist, found ${#wheels[@]}" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "test-wheel: FAIL: $*" >&2; exit 1; }

# A private HOME: no global git config or hooks path of the machine leaks in.
export HOME="$work/home" GIT_CONFIG_NOSYSTEM=1 NO_COLOR=1
mkdir -p "$HOME"
git config --global user.name CI
git config --global user.email ci@example.com
git config --global init.defaultBranch main

echo "-- wheel: $(basename "${wheels[0]}") ($(du -k "${wheels[0]}" | cut -f1) KB)"
python3 -m venv "$work/venv"
# Offline: only the wheel directory is an index.
PIP_NO_INDEX=1 PIP_FIND_LINKS="$dist" "$work/venv/bin/pip" install --quiet pyguard-cli
export PATH="$work/venv/bin:$PATH"
[ "$(command -v pyguard)" = "$work/venv/bin/pyguard" ] || fail "pyguard is not the venv's: $(command -v pyguard)"
want="pyguard $(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -n1)"
[ "$(pyguard --version)" = "$want" ] || fail "version '$(pyguard --version)', expected '$want'"
echo "-- $(pyguard --version) from the wheel, $(du -k "$work/venv/bin/pyguard" | cut -f1) KB installed"

repo="$work/project"
git init --quiet "$repo"
cd "$repo"
pyguard install
[ -x .git/hooks/pre-commit ] || fail "pyguard install wrote no pre-commit hook"

# A made-up AWS access key id, assembled so that this script does not hold one.
key="AKIA""Q7RMW3XT5PLK2JHN"
printf 'import boto3\nKEY = "%s"\n' "$key" > app.py
git add app.py
set +e
git commit --quiet -m "add app" > "$work/out" 2>&1
code=$?
set -e
cat "$work/out"
[ $code -ne 0 ] || fail "the commit of a secret went through"
grep -q 'aws-access-key-id' "$work/out" || fail "the block names no aws-access-key-id finding"
if grep -q "$key" "$work/out"; then fail "the report printed the secret in full"; fi
git rev-parse --verify --quiet HEAD > /dev/null && fail "a commit was made"
git diff --cached --quiet -- app.py && fail "the staged change was lost"
echo "-- blocked, as expected (exit $code)"

# The documented way to allow a false alarm: an inline comment naming the pattern.
printf 'import boto3\nKEY = "%s"  # pyguard: allow[aws-access-key-id]\n' "$key" > app.py
git add app.py
git commit --quiet -m "add app (allowed)" || fail "an allowed finding still blocked"
echo "-- allowed with an inline comment: committed $(git rev-parse --short HEAD)"
echo "test-wheel: ok"
