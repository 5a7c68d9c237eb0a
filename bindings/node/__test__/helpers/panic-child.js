// Runs in a child process or a worker thread (see panic.test.js): panics inside
// the test-panic addon `count` times, each time checking that it came out as a
// VoipSignError INTERNAL and that both addons still work, then reports.
'use strict'

const { isMainThread, parentPort, workerData } = require('node:worker_threads')
const voipsign = require('../..')
const testPanic = require('./panic-addon.js')
const { DOC, DOC_SIGNATURE } = require('./vectors.js')

const { count, sessionKey } = isMainThread ? JSON.parse(process.argv[2]) : workerData
const addon = testPanic.load()

const report = { internal: 0, signed: 0, messages: new Set(), texts: [] }
for (let i = 0; i < count; i++) {
  try {
    if (sessionKey === undefined) addon._panicForTesting()
    else addon._panicForTesting(sessionKey)
    throw new Error('_panicForTesting returned')
  } catch (err) {
    if (!(err instanceof voipsign.VoipSignError) || err.code !== 'INTERNAL') throw err
    report.internal++
    report.messages.add(err.message)
    if (i === 0) report.texts.push(err.message, err.stack, require('node:util').inspect(err), JSON.stringify(err))
  }
  // The environment goes on: the test-panic addon and the production one sign.
  const a = addon.sign(DOC)
  const b = voipsign.sign(DOC)
  if (a !== DOC_SIGNATURE || b !== DOC_SIGNATURE) throw new Error(`wrong signature after panic ${i}`)
  report.signed++
}
const out = { ...report, messages: [...report.messages] }
if (isMainThread) process.stdout.write(JSON.stringify(out))
else parentPort.postMessage(out)
