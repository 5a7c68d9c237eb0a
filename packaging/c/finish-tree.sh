#!/usr/bin/env bash
# The steps every C tarball's tree gets after `cargo cinstall` (packaging/c/build.sh
# for the host, packaging/build-target.sh for the other targets), run from ROOT:
# voipsign.pc made relocatable (prefix=${pcfiledir}/../..), the installed header
# checked against include/voipsign.h, the C example, the licences, the README.
#
#   packaging/c/finish-tree.sh TOP VERSION
set -euo pipefail
top=$1 version=$2
pc="$top/lib/pkgconfig/voipsign.pc"
sed -i -e 's|^prefix=.*|prefix=${pcfiledir}/../..|' -e 's|^libdir=.*|libdir=${prefix}/lib|' \
  -e 's|^includedir=.*|includedir=${prefix}/include|' "$pc"
cmp -s "$top/include/voipsign.h" include/voipsign.h || { echo "dist: the installed header is not include/voipsign.h" >&2; exit 1; }
install -d "$top/share/doc/voipsign/examples"
install -m 644 examples/c/sign_example.c "$top/share/doc/voipsign/examples/"
install -m 644 packaging/licenses/LICENSE-MIT packaging/licenses/LICENSE-APACHE "$top/"
sed "s/@VERSION@/$version/g" packaging/c/README.tarball.md > "$top/README.md"
