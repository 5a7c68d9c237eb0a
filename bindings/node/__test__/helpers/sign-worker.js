// Runs in a worker thread: loads the addon there (a second N-API environment) and
// runs its share of the workload.
'use strict'

const { parentPort, workerData } = require('node:worker_threads')
const voipsign = require('../..')
const { run, params } = require('./workload.js')

const { worker, count } = workerData
const start = process.hrtime.bigint()
const result = run(voipsign, worker, count)
const ms = Number(process.hrtime.bigint() - start) / 1e6

// Errors too are built in this thread's environment, with this thread's class.
let error
try {
  voipsign.sign({ ...params(worker, 0), timeStamp: 1.5 })
} catch (err) {
  error = { isClass: err instanceof voipsign.VoipSignError, name: err.name, code: err.code, message: err.message }
}
parentPort.postMessage({ worker, ...result, error, ms })
