#!/usr/bin/env bash
# `npm start`'s build step (package.json "prestart"): the web console and dist/ always, and the embedded store
# (FerretDB) and grpcurl with Go only when the service will start the store, that is when MONGODB_URI is set
# neither in the environment nor in .env (the service reads both; the environment wins). On a host with MongoDB,
# `npm start` needs no Go. Production runs none of this: `npm run start:prod` starts the built dist/ as is.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

mongodb_uri="${MONGODB_URI-}"
if [[ -z "${MONGODB_URI+set}" && -f .env ]]; then
  # The last MONGODB_URI= line of .env, quotes removed, as node's parseEnv reads it.
  mongodb_uri="$(sed -n 's/^[[:space:]]*\(export[[:space:]]\{1,\}\)\{0,1\}MONGODB_URI[[:space:]]*=[[:space:]]*//p' .env | tail -n 1 | sed "s/^[\"']//; s/[\"'][[:space:]]*$//; s/[[:space:]]*$//")"
fi

if [[ -n "$mongodb_uri" ]]; then
  echo "prestart: MONGODB_URI is set: no embedded store to build (Go not needed)"
else
  bash scripts/build-tools.sh ferretdb grpcurl
fi
bash scripts/build-web.sh
exec npx --no-install nest build
