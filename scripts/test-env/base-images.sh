# Base images for the tests (sourced by scripts/test-env.sh), made locally with `docker import` (there is no
# Docker Hub): a busybox-static root, and a debootstrap'd Debian bookworm. The modern engine gets the same
# images through `docker save | docker load`.

readonly BASE_BUSYBOX='image-hygiene-base/busybox:1'
readonly BASE_DEBIAN='image-hygiene-base/debian:bookworm'
readonly BASE_IMAGES=("$BASE_BUSYBOX" "$BASE_DEBIAN")
readonly DEBIAN_TAR="${IH_CACHE_DIR}/debian-bookworm.tar"
CLEANUP_PATHS=()

image_present() { docker_on "$1" image inspect "$2" >/dev/null 2>&1; }

busybox_rootfs() {
  local dir=$1 applet
  mkdir -p "$dir"/{bin,etc,root,tmp}
  chmod 0700 "$dir/root"
  chmod 1777 "$dir/tmp"
  install -m 0755 "$(readlink -f /bin/busybox)" "$dir/bin/busybox"
  # Relative symlinks: `busybox --install -s` would point them at the host's path of the binary
  # (/usr/bin/busybox on merged-/usr Debian), which does not exist in this rootfs.
  while read -r applet; do
    [[ -n $applet && $applet != busybox && ! -e "$dir/bin/$applet" ]] || continue
    ln -s busybox "$dir/bin/$applet"
  done < <(/bin/busybox --list)
  [[ -L "$dir/bin/sh" ]] || die "busybox has no 'sh' applet"
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$dir/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$dir/etc/group"
}

ensure_busybox_image() {
  if image_present "$PRIMARY_HOST" "$BASE_BUSYBOX"; then
    log "image: ${BASE_BUSYBOX} present"
    return
  fi
  log "image: building ${BASE_BUSYBOX} from busybox-static"
  local dir
  dir=$(mktemp -d /var/tmp/image-hygiene-busybox.XXXXXX)
  CLEANUP_PATHS+=("$dir")
  busybox_rootfs "$dir"
  tar --numeric-owner --owner=0 --group=0 -C "$dir" -cf - . \
    | docker_on "$PRIMARY_HOST" import --change 'CMD ["/bin/sh"]' - "$BASE_BUSYBOX" >/dev/null \
    || die "docker import of ${BASE_BUSYBOX} failed"
  safe_remove "$dir"
}

build_debian_tar() {
  local mirror dir include=()
  mirror=$(apt_mirror)
  # minbase has no CA bundle; an https mirror would be unreachable for apt inside the image.
  [[ $mirror == https://* ]] && include=(--include=ca-certificates)
  dir=$(mktemp -d /var/tmp/image-hygiene-debootstrap.XXXXXX)
  CLEANUP_PATHS+=("$dir")
  log "image: debootstrap --variant=minbase bookworm from ${mirror} (takes a minute or two)"
  run_logged debootstrap debootstrap --variant=minbase "${include[@]}" bookworm "$dir" "$mirror"
  unmount_below "$dir" # debootstrap unmounts proc/sys itself; be sure before deleting below.
  # apt inside the image must use the same mirror the host uses.
  if ! grep -qsF "$mirror" "$dir/etc/apt/sources.list"; then
    warn "debootstrap sources.list does not name ${mirror}; rewriting it"
    echo "deb ${mirror} bookworm main" >"$dir/etc/apt/sources.list"
  fi
  # Start the tests from a clean apt state and a small image.
  rm -rf "${dir:?}"/var/lib/apt/lists/* "${dir:?}"/var/cache/apt/*.bin "${dir:?}"/var/cache/apt/archives/*.deb
  mkdir -p "$dir/var/lib/apt/lists/partial"
  rm -rf "${dir:?}"/dev/* "${dir:?}"/proc/* "${dir:?}"/sys/* "${dir:?}"/tmp/* "${dir:?}/debootstrap"
  : >"$dir/etc/hostname"
  rm -f "$dir/etc/resolv.conf" "$dir/etc/hosts"
  printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' >"$dir/etc/hosts"
  mkdir -p "$IH_CACHE_DIR"
  tar --numeric-owner --xattrs -C "$dir" -cf "${DEBIAN_TAR}.tmp" .
  mv -f "${DEBIAN_TAR}.tmp" "$DEBIAN_TAR"
  safe_remove "$dir"
}

ensure_debian_image() {
  if image_present "$PRIMARY_HOST" "$BASE_DEBIAN"; then
    log "image: ${BASE_DEBIAN} present"
    return
  fi
  local fresh=0
  if [[ -s $DEBIAN_TAR ]]; then
    log "image: importing ${BASE_DEBIAN} from cached ${DEBIAN_TAR}"
  else
    build_debian_tar
    fresh=1
  fi
  docker_on "$PRIMARY_HOST" import --change 'CMD ["/bin/sh"]' "$DEBIAN_TAR" "$BASE_DEBIAN" >/dev/null \
    || die "docker import of ${BASE_DEBIAN} from ${DEBIAN_TAR} failed"
  if [[ $fresh == 1 ]]; then
    # One-time check that apt inside the image reaches the mirror (containers need the host network:
    # dockerd runs with --bridge=none).
    log "image: checking apt-get update inside ${BASE_DEBIAN}"
    if ! run_quiet_check docker_on "$PRIMARY_HOST" run --rm --network host "$BASE_DEBIAN" apt-get -q update; then
      docker_on "$PRIMARY_HOST" image rm "$BASE_DEBIAN" >/dev/null 2>&1 || true
      die "apt-get update inside ${BASE_DEBIAN} failed (see ${ENV_LOG})"
    fi
  fi
}

# The same base images in the modern engine, copied from the primary one.
ensure_modern_base_images() {
  local image
  for image in "${BASE_IMAGES[@]}"; do
    image_present "$MODERN_HOST" "$image" && continue
    log "image: loading ${image} into the modern engine"
    docker_on "$PRIMARY_HOST" save "$image" | modern_docker load >/dev/null || die "cannot load ${image} into the modern engine"
  done
}

# smoke_test HOST CLI...: one container from the busybox base proves the storage driver and the runtime.
smoke_test() {
  local what=$1 out; shift
  if ! out=$("$@" run --rm --network host "$BASE_BUSYBOX" sh -c 'echo ok' 2>&1) || [[ $out != ok ]]; then
    die "cannot run a container from ${BASE_BUSYBOX} on the ${what} engine: ${out}"
  fi
}

remove_base_images() {
  local image
  for image in "${BASE_IMAGES[@]}"; do
    image_present "$PRIMARY_HOST" "$image" && docker_on "$PRIMARY_HOST" image rm "$image" >/dev/null 2>&1
    modern_up && image_present "$MODERN_HOST" "$image" && modern_docker image rm "$image" >/dev/null 2>&1
  done
  return 0
}
