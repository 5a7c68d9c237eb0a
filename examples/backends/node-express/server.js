// The reference backend of voipsign in Express (docs/BACKEND.md): WeChat login,
// the room ledger, join tickets for wx.joinVoIPChat. Copy it and make it yours:
// decide in /voip/join who may enter which groupId (the ledger does not).
'use strict'

const express = require('express')
const { Ledger, VoipSignError, explain, verify } = require('voipsign')
const { MemorySessions, RedisSessions, SESSION_TTL_S } = require('./sessions')

// --- configuration: the environment ------------------------------------------
const env = process.env
const appId = env.WECHAT_APP_ID
const appSecret = env.WECHAT_APP_SECRET
const apiBase = (env.WECHAT_API_BASE || 'https://api.weixin.qq.com').replace(/\/+$/, '')
const port = Number(env.PORT || 8080)
const redisUrl = env.VOIPSIGN_REDIS_URL
if (!appId || !appSecret) fail('WECHAT_APP_ID and WECHAT_APP_SECRET must be set')
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`PORT must be a port number, not ${env.PORT}`)
if (!/^https?:\/\/[^/]/.test(apiBase)) fail('WECHAT_API_BASE must be an http(s) URL')

// The ledger's rules from VOIPSIGN_<RULE> (VOIPSIGN_CAPACITY → capacity, …): the
// names are the binding's own (a default ledger's rules, and the Redis options),
// and the binding checks every value: a bad one stops startup with its message.
function rulesFromEnv() {
  const probe = Ledger.memory()
  const kinds = { ...probe.rules, connectTimeoutMs: 0, commandTimeoutMs: 0, keyPrefix: '' }
  probe.close()
  const options = {}
  for (const [name, example] of Object.entries(kinds)) {
    const value = env[`VOIPSIGN_${name.replace(/[A-Z]/g, (c) => '_' + c).toUpperCase()}`]
    if (value === undefined) continue
    // A numeric rule's text that looks like a number becomes one; anything else
    // goes as text, for the binding to refuse ("capacity must be a number").
    options[name] = typeof example === 'number' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value
  }
  return options
}

let ledger, sessions
try {
  const rules = rulesFromEnv()
  ledger = redisUrl ? Ledger.redis(redisUrl, rules) : Ledger.memory(rules)
  sessions = redisUrl ? new RedisSessions(redisUrl, rules.keyPrefix || 'voipsign') : new MemorySessions()
} catch (err) {
  fail(err instanceof VoipSignError ? `${err.code}: ${err.message}` : String(err))
}

function fail(message) {
  console.error(`voipsign backend: ${message}`)
  process.exit(2)
}

// --- errors: { error: CODE, message } with the status of docs/BACKEND.md -------
class HttpError extends Error {
  constructor(status, code, message, extra) {
    super(message)
    Object.assign(this, { status, code, extra })
  }
}
const bad = (code, message) => new HttpError(400, code, message)

// voipsign's errors by code, else by kind: input 400, refusal 409, outage 503.
const STATUS = { ROOM_FULL: 409, NOT_ADMITTED: 409, DAILY_ROOM_LIMIT: 429, MEMBER_DAILY_LIMIT: 429, LEDGER_CLOSED: 503 }
const KIND_STATUS = { input: 400, refusal: 409, outage: 503, internal: 500 }

// --- WeChat: code2Session ------------------------------------------------------
async function code2Session(code) {
  const query = new URLSearchParams({ appid: appId, secret: appSecret, js_code: code, grant_type: 'authorization_code' })
  let body
  try {
    const res = await fetch(`${apiBase}/sns/jscode2session?${query}`, { signal: AbortSignal.timeout(5000) })
    body = await res.json()
  } catch (err) {
    // Never the URL in a message: it carries the app secret.
    throw new HttpError(502, 'WECHAT_UNAVAILABLE', `code2Session failed (${err.name})`)
  }
  if (body && body.errcode) {
    throw new HttpError(400, 'WECHAT_LOGIN_FAILED', `code2Session: ${body.errmsg || 'refused'}`, { errcode: body.errcode })
  }
  if (!body || typeof body.openid !== 'string' || !body.openid || typeof body.session_key !== 'string' || !body.session_key) {
    throw new HttpError(502, 'WECHAT_UNAVAILABLE', 'code2Session answered without openid and session_key')
  }
  return { openid: body.openid, sessionKey: body.session_key }
}

// --- request checks: types here, values in the binding -------------------------
function body(req) {
  const b = req.body
  if (b === undefined && (req.get('transfer-encoding') || (req.get('content-length') ?? '0') !== '0')) {
    throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as Content-Type: application/json')
  }
  if (b === undefined) return {} // no body at all: an empty object, whose fields are missing
  if (b === null || typeof b !== 'object' || Array.isArray(b)) throw bad('INVALID_REQUEST', 'the body must be a JSON object')
  return b
}
function str(b, name, code, optional = false) {
  const v = b[name]
  if (v === undefined && optional) return undefined
  if (typeof v !== 'string') throw bad(code, `${name} must be a string`)
  return v
}
const groupIdOf = (req) => str(body(req), 'groupId', 'INVALID_GROUP_ID')

// Authorization: Bearer TOKEN → req.session (openid, sessionKey, …).
async function authenticate(req, res, next) {
  const m = /^Bearer ([A-Za-z0-9_-]{43})$/i.exec(req.get('authorization') || '')
  const session = m && (await sessionsCall(() => sessions.get(m[1])))
  if (!session) throw new HttpError(401, 'UNAUTHENTICATED', 'Authorization: Bearer TOKEN from POST /login is missing, unknown or expired')
  req.session = session
  next()
}
async function sessionsCall(fn) {
  try {
    return await fn()
  } catch {
    throw new HttpError(503, 'SESSIONS_UNAVAILABLE', 'the session store cannot be reached; try again')
  }
}

// --- the app -------------------------------------------------------------------
const app = express()
app.disable('x-powered-by')
app.set('etag', false)

// One log line per request: method, path, status, milliseconds. No body, no header.
app.use((req, res, next) => {
  const t0 = process.hrtime.bigint()
  res.on('finish', () => {
    const ms = Number(process.hrtime.bigint() - t0) / 1e6
    console.log(`${req.method} ${req.path.slice(0, 200)} ${res.statusCode} ${ms.toFixed(1)}ms`)
  })
  next()
})

app.get('/healthz', (req, res) => res.json({ ok: true }))

// JSON bodies up to 16 KiB, objects or arrays only. Every error of reading a body is
// the client's: body-parser's carry a status (413, 415, 400); one without (a
// corrupt gzip stream) is made a 400 here.
const parseJson = express.json({ limit: '16kb', strict: true })
const json = (req, res, next) =>
  parseJson(req, res, (err) => next(err && Object.assign(err, { status: err.status ?? 400, type: err.type ?? 'entity.unreadable' })))
app.use('/voip', authenticate) // every /voip/* call: a token first, then the body
app.use(json)

app.post('/login', async (req, res) => {
  const code = str(body(req), 'code', 'INVALID_CODE')
  if (!/^[\x21-\x7e]{1,128}$/.test(code)) throw bad('INVALID_CODE', 'code must be 1-128 printable ASCII characters (from wx.login)')
  const { openid, sessionKey } = await code2Session(code)
  const token = await sessionsCall(() => sessions.create(openid, sessionKey))
  res.json({ token, expiresIn: SESSION_TTL_S }) // never the session_key, never the openid
})

// A seat in the ledger, then the ticket: refused here (full room, the day's quota)
// rather than late by WeChat. YOUR APP decides first who may join groupId.
app.post('/voip/join', async (req, res) => {
  const b = body(req)
  const groupId = str(b, 'groupId', 'INVALID_GROUP_ID')
  const roomType = str(b, 'roomType', 'INVALID_ROOM_TYPE', true)
  const { openid, sessionKey } = req.session
  const { admission, ticket } = await ledger.admitAndIssue({ appId, groupId, memberId: openid, sessionKey, roomType })
  const { nonceStr, timeStamp, signature } = ticket // kept for /voip/explain: no secret in it
  await sessions.noteTicket(req.session, { groupId, nonceStr, timeStamp, signature }).catch(() => {})
  // admission.quotaWarning: roomsToday reached dailyRoomWarning; alert your team here.
  res.json({ ticket, admission })
})

// Every 15 s in the call (409 NOT_ADMITTED: the seat expired, join again).
app.post('/voip/heartbeat', async (req, res) => {
  const leaseExpiresAt = await ledger.heartbeat({ appId, groupId: groupIdOf(req), memberId: req.session.openid })
  res.json({ leaseExpiresAt })
})

// wx.onVoIPChatMembersChanged: WeChat's list of who is in, from a member of the room.
app.post('/voip/members', async (req, res) => {
  const b = body(req)
  const groupId = str(b, 'groupId', 'INVALID_GROUP_ID')
  const list = b.openIdList
  if (!Array.isArray(list)) throw bad('INVALID_REQUEST', 'openIdList must be an array of strings')
  const i = list.findIndex((id) => typeof id !== 'string')
  if (i >= 0) throw bad('INVALID_MEMBER_ID', `openIdList[${i}] must be a string`)
  const room = await ledger.room({ appId, groupId })
  if (!room.members.some((m) => m.memberId === req.session.openid)) {
    throw new HttpError(403, 'NOT_IN_ROOM', 'you hold no seat in this room: join it first')
  }
  try {
    res.json(await ledger.sync({ appId, groupId, openIds: list }))
  } catch (err) {
    if (err.code === 'INVALID_MEMBER_ID') err.message = err.message.replace(/^openIds/, 'openIdList')
    throw err
  }
})

// wx.exitVoIPChat: the seat is freed at once (its lease is the backstop).
app.post('/voip/leave', async (req, res) => {
  res.json({ removed: await ledger.leave({ appId, groupId: groupIdOf(req), memberId: req.session.openid }) })
})

// A failed wx.joinVoIPChat: what it means, with what the backend knows about this
// caller (voipsign's explain names the causes only that context tells apart: a
// replaced session_key, a phone still in another room, a ghost in a full room).
app.post('/voip/explain', async (req, res) => {
  const b = body(req)
  const errCode = b.errCode
  if (!Number.isSafeInteger(errCode)) throw bad('INVALID_REQUEST', 'errCode must be an integer')
  const errMsg = str(b, 'errMsg', 'INVALID_REQUEST', true) ?? ''
  const groupId = str(b, 'groupId', 'INVALID_GROUP_ID', true)
  const { context, ledgerError } = await explainContext(req.session, groupId)
  res.json({ ...explain({ errCode, errMsg, context }), context, ...(ledgerError && { ledger: ledgerError }) })
})

// The context of explain (ExplainContext in voipsign's types): the caller's seat,
// the room's seat count (other members' openids stay private), today's quota,
// whether a later login replaced this token's session_key, and whether our last
// ticket still verifies under the key we hold (then WeChat holds another one).
async function explainContext(session, groupId) {
  const last = session.lastTicket
  const context = { groupId, keyReplaced: await sessions.keyReplaced(session).catch(() => null) }
  if (last?.signature && (groupId === undefined || last.groupId === groupId)) {
    context.ticketVerified = verify({ appId, ...last, sessionKey: session.sessionKey })
  }
  try {
    const u = await ledger.usage({ appId })
    Object.assign(context, { openingsToday: u.openings, dailyRoomLimit: u.dailyRoomLimit })
    if (groupId !== undefined) {
      const room = await ledger.room({ appId, groupId })
      context.seated = room.members.some((m) => m.memberId === session.openid)
      Object.assign(context, { roomSeats: room.members.length, capacity: ledger.rules.capacity })
    }
    if (last && last.groupId !== groupId) {
      const other = await ledger.room({ appId, groupId: last.groupId })
      if (other.members.some((m) => m.memberId === session.openid)) context.seatedElsewhere = last.groupId
    }
  } catch (err) {
    if (err.kind !== 'outage') throw err // an invalid groupId is the caller's 400
    return { context, ledgerError: err.code } // the ledger is unreachable: explain without it
  }
  return { context }
}

app.use((req, res) => res.status(404).json({ error: 'NOT_FOUND', message: `no ${req.method} ${req.path.slice(0, 200)}` }))

// Every error ends here as { error, message }: never a stack, a token or a key.
app.use((err, req, res, next) => {
  let status, code, message
  if (err instanceof HttpError) ({ status, code, message } = err)
  else if (err instanceof VoipSignError) [status, code, message] = [STATUS[err.code] ?? KIND_STATUS[err.kind] ?? 500, err.code, err.message]
  else if (err.type && err.status >= 400 && err.status < 500) {
    // express.json: too large, malformed JSON, an unsupported charset or encoding
    code = { 413: 'BODY_TOO_LARGE', 415: 'UNSUPPORTED_MEDIA_TYPE' }[err.status] ?? 'INVALID_JSON'
    status = err.status
    message = code === 'BODY_TOO_LARGE' ? 'the body is over 16 KiB' : code === 'INVALID_JSON' ? 'the body is not valid JSON' : err.message
  } else if (err.code === 'ERR_INVALID_ARG_TYPE' || err.code === 'ERR_OUT_OF_RANGE') {
    [status, code, message] = [400, 'INVALID_REQUEST', err.message]
  } else {
    // A bug: the name and where, not the message (which could quote input).
    console.error(`error: ${err.name} ${err.code ?? ''} ${String(err.stack).split('\n').slice(1, 3).join(' ').trim()}`)
    ;[status, code, message] = [500, 'INTERNAL', 'internal error']
  }
  if (status >= 500 && code !== 'INTERNAL') res.set('Retry-After', '1')
  res.status(status).json({ error: code, message, ...(err.extra || {}) })
})

// --- serve until SIGTERM -------------------------------------------------------
const server = app.listen(port, '127.0.0.1', (err) => {
  if (err) fail(`cannot listen on 127.0.0.1:${port} (${err.code})`)
  console.log(`listening on http://127.0.0.1:${server.address().port} (ledger: ${redisUrl ? 'redis' : 'memory'}, WeChat API: ${new URL(apiBase).host})`)
})

function shutdown(signal) {
  console.log(`${signal}: closing`)
  setTimeout(() => process.exit(1), 5000).unref() // requests still running after 5 s
  server.close(async () => {
    await ledger.close()
    await sessions.close()
    process.exit(0)
  })
  server.closeIdleConnections()
}
process.on('SIGTERM', () => shutdown('SIGTERM'))
process.on('SIGINT', () => shutdown('SIGINT'))
