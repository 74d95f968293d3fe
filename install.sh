#!/bin/sh
# Builds pyguard, installs the binary, and (inside a git repository) installs its git hooks.
#
#   ./install.sh                 # binary into ~/.cargo/bin, hooks into the current repository
#   ./install.sh --prefix DIR    # binary into DIR/bin
#   ./install.sh --no-hooks      # binary only
set -eu

prefix=""
hooks=1
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) [ $# -ge 2 ] || { echo "install.sh: --prefix needs a directory" >&2; exit 2; }
              prefix=$2; shift 2 ;;
    --prefix=*) prefix=${1#--prefix=}; shift ;;
    --no-hooks) hooks=0; shift ;;
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

here=$(cd "$(dirname "$0")" && pwd)
if ! command -v cargo >/dev/null 2>&1; then
  echo "install.sh: cargo not found; install Rust from https://rustup.rs first" >&2
  exit 2
fi

if [ -n "$prefix" ]; then
  cargo install --locked --quiet --path "$here" --root "$prefix" --force
  bin="$prefix/bin/pyguard"
else
  cargo install --locked --quiet --path "$here" --force
  bin="${CARGO_HOME:-$HOME/.cargo}/bin/pyguard"
fi
echo "installed $("$bin" --version) at $bin"

# The main job: guard the repository we are standing in.
if [ "$hooks" = 1 ] && git rev-parse --git-dir >/dev/null 2>&1; then
  "$bin" install
fi
