#!/usr/bin/env bash
# The pre-commit framework with pyguard and no Rust, against the locally built wheel: the
# hooks are installed by pre-commit with pip resolving only from a local wheelhouse (no index),
# and each setup must block a commit that adds a secret:
#   1. the README's snippet as written (`repo: local`, `language: python`, the wheel pinned in
#      `additional_dependencies`);
#   2. pre-commit-mirror/ as its own repository (`language: python`, the ruff-pre-commit shape);
#   3. this repository's .pre-commit-hooks.yaml (`language: system`, pyguard from the wheel on
#      PATH).
# pre-commit itself and setuptools (which pip needs to build pre-commit's placeholder package)
# come from PyPI before the offline part. Run by .ci/run after the wheel is built.
#
#   scripts/test-pre-commit.sh DIST_DIR     # DIST_DIR holds exactly one pyguard_cli-*.whl
set -euo pipefail

dist=$(cd "${1:?usage: scripts/test-pre-commit.sh DIST_DIR}" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
shopt -s nullglob
wheels=("$dist"/pyguard_cli-*.whl)
[ ${#wheels[@]} -eq 1 ] || { echo "test-pre-commit: expected one pyguard_cli wheel in $dist" >&2; exit 2; }
version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -n1)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "test-pre-commit: FAIL: $*" >&2; exit 1; }

grep -q "\"pyguard-cli==$version\"" "$root/pre-commit-mirror/pyproject.toml" \
  || fail "pre-commit-mirror/pyproject.toml does not pin pyguard-cli==$version (Cargo.toml's version)"

# Online part: the tools.
python3 -m venv "$work/tools"
"$work/tools/bin/pip" install --quiet pre-commit
mkdir "$work/wheelhouse"
"$work/tools/bin/pip" download --quiet --only-binary=:all: --dest "$work/wheelhouse" setuptools wheel
cp "${wheels[0]}" "$work/wheelhouse/"
"$work/tools/bin/pip" install --quiet --no-index --find-links "$work/wheelhouse" pyguard-cli

# Offline from here: pip sees only the wheelhouse; pre-commit's cache and HOME are private.
export PIP_NO_INDEX=1 PIP_FIND_LINKS="$work/wheelhouse" PIP_DISABLE_PIP_VERSION_CHECK=1
export VIRTUALENV_NO_PERIODIC_UPDATE=1 PRE_COMMIT_HOME="$work/cache"
export HOME="$work/home" GIT_CONFIG_NOSYSTEM=1 NO_COLOR=1
export PATH="$work/tools/bin:$PATH"
mkdir -p "$HOME"
git config --global user.name CI
git config --global user.email ci@example.com
git config --global init.defaultBranch main

key="AKIA""Q7RMW3XT5PLK2JHN"   # made up; assembled so that this script holds none

# $1: name, $2: the .pre-commit-config.yaml text. A commit of a secret must be blocked by
# pyguard; a clean commit must pass.
check() {
  local repo="$work/$1"
  git init --quiet "$repo"
  printf '%s\n' "$2" > "$repo/.pre-commit-config.yaml"
  (
    cd "$repo"
    pre-commit install --hook-type pre-commit --hook-type commit-msg > /dev/null
    git add .pre-commit-config.yaml
    git commit --quiet -m "pre-commit config" > "$work/out" 2>&1 || { cat "$work/out"; fail "$1: a clean commit was blocked"; }
    printf 'KEY = "%s"\n' "$key" > settings.py
    git add settings.py
    set +e
    git commit -m "settings" > "$work/out" 2>&1
    code=$?
    set -e
    [ $code -ne 0 ] || { cat "$work/out"; fail "$1: the commit of a secret went through"; }
    grep -q 'aws-access-key-id' "$work/out" || { cat "$work/out"; fail "$1: no aws-access-key-id finding in the output"; }
    [ "$(git rev-list --count HEAD)" = 1 ] || fail "$1: a commit was made"
  )
  echo "-- $1: blocked"
}

# 1. The README's snippet, exactly as the README has it (the yaml block after its marker).
snippet=$(awk '/<!-- pre-commit snippet/ {m=1; next} m && /^```yaml/ {c=1; next} c && /^```/ {exit} c {print}' "$root/README.md")
[ -n "$snippet" ] || fail "no pre-commit snippet after its marker in README.md"
grep -q "pyguard-cli==$version" <<< "$snippet" || fail "the README snippet does not pin pyguard-cli==$version"
check readme-snippet "$snippet"

# 2. The mirror, as its own repository with a tag.
cp -r "$root/pre-commit-mirror" "$work/hooks-mirror"
git -C "$work/hooks-mirror" init --quiet
git -C "$work/hooks-mirror" add -A
git -C "$work/hooks-mirror" commit --quiet -m mirror
git -C "$work/hooks-mirror" tag "v$version"
check mirror "repos:
  - repo: $work/hooks-mirror
    rev: v$version
    hooks:
      - id: pyguard
      - id: pyguard-commit-msg"

# 3. This repository's hooks (language: system), from a copy of its .pre-commit-hooks.yaml.
mkdir "$work/hooks-self"
cp "$root/.pre-commit-hooks.yaml" "$work/hooks-self/"
git -C "$work/hooks-self" init --quiet
git -C "$work/hooks-self" add -A
git -C "$work/hooks-self" commit --quiet -m hooks
check system "repos:
  - repo: $work/hooks-self
    rev: $(git -C "$work/hooks-self" rev-parse HEAD)
    hooks:
      - id: pyguard
      - id: pyguard-commit-msg"

# The commit-msg hook (through the mirror): a secret in the message is blocked too.
git init --quiet "$work/mirror-msg"
(
  cd "$work/mirror-msg"
  printf 'repos:\n  - repo: %s\n    rev: v%s\n    hooks:\n      - id: pyguard-commit-msg\n' "$work/hooks-mirror" "$version" > .pre-commit-config.yaml
  pre-commit install --hook-type commit-msg > /dev/null
  git add .pre-commit-config.yaml
  if git commit --quiet -m "deploy with $key" > "$work/out" 2>&1; then
    fail "commit-msg: a message holding a secret went through"
  fi
  grep -q 'aws-access-key-id' "$work/out" || { cat "$work/out"; fail "commit-msg: no aws-access-key-id finding"; }
)
echo "-- commit-msg: blocked"
echo "test-pre-commit: ok"
