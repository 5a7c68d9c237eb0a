// One backend instance of redis-race.test.js, in a child process of its own (its
// own addon, its own Ledger.redis, its own libuv pool of UV_THREADPOOL_SIZE=8
// threads): on { op: 'admit' } it runs 8 concurrent tasks, each admitting its 2
// members in turn (16 distinct members per process, 64 over the 4 processes), and
// reports every outcome; on { op: 'leave' } it frees the seats it won; on
// { op: 'exit' } it leaves.
'use strict'

const { Ledger, VoipSignError } = require('../..')

const { url, keyPrefix, appId, groupId, instance, tasks, perTask } = JSON.parse(process.argv[2])
const ledger = Ledger.redis(url, { keyPrefix, connectTimeoutMs: 2000, commandTimeoutMs: 2000 })
/** @type {string[]} */
let seated = []

/** The admissions of one task: its members in turn. */
async function task(t) {
  const out = []
  for (let j = 0; j < perTask; j++) {
    const memberId = `m${(instance * tasks + t) * perTask + j}`
    try {
      const a = await ledger.admit({ appId, groupId, memberId })
      out.push({ memberId, seated: true, opened: a.opened, renewed: a.renewed, members: a.members, degraded: a.degraded })
    } catch (err) {
      if (!(err instanceof VoipSignError) || err.code !== 'ROOM_FULL') throw err
      out.push({ memberId, seated: false })
    }
  }
  return out
}

process.on('message', async (msg) => {
  try {
    if (msg.op === 'admit') {
      const outcomes = (await Promise.all(Array.from({ length: tasks }, (_, t) => task(t)))).flat()
      seated = outcomes.filter((o) => o.seated).map((o) => o.memberId)
      process.send({ op: 'admitted', round: msg.round, instance, outcomes })
    } else if (msg.op === 'leave') {
      const left = await Promise.all(seated.map((memberId) => ledger.leave({ appId, groupId, memberId })))
      seated = []
      process.send({ op: 'left', round: msg.round, instance, left })
    } else if (msg.op === 'exit') {
      process.disconnect()
    }
  } catch (err) {
    process.send({ op: 'error', instance, error: String(err && err.stack) })
  }
})
process.send({ op: 'ready', instance })
