#!/usr/bin/env bash
# An arm64 Debian userland for the install tests under qemu-user (issue 21):
# Debian's own arm64 packages of the given programs and everything they depend
# on, unpacked into one folder, the sysroot `qemu-aarch64-static -L` runs them in.
#
#   packaging/qemu/userland.sh DIR PACKAGE...     (as root: dpkg, apt-get)
#
# e.g. `userland.sh build/qemu/arm64 libc6 python3 nodejs php8.2-cli` (real
# packages of an architecture: `php-cli` is Architecture: all, name php8.2-cli). Adds the arm64
# architecture to dpkg (dpkg --add-architecture arm64; nothing arm64 is installed
# on the machine), resolves the dependency closure with apt-cache (Depends and
# Pre-Depends only), downloads the .debs into DIR.debs (kept: a second run with the
# same packages downloads nothing) and unpacks each with `dpkg -x`. Maintainer
# scripts are not run: what they would do that the tests need (the
# /usr/bin/python3 and /usr/bin/php alternatives links) is done here.
# Also installs qemu-user-static (amd64) when missing.
set -euo pipefail
dir=$1; shift
[ $# -gt 0 ] || { echo "usage: $0 DIR PACKAGE..." >&2; exit 2; }
need_update=0
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  dpkg --add-architecture arm64; need_update=1
fi
command -v qemu-aarch64-static >/dev/null || need_update=1
stamp="$dir.debs/.apt-updated"
if [ $need_update = 1 ] || [ ! -f "$stamp" ]; then
  apt-get -o DPkg::Lock::Timeout=300 update -qq
  mkdir -p "$dir.debs" && touch "$stamp"
fi
command -v qemu-aarch64-static >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq qemu-user-static

want=$(printf '%s:arm64 ' "$@")
# The closure: every package name apt-cache prints at the start of a line.
# Virtual packages (<...>) are skipped: a real provider is among the others.
closure=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
  --no-breaks --no-replaces --no-enhances $want 2>/dev/null \
  | grep -v '^ ' | grep -v '^<' | sort -u)
debs=()
for p in $closure; do
  case $p in *:amd64|*:i386) continue ;; esac
  name=${p%:arm64}
  # Architecture-independent packages have no :arm64 form.
  arch=$(apt-cache show "$p" 2>/dev/null | sed -n 's/^Architecture: //p' | head -1)
  [ -n "$arch" ] || continue
  [ "$arch" = all ] && debs+=("$name") || debs+=("$name:arm64")
done
mkdir -p "$dir.debs"
(cd "$dir.debs" && for d in "${debs[@]}"; do
   n=${d%:arm64}
   ls "${n}"_*.deb >/dev/null 2>&1 || echo "$d"
 done | xargs -r apt-get download -qq 2>&1 | grep -v '^W:' || true)
rm -rf "$dir" && mkdir -p "$dir"
for f in "$dir.debs"/*.deb; do dpkg -x "$f" "$dir"; done
# What the maintainer scripts would link.
[ -e "$dir/usr/bin/python3" ] || { p=$(ls "$dir"/usr/bin/python3.[0-9]* 2>/dev/null | head -1 || true); [ -z "$p" ] || ln -s "$(basename "$p")" "$dir/usr/bin/python3"; }
[ -e "$dir/usr/bin/php" ] || { p=$(ls "$dir"/usr/bin/php[0-9]* 2>/dev/null | head -1 || true); [ -z "$p" ] || ln -s "$(basename "$p")" "$dir/usr/bin/php"; }
echo "userland: $dir (${#debs[@]} packages, $(du -sh "$dir" | cut -f1))"
