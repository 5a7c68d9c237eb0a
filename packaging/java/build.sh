#!/usr/bin/env bash
# The Java artifact (mk/dist.mk: `make dist-java`, when bindings/java exists):
#
#   DIST/maven/io/voipsign/voipsign/VERSION/voipsign-VERSION.{jar,pom}
#
# a local Maven repository directory (`mvn install:install-file`) holding the jar
# with its JNI library native/linux-x86_64/libvoipsign_jni.so, built by zig against
# glibc 2.17 (packaging/with-zig.sh; target/dist-java). Maven runs on a copy of
# bindings/java's pom.xml and src/main with the pom's own cargo steps skipped and
# its native-library copy pointed at the zig build, so bindings/java/target is
# left alone; the installed pom is bindings/java/pom.xml.
#
#   packaging/java/build.sh ROOT DIST WORK VENV VERSION
set -euo pipefail
root=$1 dist=$2 work=$3 venv=$4 version=$5
jdir="$root/bindings/java"
out="$work/java" proj="$work/java/project"
rm -rf "$proj" "$out/cargo" "$dist/maven" && mkdir -p "$proj" "$out/cargo/release" "$dist/maven"
MVN=(mvn -B -q --no-transfer-progress)

want=$(sed -n '/<artifactId>voipsign<\/artifactId>/{n;s/.*<version>\(.*\)<\/version>.*/\1/p;}' "$jdir/pom.xml" | head -1)
[ "$want" = "$version" ] || { echo "dist-java: bindings/java/pom.xml has version '$want', not $version" >&2; exit 1; }

# The JNI library, once, with zig (glibc 2.17).
(cd "$root" && PATH="$venv/bin:$PATH" packaging/with-zig.sh "$venv" "$work/zig" -- \
  cargo build --release --manifest-path "$jdir/Cargo.toml" --target x86_64-unknown-linux-gnu \
    --target-dir "$root/target/dist-java")
lib="$root/target/dist-java/x86_64-unknown-linux-gnu/release/libvoipsign_jni.so"
cp "$lib" "$out/cargo/release/"

# The jar, from a copy of the project (no tests: `make -C bindings/java test` runs them).
cp "$jdir/pom.xml" "$proj/" && mkdir -p "$proj/src" && cp -r "$jdir/src/main" "$proj/src/"
"${MVN[@]}" -f "$proj/pom.xml" package -Dmaven.test.skip=true -Dvoipsign.skipCargo=true \
  -Dvoipsign.skipPanicBuild=true -Dcargo.target="$out/cargo"
jar="$proj/target/voipsign-$version.jar"
unzip -p "$jar" native/linux-x86_64/libvoipsign_jni.so | cmp -s - "$lib" \
  || { echo "dist-java: the jar does not carry the zig-built libvoipsign_jni.so" >&2; exit 1; }

# The other targets of `make dist-all` (packaging/build-target.sh: WORK/java/native/DIR/),
# each in the folder NativeLoader.platform() names.
if [ -d "$work/java/native" ] && [ -n "$(ls -A "$work/java/native")" ]; then
  (cd "$work/java" && jar --update --file "$jar" native)
  unzip -l "$jar" 'native/*'
fi

# Into the local repository directory.
"${MVN[@]}" -f "$proj/pom.xml" install:install-file -Dfile="$jar" -DpomFile="$jdir/pom.xml" \
  -DlocalRepositoryPath="$dist/maven"
find "$dist/maven" -type f | sort | xargs ls -la
