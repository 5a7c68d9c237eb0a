// worker_threads: 4 workers x 10^4 calls give what one thread gives.
'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const { Worker } = require('node:worker_threads')
const { sign, VoipSignError } = require('..')
const { run, params } = require('./helpers/workload.js')

const WORKERS = 4
const CALLS = 10_000

function startWorker(worker) {
  return new Promise((resolve, reject) => {
    const w = new Worker(path.join(__dirname, 'helpers', 'sign-worker.js'), {
      workerData: { worker, count: CALLS },
    })
    w.once('message', resolve)
    w.once('error', reject)
    w.once('exit', (code) => code !== 0 && reject(new Error(`worker ${worker} exited with ${code}`)))
  })
}

test(`${WORKERS} workers x ${CALLS} calls equal single-thread results`, async () => {
  const results = await Promise.all(Array.from({ length: WORKERS }, (_, w) => startWorker(w)))
  const seen = new Set()
  for (const r of results) {
    const expected = run(sign, r.worker, CALLS)
    assert.equal(r.digest, expected.digest, `worker ${r.worker}`)
    assert.deepEqual(r.first, expected.first)
    assert.deepEqual(r.error, {
      isClass: true,
      name: 'VoipSignError',
      code: 'INVALID_TIMESTAMP',
      message: 'timeStamp 1.5 is not a whole number; pass Unix time in whole seconds, e.g. Math.floor(Date.now() / 1000)',
    })
    seen.add(r.digest)
  }
  assert.equal(seen.size, WORKERS, 'each worker had its own workload')
  // The main thread's environment is unaffected by the workers' coming and going.
  assert.throws(() => sign({ ...params(0, 0), appId: '' }), VoipSignError)
  assert.match(sign(params(0, 1)), /^[0-9a-f]{64}$/)
})

test('workers started again after the first ones exited', async () => {
  const again = await Promise.all([startWorker(7), startWorker(8)])
  for (const r of again) assert.equal(r.digest, run(sign, r.worker, CALLS).digest)
})
