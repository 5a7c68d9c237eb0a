#!/usr/bin/env node
// Judges valgrind's XML report of `make memcheck`: node and V8 leave reports of
// their own (memory kept until exit, threads, JIT), so only errors and leaks with a
// frame in the addon (a voipsign*.node object, or a voipsign function) count.
//
//   node scripts/memcheck-report.js target/memcheck/valgrind.xml
//
// Exits 1 when an error or a definitely, indirectly or possibly lost block has a
// frame of the addon, or when valgrind did not finish.
'use strict'

const fs = require('node:fs')

const file = process.argv[2]
if (!file) {
  console.error('usage: node scripts/memcheck-report.js VALGRIND.xml')
  process.exit(2)
}
const xml = fs.readFileSync(file, 'utf8')

const decode = (s) =>
  s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&')
const tag = (text, name) => {
  const m = text.match(new RegExp(`<${name}>([\\s\\S]*?)</${name}>`))
  return m ? decode(m[1].trim()) : ''
}

const isAddon = (f) => /voipsign[^/]*\.node$/.test(f.obj) || /\bvoipsign(_node)?::/.test(f.fn)

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
const ours = errors.filter((e) => e.addon && e.kind !== 'Leak_StillReachable')
const others = errors.filter((e) => !e.addon)

console.log(`valgrind: ${errors.length} reports in all (${count(errors)})`)
console.log(`  node/V8/libc only (not judged): ${count(others)}`)
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
