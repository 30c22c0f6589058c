#!/usr/bin/env bash
# Builds (once) a User-Mode Linux kernel with AF_MCTP and prints the path of its `linux` binary.
#
# The kernel comes from Debian's linux-source-6.12 package, configured as `make ARCH=um
# defconfig` plus tests/uml/kernel.config. The binary is cached under
# $NVME_MI_CACHE/uml/<key>/linux, where <key> hashes the fragment, the package version and
# this recipe, so it is rebuilt only when one of them changes. Progress goes to stderr and
# the build log to <key>/build.log; stdout carries only the path.
#
# Environment: UML_JOBS (default: number of CPUs), UML_NICE (default 10).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

# Bump when the build steps below change in a way that changes the kernel.
RECIPE=2
FRAGMENT="$REPO_ROOT/tests/uml/kernel.config"
# Patches applied to the source (-p1) in name order; part of the cache key.
PATCHES=("$REPO_ROOT"/tests/uml/*.patch)
SRC_PKG=linux-source-6.12
SRC_TAR=/usr/src/linux-source-6.12.tar.xz
# Options that must end up built in, or the build is refused.
REQUIRED=(MCTP MCTP_FLOWS TUN HOSTFS UNIX NET INET PROC_FS SYSFS DEVTMPFS TMPFS MAGIC_SYSRQ
    I2C I2C_CHARDEV I2C_STUB)

pkg_version=$(dpkg-query -W -f='${Version}' "$SRC_PKG" 2>/dev/null || true)
if [[ -z "$pkg_version" || ! -f "$SRC_TAR" ]]; then
    log "$SRC_PKG is not installed; run scripts/setup.sh"
    exit 1
fi

key=$( { echo "recipe=$RECIPE"; echo "$SRC_PKG=$pkg_version"; cat "$FRAGMENT" "${PATCHES[@]}"; } \
    | sha256sum | cut -c1-16)
dir="$NVME_MI_CACHE/uml/$key"
out="$dir/linux"

if [[ -x "$out" ]]; then
    log "cached kernel $key"
    echo "$out"
    exit 0
fi

mkdir -p "$dir"
exec 9>"$dir.lock"
if ! flock -n 9; then
    log "another build of $key is running; waiting for it"
    flock 9
fi
if [[ -x "$out" ]]; then
    echo "$out"
    exit 0
fi

build="$dir/build"
logf="$dir/build.log"
# Leftovers of an interrupted build, or of a detached delete that did not finish.
rm -rf "$build" "$NVME_MI_CACHE"/uml/trash.*
mkdir -p "$build"
start=$SECONDS
log "building UML kernel $key ($SRC_PKG $pkg_version); log: $logf"

fail() {
    log "FAILED: $*; last lines of $logf:"
    tail -n 40 "$logf" >&2
    exit 1
}

log "unpacking $SRC_TAR"
tar -xf "$SRC_TAR" -C "$build" --strip-components=1 || fail "unpack"
jobs="${UML_JOBS:-$(nproc)}"
mk() { nice -n "${UML_NICE:-10}" make -C "$build" ARCH=um "$@" >>"$logf" 2>&1; }
: >"$logf"
for p in "${PATCHES[@]}"; do
    log "applying $(basename "$p")"
    patch -d "$build" -p1 --batch <"$p" >>"$logf" 2>&1 || fail "patch $(basename "$p")"
done
log "configuring (defconfig + tests/uml/kernel.config)"
mk defconfig || fail "defconfig"
(cd "$build" && ARCH=um ./scripts/kconfig/merge_config.sh -m .config "$FRAGMENT") \
    >>"$logf" 2>&1 || fail "merge_config"
mk olddefconfig || fail "olddefconfig"
for opt in "${REQUIRED[@]}"; do
    grep -qx "CONFIG_$opt=y" "$build/.config" || fail "CONFIG_$opt is not =y after olddefconfig"
done
log "compiling with -j$jobs (several minutes)"
mk -j"$jobs" linux || fail "make linux"
strip "$build/linux" -o "$dir/linux.tmp"
cp "$build/.config" "$dir/config"
mv "$dir/linux.tmp" "$out"
# Deleting the ~70k files of the build tree can take minutes when the disk is busy: do it
# detached, at idle I/O priority, instead of making the caller wait.
trash="$NVME_MI_CACHE/uml/trash.$key.$$"
mv "$build" "$trash"
setsid nohup ionice -c 3 nice -n 19 rm -rf "$trash" >/dev/null 2>&1 </dev/null &
log "built in $((SECONDS - start)) s: $out"
echo "$out"
