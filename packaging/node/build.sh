#!/usr/bin/env bash
# The npm packages, in napi-rs's standard layout (mk/dist.mk: `make dist-node`):
#
#   voipsign                 index.js / index.mjs / index.d.ts / lib/ as in bindings/node,
#                            binding.js = the loader `napi build --js` generates (it
#                            requires ./voipsign.<platform>.node, else the package
#                            voipsign-<platform>), and optionalDependencies on the
#                            platform package (what `napi prepublish` adds);
#   voipsign-linux-x64-gnu   voipsign.linux-x64-gnu.node, with os/cpu/libc from
#                            `napi create-npm-dirs` (glibc ≥ 2.17: built by zig).
#
#   packaging/node/build.sh ROOT DIST WORK VENV VERSION
#
# The addon is built once, by `napi build --cross-compile` (cargo zigbuild)
# for x86_64-unknown-linux-gnu.2.17, into target/dist-node; both packages are
# packed with `npm pack` into DIST/npm/.
set -euo pipefail
root=$1 dist=$2 work=$3 venv=$4 version=$5
node_dir="$root/bindings/node"
napi="$node_dir/node_modules/.bin/napi"
out="$work/node/napi-out" pkg="$work/node/voipsign" plat="$work/node/npm"
rm -rf "$out" "$pkg" "$plat" "$dist/npm" && mkdir -p "$out" "$pkg" "$dist/npm"
[ -x "$napi" ] || { echo "dist-node: $napi missing (make -C bindings/node install)" >&2; exit 1; }

want=$(node -p "require('$node_dir/package.json').version")
[ "$want" = "$version" ] || { echo "dist-node: bindings/node/package.json has version $want, not $version" >&2; exit 1; }

# The addon and the generated loader (binding.js); the .d.ts napi writes is not
# shipped (bindings/node's binding.d.ts, checked for drift by its tests, is).
(cd "$node_dir" && PATH="$venv/bin:$PATH" "$napi" build --platform --release --cross-compile \
   --target x86_64-unknown-linux-gnu.2.17 --target-dir "$root/target/dist-node" \
   --output-dir "$out" --js binding.js --dts binding.d.ts --no-const-enum)
addon="$out/voipsign.linux-x64-gnu.node"
[ -f "$addon" ] && [ -f "$out/binding.js" ] || { echo "dist-node: napi build wrote no addon or loader: $(ls "$out")" >&2; exit 1; }

# The main package: the files bindings/node ships, with the generated loader.
(cd "$node_dir" && cp -r index.js index.mjs index.d.ts lib binding.d.ts README.md "$pkg/")
cp "$out/binding.js" "$pkg/binding.js"
cp "$root/packaging/licenses/LICENSE-MIT" "$root/packaging/licenses/LICENSE-APACHE" "$pkg/"
mkdir -p "$work/node/addons"
node - "$node_dir/package.json" "$pkg/package.json" "$version" "$work/node/addons" "$root/packaging/targets.txt" <<'JS'
const fs = require('node:fs')
const [src, dst, version, addons, targets] = process.argv.slice(2)
const p = JSON.parse(fs.readFileSync(src, 'utf8'))
delete p.private
delete p.devDependencies
delete p.scripts
p.files = ['index.js', 'index.mjs', 'index.d.ts', 'lib/', 'binding.js', 'binding.d.ts', 'LICENSE-MIT', 'LICENSE-APACHE']
// Every platform built: the host's and those of `make dist-all` (WORK/node/addons/).
const platforms = ['linux-x64-gnu', ...fs.readdirSync(addons).map(f => /^voipsign\.(.+)\.node$/.exec(f)?.[1]).filter(Boolean)]
const triples = fs.readFileSync(targets, 'utf8').split('\n').filter(l => l && !l.startsWith('#')).map(l => l.split(/\s+/))
p.napi.targets = triples.filter(r => platforms.includes(r[1])).map(r => r[0])
p.optionalDependencies = Object.fromEntries(platforms.sort().map(pl => [`voipsign-${pl}`, version]))
p.description += ` (prebuilt for ${platforms.sort().join(', ')}: the addon comes in the optional dependency voipsign-<platform> npm picks by os, cpu and libc)`
fs.writeFileSync(dst, JSON.stringify(p, null, 2) + '\n')
JS

# The platform package: package.json from `napi create-npm-dirs`, plus the addon.
(cd "$pkg" && "$napi" create-npm-dirs --npm-dir npm >/dev/null && mv npm "$plat")
cp "$addon" "$work/node/addons/voipsign.linux-x64-gnu.node"
for pdir in "$plat"/*/; do
  pdir=${pdir%/}; pl=$(basename "$pdir")
  node - "$pdir/package.json" <<'JS'
const fs = require('node:fs')
const f = process.argv[2]
const p = JSON.parse(fs.readFileSync(f, 'utf8'))
const what = { 'linux-x64-gnu': 'Linux x64 (glibc >= 2.17)', 'linux-arm64-gnu': 'Linux arm64 (glibc >= 2.17)',
  'linux-x64-musl': 'Linux x64 (musl, Alpine)', 'linux-arm64-musl': 'Linux arm64 (musl, Alpine)',
  'darwin-arm64': 'macOS arm64 (11.0 or later)', 'darwin-x64': 'macOS x64 (10.12 or later)' }[p.name.replace(/^voipsign-/, '')] || p.name
p.description = `The ${what} native addon of the voipsign package; install voipsign, not this.`
p.files.push('LICENSE-MIT', 'LICENSE-APACHE')
fs.writeFileSync(f, JSON.stringify(p, null, 2) + '\n')
JS
  cp "$work/node/addons/voipsign.$pl.node" "$pdir/"
  cp "$root/packaging/licenses/LICENSE-MIT" "$root/packaging/licenses/LICENSE-APACHE" "$pdir/"
  (cd "$pdir" && npm pack --silent --pack-destination "$dist/npm" >/dev/null)
done
(cd "$pkg" && npm pack --silent --pack-destination "$dist/npm" >/dev/null)
ls -la "$dist/npm"
