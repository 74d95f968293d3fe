#!/usr/bin/env bash
# Fails when a module imports from a layer above its own (docs/architecture.md): every
# `crate::LAYER` path in src/ is checked against the layer of the file it is written in.
# Also fails when one subcommand imports another (cmd/ files reach each other only through
# cmd/mod.rs, which dispatches). Tests (`#[cfg(test)]` modules) may reach anywhere.
set -euo pipefail
cd "$(dirname "$0")/.."

# Layer ranks, top (0) to bottom. A file may use its own rank or a higher number.
rank() {
  case "$1" in
    main) echo 0 ;;
    # cli.rs holds the subcommands' argument types: cmd/ reads them, as data from above.
    cli|cmd) echo 1 ;;
    settings|config) echo 2 ;;
    report) echo 3 ;;
    pipeline) echo 4 ;;
    extract) echo 5 ;;
    source) echo 6 ;;
    matcher) echo 7 ;;
    rules) echo 8 ;;
    *) echo "" ;;
  esac
}

status=0
while IFS= read -r file; do
  rel=${file#src/}
  layer=${rel%%/*}
  layer=${layer%.rs}
  [ "$layer" = lib ] && continue
  own=$(rank "$layer")
  if [ -z "$own" ]; then
    echo "check-layers: $file is in no known layer (add it to scripts/check-layers.sh and docs/architecture.md)" >&2
    status=1
    continue
  fi
  # Code before the unit tests only.
  code=$(awk '/^#\[cfg\(test\)\]/ { exit } { print }' "$file")
  while IFS= read -r used; do
    [ -z "$used" ] && continue
    target=$(rank "$used")
    [ -z "$target" ] && continue
    if [ "$target" -lt "$own" ]; then
      echo "check-layers: $file ($layer) imports crate::$used, a layer above it" >&2
      status=1
    fi
  done < <(printf '%s\n' "$code" | grep -v '^\s*//' | grep -o 'crate::[a-z_]*' | sed 's/crate:://' | sort -u)
  if [ "$layer" = cmd ] && [ "$rel" != cmd/mod.rs ]; then
    if printf '%s\n' "$code" | grep -v '^\s*//' | grep -Eq 'crate::cmd::|super::(scan|hook|history|baseline|explain|install|patterns)\b'; then
      echo "check-layers: $file imports another subcommand (share through a lower layer)" >&2
      status=1
    fi
  fi
done < <(find src -name '*.rs' | sort)

if [ "$status" -eq 0 ]; then
  echo "check-layers: every import points down"
fi
exit "$status"
