// The Redis servers of the tests: the shared ones of tests/redis/servers.sh (their
// URLs in VOIPSIGN_REDIS_*; `make test` starts them and sets
// VOIPSIGN_REDIS_REQUIRED=1) and private ones a test starts on a free port to
// kill, stop and restart. The shared servers are used by every suite at once:
// never FLUSHALL, FLUSHDB or SHUTDOWN them; a test isolates its keys with a key
// prefix of its own (uniquePrefix).
'use strict'

const assert = require('node:assert/strict')
const net = require('node:net')
const { spawn, spawnSync } = require('node:child_process')

const REQUIRED = process.env.VOIPSIGN_REDIS_REQUIRED === '1'
const HOW = 'eval "$(tests/redis/servers.sh start)" from the repository root (make -C bindings/node test does it)'

/**
 * The URL in the environment variable `name`: `{ url }`, or when it is not set
 * `{ skip: reason }` for node:test — unless VOIPSIGN_REDIS_REQUIRED=1, where the
 * test runs and fails (`need(server)` throws).
 * @param {string} name
 * @returns {{ name: string, url: string | undefined, skip: string | false }}
 */
function server(name) {
  const url = process.env[name] || undefined
  const skip = url === undefined && !REQUIRED ? `${name} is not set: ${HOW}` : false
  return { name, url, skip }
}

/**
 * The URL of `s`; fails the test when it is missing (only reached with
 * VOIPSIGN_REDIS_REQUIRED=1, else the test was skipped).
 * @param {{ name: string, url: string | undefined }} s
 */
function need(s) {
  assert.ok(s.url, `${s.name} is not set and VOIPSIGN_REDIS_REQUIRED=1: ${HOW}`)
  return s.url
}

/** Whether redis-server is installed (for the private servers). */
const hasRedisServer = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0
/** `{ skip }` for a test that starts private servers. */
const privateSkip = !hasRedisServer && !REQUIRED ? 'redis-server is not installed (apt-get install redis-server)' : false

let counter = 0
/**
 * A key prefix no other test, run or suite uses (the shared servers are shared).
 * @param {string} what
 */
function uniquePrefix(what) {
  const clean = what.replace(/[^A-Za-z0-9]/g, '').slice(0, 24)
  return `vstest-node-${clean}-${process.pid}-${Date.now() % 1e9}-${counter++}`
}

/** A free loopback port (the kernel's choice). */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {net.AddressInfo} */ (srv.address())
      srv.close(() => resolve(port))
    })
  })
}

/**
 * Send `command` (inline protocol) to 127.0.0.1:`port`; the first reply line, or
 * null if nothing answered within `ms`.
 * @param {number} port
 * @param {string} command
 * @param {number} [ms]
 */
function ask(port, command, ms = 500) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1')
    let data = ''
    const done = (/** @type {string | null} */ v) => {
      clearTimeout(timer)
      socket.destroy()
      resolve(v)
    }
    const timer = setTimeout(() => done(null), ms)
    socket.on('connect', () => socket.write(`${command}\r\n`))
    socket.on('data', (chunk) => {
      data += chunk
      const end = data.indexOf('\r\n')
      if (end !== -1) done(data.slice(0, end))
    })
    socket.on('error', () => done(null))
  })
}

/** Every private server still running, killed if the process exits early. */
const running = new Set()
process.on('exit', () => {
  for (const p of running) p.killNow()
})

/** A redis-server of the test's own on a free loopback port. */
class PrivateServer {
  /** @param {number} port @param {string[]} args */
  constructor(port, args) {
    this.port = port
    this.args = args
    /** @type {import('node:child_process').ChildProcess | null} */
    this.child = null
  }

  /** Start one (extra redis-server arguments in `args`) and wait until it answers. */
  static async start(args = []) {
    const s = new PrivateServer(await freePort(), args)
    await s.restart()
    return s
  }

  get url() {
    return `redis://127.0.0.1:${this.port}`
  }

  /** (Re)start the server on the same port; resolves when it answers PING. */
  async restart() {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...this.args]
    const child = spawn('redis-server', args, { stdio: 'ignore' })
    this.child = child
    running.add(this)
    const exited = new Promise((resolve) => child.once('exit', resolve))
    const started = Date.now()
    while (Date.now() - started < 5000) {
      const reply = await ask(this.port, 'PING', 200)
      if (reply === '+PONG' || (reply ?? '').startsWith('-NOAUTH')) return
      if (child.exitCode !== null) break
      await new Promise((r) => setTimeout(r, 20))
    }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10))])
    throw new Error(`the private redis-server on port ${this.port} did not start`)
  }

  /** SIGKILL it and wait until it is gone. */
  async kill() {
    const child = this.child
    if (child === null) return
    this.child = null
    running.delete(this)
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGCONT')
      child.kill('SIGKILL')
      await gone
    }
  }

  /** SIGKILL without waiting (at exit). */
  killNow() {
    if (this.child !== null && this.child.exitCode === null) {
      this.child.kill('SIGCONT')
      this.child.kill('SIGKILL')
    }
  }

  /** SIGSTOP (`true`) or SIGCONT: stopped, it keeps its connections and answers nothing. */
  pause(stop) {
    assert.ok(this.child !== null, 'the server is not running')
    this.child.kill(stop ? 'SIGSTOP' : 'SIGCONT')
  }

  /** A command to the server (inline protocol): the first line of its reply. */
  ask(command) {
    return ask(this.port, command)
  }
}

module.exports = { server, need, uniquePrefix, PrivateServer, privateSkip, hasRedisServer, REQUIRED, freePort, ask }
