// Loads the native addon that `napi build --platform` wrote next to this file:
// voipsign.<platform>-<arch>[-<abi>].node. Internal: use index.js.
'use strict'

const fs = require('node:fs')
const path = require('node:path')

function candidates() {
  const { platform, arch } = process
  if (platform === 'linux') {
    const gnu = `linux-${arch}-gnu`
    const musl = `linux-${arch}-musl`
    return isMusl() ? [musl, gnu] : [gnu, musl]
  }
  if (platform === 'win32') return [`win32-${arch}-msvc`]
  return [`${platform}-${arch}`] // darwin-arm64, darwin-x64, freebsd-x64, ...
}

function isMusl() {
  try {
    return fs.readFileSync('/usr/bin/ldd', 'utf8').includes('musl')
  } catch {
    return false
  }
}

const files = candidates().map((triple) => path.join(__dirname, `voipsign.${triple}.node`))
const file = files.find((f) => fs.existsSync(f))
if (!file) {
  throw new Error(
    `voipsign: no native addon for ${process.platform}-${process.arch} ` +
      `(looked for ${files.map((f) => path.basename(f)).join(', ')}); ` +
      'build it with `npm run build` in bindings/node (needs Rust and cargo)',
  )
}
module.exports = require(file)
