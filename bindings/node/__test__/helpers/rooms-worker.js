// Runs in a worker thread (ledger.test.js): loads the package there (its own
// addon instance, its own ledgers: nothing shared with other threads), runs
// every scenario of rooms.json `rounds` times and a burst of concurrent
// admissions, and reports the outcomes.
'use strict'

const { parentPort, workerData } = require('node:worker_threads')
const api = require('../..')
const { rooms, runScenario } = require('./rooms.js')

async function main() {
  const outcomes = []
  for (let r = 0; r < workerData.rounds; r++) {
    for (const scenario of rooms.scenarios) outcomes.push(await runScenario(api, scenario))
  }
  // 40 members at once into one room of 10: 10 seated, 30 refused.
  const ledger = api.Ledger.memory()
  const room = { appId: 'wx20afc706a711eefc', groupId: `worker-${workerData.worker}` }
  const settled = await Promise.allSettled(
    Array.from({ length: 40 }, (_, i) => ledger.admit({ ...room, memberId: `m${i}` })),
  )
  const seated = settled.filter((s) => s.status === 'fulfilled').length
  const refused = settled.filter((s) => s.status === 'rejected' && s.reason instanceof api.VoipSignError && s.reason.code === 'ROOM_FULL').length
  const members = (await ledger.room(room)).members.length
  parentPort.postMessage({ worker: workerData.worker, outcomes: JSON.stringify(outcomes), seated, refused, members })
}

main().catch((err) => {
  throw err
})
