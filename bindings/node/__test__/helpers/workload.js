// A deterministic workload shared by the worker-thread test and its workers:
// call i of worker w signs its own nonce, time and key; every 64th call also
// verifies, every 256th signs a room of three with signMany, and every 100th
// makes an error (built with the calling thread's VoipSignError class).
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

/**
 * `count` signatures of worker `worker` through `api` (the voipsign module of the
 * calling thread), hashed together with the results of the other calls (plus the
 * first few signatures, to compare).
 */
function run(api, worker, count) {
  const all = crypto.createHash('sha256')
  const first = []
  let errors = 0
  for (let i = 0; i < count; i++) {
    const p = params(worker, i)
    const s = api.sign(p)
    all.update(s)
    if (i < 5) first.push(s)
    if (i % 64 === 0) all.update(api.verify({ ...p, signature: s }) ? 'V' : 'v')
    if (i % 256 === 0) {
      const keys = [p.sessionKey, KEYS[i % KEYS.length], KEYS[(i + 5) % KEYS.length]]
      all.update(api.signMany({ ...p, sessionKeys: keys }).join(','))
    }
    if (i % 100 === 0) {
      try {
        api.sign({ ...p, nonceStr: `bad nonce ${i}` })
      } catch (err) {
        if (!(err instanceof api.VoipSignError)) throw err
        all.update(`${err.code}:${err.message}`)
        errors++
      }
    }
  }
  return { digest: all.digest('hex'), first, errors }
}

module.exports = { params, run, KEYS }
