#!/usr/bin/env bash
# Builds the Go tools Tracker runs beside itself into .bin/ (ignored by git), each from a pinned module under
# tools/: ferretdb (the embedded store), grpcurl (the seed's gRPC examples, used by an e2e test), argocd-render
# (renders deploy/argocd/notifications.yaml as Argo CD does, for the Argo CD intake's e2e test; standard library only)
# and helm (the chart's lint and rendering in test/ops/helm.e2e-spec.ts). `build-tools.sh NAME...` builds only those
# (npm start needs no helm); no name builds all four.
# A tool is rebuilt only when its binary is missing or its fingerprint changed: go.mod, go.sum and the module's own
# .go files (tools/ferretdb/main.go is our launcher), so a changed launcher replaces an old binary.
# The service computes the same fingerprint (src/platform/database/ferretdb/ferretdb-binary.ts); `--fingerprint DIR`
# prints it for a module directory, for the unit test that keeps the two in step.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/.bin"

# sha256 of go.mod, go.sum, then every .go file under the module in byte order of their relative paths.
fingerprint() {
  local dir="$1" f
  {
    cat "$dir/go.mod" "$dir/go.sum"
    while IFS= read -r f; do cat "$dir/$f"; done < <(cd "$dir" && find . -type f -name '*.go' | sed 's#^\./##' | LC_ALL=C sort)
  } | sha256sum | cut -d' ' -f1
}

if [[ "${1:-}" == "--fingerprint" ]]; then
  fingerprint "${2:?usage: build-tools.sh --fingerprint MODULE_DIR}"
  exit 0
fi

mkdir -p "$bin"
export GOTOOLCHAIN=local CGO_ENABLED=0

if ! command -v go >/dev/null 2>&1; then
  echo "build-tools: Go is not installed; set MONGODB_URI to a MongoDB server, or install Go >= 1.24" >&2
  exit 1
fi

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

declare -A targets=(
  [ferretdb]=.
  [grpcurl]=github.com/fullstorydev/grpcurl/cmd/grpcurl
  [argocd-render]=.
  [helm]=helm.sh/helm/v4/cmd/helm
)
names=("$@")
[[ ${#names[@]} -gt 0 ]] || names=(ferretdb grpcurl argocd-render helm)
for name in "${names[@]}"; do
  [[ -n "${targets[$name]:-}" ]] || { echo "build-tools: unknown tool $name (one of: ${!targets[*]})" >&2; exit 2; }
  build "$name" "${targets[$name]}"
done
