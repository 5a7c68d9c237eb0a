#!/usr/bin/env node
// Judges valgrind's XML report of `make memcheck`: node and V8 leave reports of
// their own (memory kept until exit, threads, JIT), so only errors and leaks with a
// frame in the addon (a voipsign*.node object, or a voipsign function) count.
//
//   node scripts/memcheck-report.js target/memcheck/valgrind.xml
//   node scripts/memcheck-report.js --lsan target/asan/asan.log.*   (make asan)
//
// Exits 1 when an error or a definitely, indirectly or possibly lost block has a
// frame of the addon, or when valgrind did not finish.
//
// Except napi-rs's one-time registrations, which live as long as the process or
// the environment: each `#[napi]` class (the room ledger's one: `Ledger`) is
// registered when the library is loaded (a static registry) and given an
// identity on its first instance (napi-rs's class identity registry)
// and its constructor referenced once per environment that loads the addon (a
// napi_ref napi-rs never deletes: 40 bytes per class per worker thread that
// loads the addon); napi-rs's thread-local tables and a pool thread's handle are
// allocated on first use. These are allowed only as loss records of at most one
// block per class (CLASSES): valgrind merges the blocks lost at the same stack
// into one record, so a leak per call (the workload makes hundreds of each)
// would show as a record of hundreds of blocks there and fail.
'use strict'

const fs = require('node:fs')

const file = process.argv[2]
if (!file) {
  console.error('usage: node scripts/memcheck-report.js VALGRIND.xml | --lsan ASAN.log...')
  process.exit(2)
}

const decode = (s) =>
  s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&')
const tag = (text, name) => {
  const m = text.match(new RegExp(`<${name}>([\\s\\S]*?)</${name}>`))
  return m ? decode(m[1].trim()) : ''
}

const isAddon = (f) => /voipsign[^/]*\.node$/.test(f.obj) || /\bvoipsign(_node)?::/.test(f.fn)

/** Where napi-rs allocates once (per process, environment or thread): see above. */
const ONE_TIME = [
  /^napi_register_module_v1$/, // per environment: the class constructor's napi_ref
  /^napi::bindgen_runtime::module_register::register_class$/, // the static class registry (dlopen)
  /__napi_register__\w+.*__ctor_private$/, // the same, its property names
  /^std::thread::current::init_current$/, // a pool thread's handle
  /^napi::bindgen_runtime::native_borrow::register_native_borrow_with_value$/, // a thread-local table
  /^napi::bindgen_runtime::callback_info::CallbackInfo<.*>::_factory$/, // a thread-local table
  /^napi::bindgen_runtime::class_identity::intern_class_id$/, // the class identity registry (static)
]
/** The environments scripts/memcheck.js loads an addon in: its main thread and 4 workers. */
const ENVIRONMENTS = 5
/** The addon's `#[napi]` classes (src/ledger.rs): one registration each. */
const CLASSES = 1

/**
 * LeakSanitizer's reports (`make asan`): a leak with a frame of the addon fails,
 * unless at one of napi-rs's one-time sites in at most one object per
 * environment (LeakSanitizer merges the leaks of one stack into one record).
 * @param {string[]} files
 */
function lsan(files) {
  const records = files.flatMap((f) =>
    fs.readFileSync(f, 'utf8').split(/\n\s*\n/).filter((r) => /^(Direct|Indirect) leak of /m.test(r)),
  )
  const fn = (line) => (line.match(/ in (.+?) (?:\(|\/|$)/) || ['', ''])[1]
  let failed = 0
  let oneTime = 0
  for (const r of records) {
    const lines = r.split('\n').filter((l) => /^\s*#\d+ /.test(l))
    if (!lines.some((l) => /voipsign/.test(l))) continue
    const objects = Number((r.match(/ in (\d+) object\(s\)/) || ['', '0'])[1])
    if (objects <= ENVIRONMENTS * CLASSES && lines.slice(0, 6).some((l) => ONE_TIME.some((re) => re.test(fn(l))))) {
      oneTime++
    } else {
      failed++
      console.log(r.trim() + '\n')
    }
  }
  console.log(`LeakSanitizer: ${records.length} leak records; napi-rs's one-time registrations (not judged): ${oneTime}; with a frame of the addon: ${failed}`)
  return failed === 0
}

/**
 * A leak of at most one block per class at one of napi-rs's one-time allocations;
 * at the per-environment one (napi_register_module_v1: a constructor's napi_ref),
 * one per class and environment: with VOIPSIGN_ADDON one addon is loaded in all
 * ENVIRONMENTS (`make test` runs it so: 4 blocks of 40 bytes, 1 class x 4 workers).
 */
const isOneTime = (e) => {
  const top = e.frames.slice(0, 6)
  if (!e.kind.startsWith('Leak_') || !top.some((f) => ONE_TIME.some((re) => re.test(f.fn)))) return false
  const perEnvironment = top.some((f) => ONE_TIME[0].test(f.fn))
  return e.blocks <= (perEnvironment ? CLASSES * ENVIRONMENTS : CLASSES)
}

if (file === '--lsan') {
  const ok = lsan(process.argv.slice(3))
  console.log(ok ? 'asan: no leak in the addon' : 'asan: FAILED (leak in the addon)')
  process.exit(ok ? 0 : 1)
}
const xml = fs.readFileSync(file, 'utf8')

const errors = [...xml.matchAll(/<error>([\s\S]*?)<\/error>/g)].map(([, body]) => {
  // The first <stack> is where it happened (later ones: where the block came from).
  const frames = [...body.matchAll(/<frame>([\s\S]*?)<\/frame>/g)].map(([, f]) => ({
    fn: tag(f, 'fn'),
    obj: tag(f, 'obj'),
    file: tag(f, 'file'),
    line: tag(f, 'line'),
  }))
  return {
    kind: tag(body, 'kind'),
    what: tag(body, 'text') || tag(body, 'what'),
    blocks: Number(tag(body, 'leakedblocks') || 0),
    bytes: Number(tag(body, 'leakedbytes') || 0),
    frames,
    addon: frames.some(isAddon),
  }
})

const count = (list) => {
  const by = {}
  for (const e of list) by[e.kind] = (by[e.kind] || 0) + 1
  return Object.entries(by)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ') || 'none'
}

const finished = /<status>\s*<state>FINISHED<\/state>/.test(xml)
const oneTime = errors.filter((e) => e.addon && isOneTime(e))
const ours = errors.filter((e) => e.addon && e.kind !== 'Leak_StillReachable' && !isOneTime(e))
const others = errors.filter((e) => !e.addon)

console.log(`valgrind: ${errors.length} reports in all (${count(errors)})`)
console.log(`  node/V8/libc only (not judged): ${count(others)}`)
const bytes = oneTime.reduce((n, e) => n + e.bytes, 0)
console.log(`  napi-rs's one-time registrations, at most ${CLASSES} blocks each, ${CLASSES * ENVIRONMENTS} at napi_register_module_v1 (not judged): ${count(oneTime)}; ${bytes} bytes`)
console.log(`  with a frame of the addon: ${count(ours)}`)
for (const e of ours) {
  console.log(`\n${e.kind}: ${e.what}`)
  for (const f of e.frames.slice(0, 16)) {
    console.log(`    ${f.fn || '???'}  (${(f.obj || '').split('/').pop()}${f.file ? ` ${f.file}:${f.line}` : ''})`)
  }
}
if (!finished) console.log('valgrind did not finish (no FINISHED status in the XML)')
const ok = finished && ours.length === 0
console.log(ok ? 'memcheck: OK, no error and no leak in the addon' : 'memcheck: FAILED')
process.exit(ok ? 0 : 1)
