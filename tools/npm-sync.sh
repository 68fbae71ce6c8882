#!/usr/bin/env bash
# Installs a package's pinned npm dependencies from its committed lock file when node_modules is
# missing or older than the lock. Run by the Maven build (exec-maven-plugin) for each npm package.
# `npm ci` is not usable: the Foundry packages' optional platform builds are not all in the lock.
set -euo pipefail
dir=${1:?usage: npm-sync.sh <package-dir>}
cd "$dir"
stamp=node_modules/.package-lock.json
if [ -f "$stamp" ] && [ ! package-lock.json -nt "$stamp" ] && [ ! package.json -nt "$stamp" ]; then
  exit 0
fi
command -v npm >/dev/null || { echo "npm-sync: npm not found; Hyphae needs Node.js 20+ and npm" >&2; exit 1; }
echo "npm-sync: installing the pinned packages of $dir"
npm install --no-fund --no-audit --no-update-notifier --loglevel=error
touch "$stamp"
