#!/usr/bin/env bash
# Builds the Go tools Tracker runs beside itself into .bin/ (ignored by git), each from a pinned module under
# tools/: ferretdb (the embedded store) and grpcurl (the seed's gRPC examples, used by an e2e test).
# A tool is rebuilt only when its binary is missing or its go.mod/go.sum changed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/.bin"
mkdir -p "$bin"
export GOTOOLCHAIN=local CGO_ENABLED=0

if ! command -v go >/dev/null 2>&1; then
  echo "build-tools: Go is not installed; set MONGODB_URI to a MongoDB server, or install Go >= 1.24" >&2
  exit 1
fi

fingerprint() { cat "$1/go.mod" "$1/go.sum" | sha256sum | cut -d' ' -f1; }

build() { # name, module dir, go build target
  local name="$1" dir="$root/tools/$1" target="$2"
  local fp; fp="$(fingerprint "$dir")"
  if [[ -x "$bin/$name" && -f "$bin/$name.stamp" && "$(cat "$bin/$name.stamp")" == "$fp" ]]; then
    echo "build-tools: $name is up to date"
    return
  fi
  echo "build-tools: building $name (first build takes a few minutes)"
  (cd "$dir" && go build -ldflags=-checklinkname=0 -o "$bin/$name" "$target")
  echo "$fp" > "$bin/$name.stamp"
}

build ferretdb .
build grpcurl github.com/fullstorydev/grpcurl/cmd/grpcurl
