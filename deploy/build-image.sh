#!/usr/bin/env bash
# Build the learners' image for a hub from this repository's binder/ folder, exactly as mybinder.org would.
#   deploy/build-image.sh [TAG]          build (needs Docker) and tag it IMAGE:TAG (default: the current commit)
#   deploy/build-image.sh --dry-run      print the Dockerfile repo2docker would build, without Docker
# Push the result to your registry and put the same name and tag in deploy/config.yaml (singleuser.image).
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=${IMAGE:-ghcr.io/OWNER/microexp-widgets}
if [ "${1:-}" = "--dry-run" ]; then
    exec repo2docker --no-build --debug --user-name jovyan --user-id 1000 .
fi
tag=${1:-$(git rev-parse --short=12 HEAD)}
# repo2docker reads binder/ (it takes precedence over the repository root): runtime.txt, apt.txt,
# requirements.txt, postBuild. --no-run: build only; a hub starts the containers.
repo2docker --no-run --user-name jovyan --user-id 1000 --image-name "$IMAGE:$tag" .
echo "built $IMAGE:$tag"
