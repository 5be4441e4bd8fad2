#!/usr/bin/env bash
# Validates what runs the platform beyond this machine, with no Docker engine and no cluster:
#   · deploy/k8s: every overlay rendered by kustomize, checked by kubeconform -strict against the
#     Kubernetes 1.33 schemas (offline, from the kubernetes-validate wheel on PyPI);
#   · docker-compose.yml: loaded as `docker compose config` does (compose-go, the Compose
#     Specification's schema), and every build context and Dockerfile present.
# Tools are built from the Go module proxy into ~/.cache/kepu/bin the first time (about 2 min).
#   validate.sh [root]   root: the folder holding deploy/k8s and docker-compose.yml (default: this repo)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "${1:-$here/../..}" && pwd)"
cache="${KEPU_CACHE:-$HOME/.cache/kepu}"
bin="$cache/bin"
k8s_version=1.33.0
schemas="$cache/k8s-schemas"
mkdir -p "$bin"

say() { printf '\033[1m[validate]\033[0m %s\n' "$*" >&2; }

tool() { # name, go package@version
  local name=$1 package=$2 stamp="$bin/.$1.version"
  [[ -x "$bin/$name" && "$(cat "$stamp" 2>/dev/null)" == "$package" ]] && return
  say "building $name ($package) from the Go module proxy (first time only)"
  GOBIN="$bin" go install "$package"
  echo "$package" >"$stamp"
}

k8s_schemas() {
  [[ -d "$schemas/v$k8s_version-local-strict" ]] && return
  say "fetching the Kubernetes $k8s_version schemas (PyPI: kubernetes-validate)"
  local wheels
  wheels=$(mktemp -d)
  python3 -m pip download --quiet --no-deps --dest "$wheels" "kubernetes-validate==1.33.0"
  python3 "$here/k8s_schemas.py" "$wheels"/kubernetes_validate-*.whl "$k8s_version" "$schemas"
  rm -rf "$wheels"
}

compose_config() {
  local stamp="$bin/.kepu-compose-config.sum" sum
  sum=$(cat "$here/compose-config/go.sum" "$here/compose-config/main.go" | sha256sum | cut -c1-16)
  [[ -x "$bin/kepu-compose-config" && "$(cat "$stamp" 2>/dev/null)" == "$sum" ]] && return
  say "building compose-config (compose-go) from the Go module proxy (first time only)"
  (cd "$here/compose-config" && go build -o "$bin/kepu-compose-config" .)
  echo "$sum" >"$stamp"
}

tool kustomize sigs.k8s.io/kustomize/kustomize/v5@v5.5.0
tool kubeconform github.com/yannh/kubeconform/cmd/kubeconform@v0.6.7
k8s_schemas
compose_config

cd "$repo"
failed=0
for overlay in deploy/k8s/base deploy/k8s/overlays/*/; do
  overlay=${overlay%/}
  say "k8s: $overlay"
  if ! "$bin/kustomize" build "$overlay" | "$bin/kubeconform" -strict -summary -kubernetes-version "$k8s_version" \
    -schema-location "$schemas/{{ .NormalizedKubernetesVersion }}-local{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json" -; then
    failed=1
  fi
done

say "compose: docker-compose.yml"
"$bin/kepu-compose-config" docker-compose.yml >/dev/null || failed=1

if ((failed)); then
  say "FAILED: see the lines above"
  exit 1
fi
say "deploy files are valid"
