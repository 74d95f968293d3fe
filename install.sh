#!/bin/sh
# Builds pyguard from this clone, installs the binary, and guards a git repository with it.
#
#   ./install.sh ~/code/project   # binary into ~/.cargo/bin, hooks into ~/code/project
#   ./install.sh                  # hooks into the repository of the current directory
#   ./install.sh --prefix DIR     # binary into DIR/bin
#   ./install.sh --no-hooks       # binary only
#
# Needs a Rust toolchain (cargo); downloads nothing but crates. Without Rust, install the wheel
# instead: see docs/install.md.
set -eu

prefix=""
hooks=1
repo=""
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) [ $# -ge 2 ] || { echo "install.sh: --prefix needs a directory" >&2; exit 2; }
              prefix=$2; shift 2 ;;
    --prefix=*) prefix=${1#--prefix=}; shift ;;
    --no-hooks) hooks=0; shift ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) [ -z "$repo" ] || { echo "install.sh: one repository at a time ($repo, $1)" >&2; exit 2; }
       repo=$1; shift ;;
  esac
done

here=$(cd "$(dirname "$0")" && pwd)
# Check the repository before the long build, so that a typo fails in a second.
if [ "$hooks" = 1 ]; then
  target=${repo:-.}
  if ! top=$(git -C "$target" rev-parse --show-toplevel 2>/dev/null); then
    if [ -n "$repo" ]; then
      echo "install.sh: $repo is not a git repository (git init it first, or use --no-hooks)" >&2
      exit 2
    fi
    top=""
  fi
fi
if ! command -v cargo >/dev/null 2>&1; then
  echo "install.sh: cargo not found; install Rust from https://rustup.rs, or install the wheel (docs/install.md)" >&2
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

if [ "$hooks" = 0 ]; then
  exit 0
fi
if [ -z "$top" ]; then
  echo "not inside a git repository: no hooks installed. Guard one with: $bin install (run inside it), or ./install.sh PATH"
  exit 0
fi
if [ -z "$repo" ] && [ "$top" = "$here" ]; then
  echo "note: guarding pyguard's own clone; to guard your project: ./install.sh /path/to/project"
fi
echo "guarding $top:"
(cd "$top" && "$bin" install)
