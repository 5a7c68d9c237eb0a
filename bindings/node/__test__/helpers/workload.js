// A deterministic workload shared by the worker-thread test and its workers:
// call i of worker w signs its own nonce, time and key.
'use strict'

const crypto = require('node:crypto')

const KEYS = Array.from({ length: 16 }, (_, i) =>
  crypto.createHash('sha256').update(`key-${i}`).digest().subarray(0, 16).toString('base64'),
)

function params(worker, i) {
  return {
    appId: 'wx20afc706a711eefc',
    groupId: i % 7 === 0 ? `房间-${worker}-${i}` : `${1559129713 + worker}_${i}`,
    nonceStr: `n${worker}x${i.toString(36)}`,
    timeStamp: 1559129714 + worker * 100003 + i,
    sessionKey: KEYS[(worker * 31 + i) % KEYS.length],
  }
}

/** `count` signatures of worker `worker`, hashed together (plus the first few, to compare). */
function run(sign, worker, count) {
  const all = crypto.createHash('sha256')
  const first = []
  for (let i = 0; i < count; i++) {
    const s = sign(params(worker, i))
    all.update(s)
    if (i < 5) first.push(s)
  }
  return { digest: all.digest('hex'), first }
}

module.exports = { params, run, KEYS }
