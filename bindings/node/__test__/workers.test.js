// worker_threads: 2 x cores workers x 10^5 signatures each (with verify, signMany
// and errors mixed in) give what one thread gives.
'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const os = require('node:os')
const path = require('node:path')
const { Worker } = require('node:worker_threads')
const voipsign = require('..')
const { run, params } = require('./helpers/workload.js')

const { sign, VoipSignError } = voipsign
const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length
// 4 on the project's 2-core machine; at most 16, to bound the single-thread check.
const WORKERS = Math.min(2 * cores, 16)
const CALLS = 100_000

function startWorker(worker, count = CALLS) {
  return new Promise((resolve, reject) => {
    const w = new Worker(path.join(__dirname, 'helpers', 'sign-worker.js'), {
      workerData: { worker, count },
    })
    w.once('message', resolve)
    w.once('error', reject)
    w.once('exit', (code) => code !== 0 && reject(new Error(`worker ${worker} exited with ${code}`)))
  })
}

test(`${WORKERS} workers x ${CALLS} signatures equal single-thread results`, async (t) => {
  const started = Date.now()
  const running = Array.from({ length: WORKERS }, (_, w) => startWorker(w))
  // The single-thread results, computed on the main thread while the workers run
  // (one more thread calling the addon at the same time).
  const expected = Array.from({ length: WORKERS }, (_, w) => run(voipsign, w, CALLS))
  const results = await Promise.all(running)
  const seen = new Set()
  for (const r of results) {
    const e = expected[r.worker]
    assert.equal(r.digest, e.digest, `worker ${r.worker}`)
    assert.deepEqual(r.first, e.first)
    assert.equal(r.errors, CALLS / 100)
    assert.deepEqual(r.error, {
      isClass: true,
      name: 'InvalidTimestamp',
      code: 'INVALID_TIMESTAMP',
      message: 'timeStamp 1.5 is not a whole number; pass Unix time in whole seconds',
    })
    seen.add(r.digest)
  }
  assert.equal(seen.size, WORKERS, 'each worker had its own workload')
  // The main thread's environment is unaffected by the workers' coming and going.
  assert.throws(() => sign({ ...params(0, 0), appId: '' }), VoipSignError)
  assert.match(sign(params(0, 1)), /^[0-9a-f]{64}$/)
  t.diagnostic(
    `${cores} cores, ${WORKERS} workers: ${Date.now() - started} ms in all; ` +
      `per worker ${results.map((r) => Math.round(r.ms)).join(', ')} ms`,
  )
})

test('workers started again after the first ones exited', async () => {
  const again = await Promise.all([startWorker(WORKERS + 7, 10_000), startWorker(WORKERS + 8, 10_000)])
  for (const r of again) assert.equal(r.digest, run(voipsign, r.worker, 10_000).digest)
})
