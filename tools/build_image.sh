#!/usr/bin/env bash
# Build the connector image without a Docker daemon, with Debian's buildah/podman.
#
# Usage: tools/build_image.sh [TAG]        (TAG defaults to localhost/source-amazon-seller-partner-plus:dev)
# Environment:
#   BASE_IMAGE     base to build on; default localhost/pybase:bookworm, which this script makes
#                  with debootstrap when podman does not have it (no container registry needed)
#   DEBIAN_MIRROR  mirror for debootstrap; default: the Debian mirror apt already uses
#
# Safe to re-run: the tools, the local base and buildah's layer cache are reused. Any step that
# cannot be done stops the script with a non-zero status and a message; nothing is skipped.
set -euo pipefail

readonly DEFAULT_TAG=localhost/source-amazon-seller-partner-plus:dev
readonly LOCAL_BASE=localhost/pybase:bookworm
readonly BASE_SUITE=bookworm # Python 3.11, as the connector and Airbyte's 4.0.x base use
readonly CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt
readonly TOOLS=(buildah podman runc debootstrap)

TAG=${1:-$DEFAULT_TAG}
BASE_IMAGE=${BASE_IMAGE:-$LOCAL_BASE}
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK_DIR=""

log() { echo "build_image: $*" >&2; }
die() {
  echo "build_image: ERROR: $*" >&2
  exit 1
}
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

cleanup() {
  [[ -n $WORK_DIR && -d $WORK_DIR ]] || return 0
  # debootstrap mounts /proc and /sys inside its target and may leave them behind on failure;
  # unmount first so the removal below can never reach into the host's filesystems.
  local mount_point
  awk -v root="$WORK_DIR/" 'index($2, root) == 1 { print $2 }' /proc/mounts | sort -r |
    while read -r mount_point; do umount -l "$mount_point" || true; done
  rm -rf --one-file-system "$WORK_DIR"
}
trap cleanup EXIT

require_root() {
  [[ $(id -u) == 0 ]] || die "$1 needs root (run as root, as CI does)"
}

ensure_tools() {
  local missing=() tool
  for tool in "${TOOLS[@]}"; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
  done
  ((${#missing[@]} == 0)) && return 0
  require_root "installing ${missing[*]}"
  command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]} and no apt-get to install them"
  log "installing ${missing[*]} with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q || die "apt-get update failed"
  apt-get install -y -q "${TOOLS[@]}" || die "apt-get install ${TOOLS[*]} failed"
  for tool in "${TOOLS[@]}"; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is still missing after apt-get install"
  done
}

# Print the URI of a Debian mirror serving $BASE_SUITE from apt's own sources
# (deb822 *.sources files, then one-line *.list files); print nothing if there is none.
apt_debian_mirror() {
  local sources=() file
  for file in /etc/apt/sources.list.d/*.sources; do [[ -f $file ]] && sources+=("$file"); done
  if ((${#sources[@]})); then
    awk -v suite="$BASE_SUITE" '
      function check() {
        if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " suite " ") && uris != "" && !found) {
          split(uris, u, " "); print u[1]; found = 1
        }
        types = suites = uris = ""
      }
      /^[[:space:]]*$/ { check(); next }
      /^#/ { next }
      tolower($1) == "types:"  { $1 = ""; types = $0 }
      tolower($1) == "suites:" { $1 = ""; suites = $0 }
      tolower($1) == "uris:"   { $1 = ""; uris = $0; sub(/^ +/, "", uris) }
      END { check() }' "${sources[@]}"
  fi
  for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f $file ]] || continue
    # deb [options] URI SUITE COMPONENTS...
    sed -E 's/\[[^]]*\]//' "$file" | awk -v suite="$BASE_SUITE" '$1 == "deb" && $3 == suite { print $2 }'
  done
}

make_local_base() {
  if podman image exists "$LOCAL_BASE"; then
    log "reusing local base $LOCAL_BASE"
    return 0
  fi
  require_root "making the local base image with debootstrap"
  local mirror=${DEBIAN_MIRROR:-}
  if [[ -z $mirror ]]; then
    mirror=$(apt_debian_mirror)
    mirror=${mirror%%$'\n'*} # the first one apt lists
  fi
  [[ -n $mirror ]] || die "no Debian mirror for '$BASE_SUITE' in apt's sources; set DEBIAN_MIRROR"
  local keyring_args=()
  [[ -f /usr/share/keyrings/debian-archive-keyring.gpg ]] &&
    keyring_args=(--keyring=/usr/share/keyrings/debian-archive-keyring.gpg)

  WORK_DIR=$(mktemp -d /var/tmp/pybase.XXXXXX)
  local rootfs=$WORK_DIR/rootfs started
  log "debootstrap $BASE_SUITE from $mirror (about a minute)"
  started=$(now)
  if ! debootstrap --variant=minbase --include=python3,python3-venv,python3-pip,ca-certificates \
    "${keyring_args[@]}" "$BASE_SUITE" "$rootfs" "$mirror" >"$WORK_DIR/debootstrap.log" 2>&1; then
    tail -n 25 "$WORK_DIR/debootstrap.log" >&2
    die "debootstrap failed (last lines above)"
  fi
  log "timing: debootstrap ${BASE_SUITE} $(elapsed "$started")s"

  # Like Airbyte's base, let pip install into the system Python (PEP 668 marker removed);
  # apt's downloads and lists are not needed at run time.
  rm -f "$rootfs"/usr/lib/python3*/EXTERNALLY-MANAGED
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  started=$(now)
  tar --numeric-owner -C "$rootfs" -c . |
    podman import \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'ENV LANG=C.UTF-8' \
      - "$LOCAL_BASE" >/dev/null ||
    die "podman import of the debootstrap tree failed"
  log "timing: import $(elapsed "$started")s"
  cleanup
  WORK_DIR=""
}

# pip settings for the build, taken from this machine's pip configuration and PIP_* variables:
# only what reaches a network index (local file:// indexes do not exist in the build). The file
# is passed as a build secret, so it is neither in the image nor in its history.
write_build_pip_conf() {
  local target=$1 ca_mounted=$2
  python3 - "$target" "$ca_mounted" <<'PY'
import os
import subprocess
import sys

target, ca_mounted = sys.argv[1], sys.argv[2] == "1"
settings = {}
try:
    listed = subprocess.run(
        [sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True, check=True
    ).stdout
except (OSError, subprocess.CalledProcessError):
    listed = ""  # no pip on the host: PIP_* variables below still apply
for line in listed.splitlines():
    key, _, value = line.partition("=")
    scope, _, name = key.partition(".")
    if scope == "global" and value:
        settings[name] = value.strip("'\"")
for name, value in os.environ.items():
    if name.startswith("PIP_") and value:
        settings[name[4:].lower().replace("_", "-")] = value

def network_urls(value):
    return " ".join(u for u in value.split() if u.startswith(("http://", "https://")))

lines = ["[global]", "disable-pip-version-check = true"]
for name in ("index-url", "extra-index-url"):
    urls = network_urls(settings.get(name, ""))
    if urls:
        lines.append(f"{name} = {urls}")
if settings.get("trusted-host"):
    lines.append(f"trusted-host = {settings['trusted-host']}")
timeout = settings.get("default-timeout") or settings.get("timeout")
if timeout:
    lines.append(f"timeout = {timeout}")
if ca_mounted:
    # The route to the index may re-sign TLS; pip in Airbyte's base trusts certifi, not the system.
    lines.append("cert = /etc/ssl/certs/ca-certificates.crt")
with open(target, "w") as out:
    out.write("\n".join(lines) + "\n")
PY
}

build_image() {
  local build_dir pip_conf ca_mounted=0
  build_dir=$(mktemp -d /var/tmp/build_image.XXXXXX)
  # Holds the pip settings (possibly an index URL with credentials): private, removed on exit.
  WORK_DIR=$build_dir
  pip_conf=$build_dir/pip.conf
  local args=(bud --isolation chroot --layers
    --build-arg "BASE_IMAGE=$BASE_IMAGE" -f "$REPO_ROOT/Dockerfile" -t "$TAG")
  if [[ -f $CA_BUNDLE ]]; then
    args+=(-v "$CA_BUNDLE:$CA_BUNDLE:ro")
    ca_mounted=1
  fi
  (umask 077 && write_build_pip_conf "$pip_conf" "$ca_mounted") || die "could not read the host's pip settings"
  args+=(--secret "id=pip.conf,src=$pip_conf")
  log "building $TAG on $BASE_IMAGE"
  buildah "${args[@]}" "$REPO_ROOT" || die "buildah bud failed for $TAG"
}

main() {
  local started
  exec 9>/var/tmp/source-amazon-seller-partner-build.lock
  flock 9 # one build at a time on this machine: the base and the tag are shared

  started=$(now)
  ensure_tools
  log "timing: tools $(elapsed "$started")s"

  if [[ $BASE_IMAGE == "$LOCAL_BASE" ]]; then
    started=$(now)
    make_local_base
    log "timing: local base $(elapsed "$started")s"
  fi

  started=$(now)
  build_image
  log "timing: build $(elapsed "$started")s"
  log "built $TAG ($(podman image inspect --format '{{.Size}}' "$TAG" |
    awk '{ printf "%.0f MB", $1 / 1e6 }'))"
}

main
