#!/usr/bin/env bash
# Builds the web console (web/) into web/dist with Vite, only when its sources changed: the fingerprint of
# web/ (without dist), the API vocabulary it bundles (src/contract) and the lock file (Vite, React versions) is
# kept in web/dist/.stamp, like build-tools.sh does for the store. An unchanged console costs nothing at start.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
web="$root/web"
fp="$(
  {
    (cd "$web" && find . -path ./dist -prune -o -type f -print | LC_ALL=C sort | while IFS= read -r f; do echo "$f"; cat "$f"; done)
    (cd "$root" && find src/contract -type f -print | LC_ALL=C sort | while IFS= read -r f; do echo "$f"; cat "$f"; done)
    cat "$root/package-lock.json"
  } | sha256sum | cut -d' ' -f1
)"
if [[ -f "$web/dist/.stamp" && -f "$web/dist/index.html" && "$(cat "$web/dist/.stamp")" == "$fp" ]]; then
  echo "build-web: the console is up to date"
  exit 0
fi
echo "build-web: building the console"
start=$(date +%s%N)
(cd "$root" && node_modules/.bin/vite build web --logLevel warn)
echo "$fp" > "$web/dist/.stamp"
echo "build-web: built in $(( ($(date +%s%N) - start) / 1000000 )) ms"
