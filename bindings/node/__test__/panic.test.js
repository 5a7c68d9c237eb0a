// The panic boundary: a Rust panic inside a `#[napi(catch_unwind)]` function
// becomes an error that lib/api.js reports as an InternalError (code
// INTERNAL), and the process (or worker) goes on. The panicking entry,
// `_panicForTesting`, exists only in the addon built with the cargo feature
// `test-panic` (target/test-panic/, `npm run build:test-panic`); the production
// addon (`npm run build`) does not carry it.
'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const util = require('node:util')
const { spawnSync } = require('node:child_process')
const { Worker } = require('node:worker_threads')
const voipsign = require('..')
const native = require('../binding.js')
const testPanic = require('./helpers/panic-addon.js')
const { DOC, DOC_SIGNATURE } = require('./helpers/vectors.js')

const { VoipSignError } = voipsign
const root = path.join(__dirname, '..')
const child = path.join(__dirname, 'helpers', 'panic-child.js')
const { PANIC_MESSAGE: MESSAGE } = require('../lib/api.js')
// A valid session_key that appears nowhere else in the suite.
const KEY = 'cGFuaWNLZXlTZWNyZXQxMg=='

/** Whether a run of 6 characters of `key` (not all lower-case letters) occurs in `text`. */
function leaks(text, key) {
  for (let i = 0; i + 6 <= key.length; i++) {
    const run = key.slice(i, i + 6)
    if (!/^[a-z]+$/.test(run) && text.includes(run)) return run
  }
  return null
}

test('the production addon has no _panicForTesting, not even in its binary', () => {
  assert.equal(native._panicForTesting, undefined)
  assert.equal(native._panicAsyncForTesting, undefined)
  assert.deepEqual(Object.keys(native).sort(), [
    // The room ledger's class, memory or Redis (wrapped by lib/ledger.js).
    'Ledger',
    'canonical',
    'diagnose',
    'explain',
    'issue',
    'sessionSignature',
    'sign',
    'signMany',
    'verify',
  ])
  const files = fs.readdirSync(root).filter((f) => /^voipsign\..+\.node$/.test(f))
  assert.ok(files.length >= 1, 'no production addon: run `npm run build`')
  for (const f of files) {
    const bytes = fs.readFileSync(path.join(root, f))
    assert.equal(bytes.indexOf('_panicForTesting'), -1, `${f} exports _panicForTesting`)
    assert.equal(bytes.indexOf('_panicAsyncForTesting'), -1, `${f} exports _panicAsyncForTesting`)
    assert.equal(bytes.indexOf('deliberate panic'), -1, `${f} has the test panic`)
  }
  // The test addon has it (so the check above looks for the right strings).
  assert.ok(fs.readFileSync(testPanic.file()).indexOf('_panicForTesting') >= 0)
})

test('a Rust panic becomes a VoipSignError INTERNAL and Node goes on (this thread)', () => {
  // (Rust's panic hook prints the panic to stderr: expected here.)
  const addon = testPanic.load()
  assert.equal(typeof addon.native._panicForTesting, 'function')
  // What the addon itself throws: napi-rs's error for a caught panic.
  assert.throws(() => addon.native._panicForTesting(), (err) => err.code === 'GenericFailure')
  assert.throws(
    () => addon._panicForTesting(),
    (err) => {
      assert.ok(err instanceof voipsign.InternalError, util.inspect(err))
      assert.ok(err instanceof VoipSignError)
      assert.ok(!(err instanceof voipsign.InputError))
      assert.ok(err instanceof Error)
      assert.equal(err.name, 'InternalError')
      assert.equal(err.code, 'INTERNAL')
      assert.equal(err.kind, 'internal')
      assert.equal(err.message, MESSAGE)
      assert.match(err.stack, /panic\.test\.js/)
      return true
    },
  )
  // Both addons go on working, errors included.
  assert.equal(addon.sign(DOC), DOC_SIGNATURE)
  assert.equal(voipsign.sign(DOC), DOC_SIGNATURE)
  assert.throws(() => addon.sign({ ...DOC, appId: '' }), (err) => {
    return err instanceof VoipSignError && err.code === 'INVALID_APP_ID'
  })
  assert.throws(() => voipsign.sign({ ...DOC, appId: '' }), (err) => err instanceof VoipSignError && err.code === 'INVALID_APP_ID')
  // With a bad key, the key's error comes first (no panic); with a good one, the panic.
  assert.throws(() => addon._panicForTesting('x'), (err) => err instanceof VoipSignError && err.code === 'INVALID_SESSION_KEY')
  assert.throws(() => addon._panicForTesting(KEY), (err) => err instanceof VoipSignError && err.code === 'INTERNAL')
})

test('200 panics in a child process: each an INTERNAL error, exit 0, the key in no output', () => {
  for (const sessionKey of [undefined, KEY]) {
    const r = spawnSync(process.execPath, [child, JSON.stringify({ count: 200, sessionKey })], {
      cwd: root,
      encoding: 'utf8',
    })
    // An abort (what an unwinding `extern "C"` function does) would be SIGABRT.
    assert.equal(r.signal, null, `child killed by ${r.signal}:\n${r.stderr}`)
    assert.equal(r.status, 0, `child exited with ${r.status}:\n${r.stderr}`)
    const { stdout, stderr } = r
    const report = JSON.parse(stdout)
    assert.equal(report.internal, 200)
    assert.equal(report.signed, 200)
    assert.deepEqual(report.messages, [MESSAGE])
    // Rust's panic hook printed each panic (its message has no key).
    const printed = stderr.split('deliberate panic for testing').length - 1
    assert.equal(printed, 200, stderr.slice(0, 500))
    if (sessionKey !== undefined) {
      const text = [stdout, stderr, ...report.texts].join('\n')
      assert.equal(leaks(text, KEY), null, 'the session_key is in the output of a panic')
    }
  }
})

test('a Rust panic in a worker thread: INTERNAL there, and the worker and the main thread go on', async () => {
  const report = await new Promise((resolve, reject) => {
    const w = new Worker(child, { workerData: { count: 2, sessionKey: KEY } })
    let message
    w.once('message', (m) => (message = m))
    w.once('error', reject)
    w.once('exit', (code) => (code === 0 ? resolve(message) : reject(new Error(`worker exited with ${code}`))))
  })
  assert.equal(report.internal, 2)
  assert.equal(report.signed, 2)
  assert.deepEqual(report.messages, [MESSAGE])
  assert.equal(leaks(report.texts.join('\n'), KEY), null)
  assert.equal(voipsign.sign(DOC), DOC_SIGNATURE)
})

test('a Rust panic on a pool thread (an AsyncTask, as the Redis ledger\'s calls run) rejects with INTERNAL; Node goes on', async () => {
  const addon = testPanic.load()
  // What the addon itself rejects with: napi-rs's error for a caught panic.
  await assert.rejects(addon.native._panicAsyncForTesting(), (err) => err.code === 'GenericFailure')
  const settled = await Promise.allSettled(Array.from({ length: 20 }, () => addon._panicAsyncForTesting()))
  for (const s of settled) {
    assert.equal(s.status, 'rejected')
    const err = /** @type {PromiseRejectedResult} */ (s).reason
    assert.ok(err instanceof VoipSignError, util.inspect(err))
    assert.equal(err.code, 'INTERNAL')
    assert.equal(err.message, MESSAGE)
  }
  // The pool threads and the process go on: a pool task (a Redis ledger's call,
  // with no server on port 1: degraded under 'allow') and the memory ledger.
  const t = 1717214400000
  for (const api of [addon, voipsign]) {
    const seat = { appId: DOC.appId, groupId: 'after-panic', memberId: 'alice', nowMs: t }
    const redis = api.Ledger.redis('redis://127.0.0.1:1', { connectTimeoutMs: 100 })
    assert.equal((await redis.admit(seat)).degraded, true)
    const ledger = api.Ledger.memory({ capacity: 1 })
    assert.equal((await ledger.admit(seat)).opened, true)
    await assert.rejects(ledger.admit({ ...seat, memberId: 'bob' }), (err) => err instanceof api.VoipSignError && err.code === 'ROOM_FULL')
  }
})
