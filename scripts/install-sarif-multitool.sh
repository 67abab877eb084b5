#!/usr/bin/env bash
# Install the Microsoft SARIF Multitool into .tools/ (gitignored) for the SARIF tests.
#
# The npm package @microsoft/sarif-multitool is a thin Node shim over a per-platform
# package holding a self-contained .NET executable. The tests call that executable
# directly (.tools/node_modules/@microsoft/sarif-multitool-<platform>/Sarif.Multitool),
# not the shim, which re-joins arguments through a shell and splits "Gh;Sarif".
#
# Idempotent: does nothing when the pinned version is already installed.
# Usage: scripts/install-sarif-multitool.sh   (SARIF_MULTITOOL_VERSION overrides the pin)
set -euo pipefail

VERSION="${SARIF_MULTITOOL_VERSION:-5.7.0}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) PLATFORM=linux ;;
  Darwin-*) PLATFORM=darwin ;;
  *)
    echo "install-sarif-multitool: no SARIF Multitool build for $(uname -s)-$(uname -m)" >&2
    exit 2
    ;;
esac

PACKAGE_DIR="$TOOLS/node_modules/@microsoft/sarif-multitool-$PLATFORM"
BINARY="$PACKAGE_DIR/Sarif.Multitool"

installed_version() {
  node -p "require('$PACKAGE_DIR/package.json').version" 2>/dev/null || true
}

if [[ -x "$BINARY" && "$(installed_version)" == "$VERSION" ]]; then
  echo "$BINARY"
  exit 0
fi

command -v npm >/dev/null || { echo "install-sarif-multitool: npm is required" >&2; exit 2; }
mkdir -p "$TOOLS"
printf '*\n' >"$TOOLS/.gitignore"
# Both packages pinned exactly (the shim only asks for ^VERSION of the platform package).
# --ignore-scripts: the only install script is a chmod, done below.
npm install --prefix "$TOOLS" --no-audit --no-fund --ignore-scripts --save-exact \
  --loglevel=error \
  "@microsoft/sarif-multitool@$VERSION" "@microsoft/sarif-multitool-$PLATFORM@$VERSION" >/dev/null
chmod u+x "$BINARY"

if [[ "$(installed_version)" != "$VERSION" ]]; then
  echo "install-sarif-multitool: expected $VERSION, found '$(installed_version)'" >&2
  exit 1
fi
if ! output="$(DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 "$BINARY" --version 2>&1)"; then
  echo "install-sarif-multitool: $BINARY does not run:" >&2
  echo "$output" >&2
  exit 1
fi
echo "$BINARY"
