// The test-only addon: built with the cargo feature `test-panic` by
// `npm run build:test-panic` (make test does it) into target/test-panic/, apart
// from the production addon, which never has `_panicForTesting`.
'use strict'

const fs = require('node:fs')
const path = require('node:path')

const dir = path.join(__dirname, '..', '..', 'target', 'test-panic')

/** The path of target/test-panic/voipsign.<platform>.node; throws if it was not built. */
function file() {
  const names = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /^voipsign\..+\.node$/.test(f)) : []
  if (names.length !== 1) {
    throw new Error(
      `the test-panic addon is missing from ${dir} (found ${JSON.stringify(names)}): ` +
        'run `npm run build:test-panic` (or `make test`) in bindings/node',
    )
  }
  return path.join(dir, names[0])
}

/**
 * Load the test-panic addon in this thread, with errors made by `VoipSignError`
 * (index.js's class, as the production addon has), and return its raw exports.
 */
function load(VoipSignError) {
  const addon = require(file())
  addon._setErrorClass(VoipSignError)
  return addon
}

module.exports = { file, load }
