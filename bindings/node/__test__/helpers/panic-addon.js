// The test-only addon: built with the cargo feature `test-panic` by
// `npm run build:test-panic` (make test does it) into target/test-panic/, apart
// from the production addon, which never has `_panicForTesting`.
'use strict'

const fs = require('node:fs')
const path = require('node:path')
const { bind, fromNative } = require('../../lib/api.js')
const codes = require('../../lib/codes.js')

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
 * Load the test-panic addon (or `addonFile`, another build with the feature) in
 * this thread and return the package's API over it (lib/api.js, as index.js
 * does with the production addon), plus `_panicForTesting(sessionKey?)` and
 * `_panicAsyncForTesting()` (the same on a thread of libuv's pool), whose
 * errors go through the same conversion (lib/api.js), and `native`, the
 * addon's raw exports.
 * @param {string} [addonFile]
 */
function load(addonFile = file()) {
  const native = require(addonFile)
  const api = bind(native)
  /** @param {string} [sessionKey] */
  function _panicForTesting(sessionKey) {
    try {
      return native._panicForTesting(sessionKey)
    } catch (err) {
      throw fromNative(err)
    }
  }
  /** The same on a thread of libuv's pool, as the Redis ledger's calls run: a Promise, rejected. */
  async function _panicAsyncForTesting() {
    try {
      return await native._panicAsyncForTesting()
    } catch (err) {
      throw fromNative(err)
    }
  }
  return { ...api, ...codes, _panicForTesting, _panicAsyncForTesting, native }
}

module.exports = { file, load }
