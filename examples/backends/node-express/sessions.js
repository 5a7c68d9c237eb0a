// Login sessions: a random token → { openid, sessionKey, keyId, lastTicket }, kept
// server-side for SESSION_TTL_S. The session_key never leaves the server.
//
// Besides the session itself, each openid's latest login is remembered (the keyId,
// a short SHA-256 fingerprint of its session_key): when a later /login of the same
// user brings a different key, WeChat has replaced the older one, and tickets
// signed with it now fail with "invalid signature". /voip/explain reports that.
//
// Two stores with the same interface: memory (one process) and Redis (every
// instance shares them; keys expire on their own). Tokens are stored hashed, so
// the keyspace never shows one.
'use strict'

const crypto = require('node:crypto')
const { createClient, createCluster } = require('redis')

const SESSION_TTL_S = 2 * 60 * 60 // a token lives 2 hours; the phone logs in again after
const sha256 = (s) => crypto.createHash('sha256').update(s).digest('hex')
const keyIdOf = (sessionKey) => sha256(sessionKey).slice(0, 16)
const newToken = () => crypto.randomBytes(32).toString('base64url') // 256 bits, 43 characters

class MemorySessions {
  constructor() {
    this.sessions = new Map() // sha256(token) → session
    this.latest = new Map() // openid → { keyId, expiresAt }
    // Forget expired entries once a minute (unref: never keeps the process alive).
    this.sweeper = setInterval(() => {
      const now = Date.now()
      for (const map of [this.sessions, this.latest]) for (const [k, v] of map) if (v.expiresAt <= now) map.delete(k)
    }, 60_000).unref()
  }
  async create(openid, sessionKey) {
    const token = newToken()
    const expiresAt = Date.now() + SESSION_TTL_S * 1000
    const keyId = keyIdOf(sessionKey)
    this.sessions.set(sha256(token), { openid, sessionKey, keyId, lastTicket: null, expiresAt })
    this.latest.set(openid, { keyId, expiresAt })
    return token
  }
  async get(token) {
    const s = this.sessions.get(sha256(token))
    return s && s.expiresAt > Date.now() ? { ...s, id: sha256(token) } : null
  }
  async noteTicket(session, lastTicket) {
    const s = this.sessions.get(session.id)
    if (s) s.lastTicket = lastTicket
  }
  // Whether a later login of this openid brought another session_key.
  async keyReplaced(session) {
    const l = this.latest.get(session.openid)
    return l !== undefined && l.keyId !== session.keyId
  }
  async close() {
    clearInterval(this.sweeper)
  }
}

class RedisSessions {
  constructor(url, prefix) {
    this.prefix = `${prefix}:backend`
    this.client = connect(url)
  }
  key(kind, id) {
    return `${this.prefix}:${kind}:${id}`
  }
  async create(openid, sessionKey) {
    const token = newToken()
    const keyId = keyIdOf(sessionKey)
    const session = JSON.stringify({ openid, sessionKey, keyId, lastTicket: null })
    await this.client.set(this.key('session', sha256(token)), session, { EX: SESSION_TTL_S })
    await this.client.set(this.key('latest', sha256(openid)), keyId, { EX: SESSION_TTL_S })
    return token
  }
  async get(token) {
    const raw = await this.client.get(this.key('session', sha256(token)))
    return raw === null ? null : { ...JSON.parse(raw), id: sha256(token) }
  }
  async noteTicket(session, lastTicket) {
    const { id, ...stored } = session
    await this.client.set(this.key('session', id), JSON.stringify({ ...stored, lastTicket }), { KEEPTTL: true, XX: true })
  }
  async keyReplaced(session) {
    const latest = await this.client.get(this.key('latest', sha256(session.openid)))
    return latest !== null && latest !== session.keyId
  }
  async close() {
    await this.client.close().catch(() => {})
  }
}

// node-redis for the URL the ledger takes: redis://, rediss://, or
// redis+cluster://[user:password@]host:port,host:port (seed nodes). Commands fail
// at once while Redis is unreachable (no offline queue) or after 500 ms, and the
// client reconnects by itself. Errors are logged by code only, once per outage:
// no URL, so no password.
function connect(url) {
  const options = {
    disableOfflineQueue: true,
    commandOptions: { timeout: 500 },
    socket: { connectTimeout: 500, reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2000) },
  }
  const cluster = /^(rediss?)\+cluster:\/\/(?:([^@/]*)@)?([^/?#]+)/.exec(url)
  let client
  if (cluster) {
    const [, scheme, userinfo, hosts] = cluster
    const [username, password] = userinfo ? userinfo.split(':').map(decodeURIComponent) : []
    client = createCluster({
      rootNodes: hosts.split(',').map((h) => ({ url: `${scheme}://${h}` })),
      defaults: { ...options, username: username || undefined, password: password || undefined },
    })
  } else {
    client = createClient({ ...options, url })
  }
  let down = false
  client.on('error', (err) => {
    // A server's reply (WRONGPASS, NOAUTH, …) by its first word: never a password.
    const why = err.code || (err.constructor.name === 'ErrorReply' && err.message.split(' ')[0]) || err.name
    if (!down) console.error(`sessions: Redis unavailable (${why})`)
    down = true
  })
  client.on('ready', () => (down = false))
  client.connect().catch((err) => console.error(`sessions: Redis connect failed (${err.code || err.name})`))
  return client
}

module.exports = { MemorySessions, RedisSessions, SESSION_TTL_S }
