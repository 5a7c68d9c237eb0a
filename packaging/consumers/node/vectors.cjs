// The signature vectors (the signatures.json named on the command line) through
// the installed package: every valid case's signature, the error code of every
// invalid `sign` case.
const fs = require('node:fs')
const { sign } = require('voipsign')
const doc = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'))
let passed = 0; let failed = 0
const cases = doc.cases.map(c => [c, c.signature])
  .concat(doc.invalid.filter(c => (c.op || 'sign') === 'sign').map(c => [c, c.error]))
for (const [c, want] of cases) {
  let got
  try {
    got = sign({ appId: c.appId, groupId: c.groupId, nonceStr: c.nonceStr, timeStamp: c.timeStamp, sessionKey: c.sessionKey })
  } catch (e) {
    got = e.code
  }
  if (got === want) passed++
  else { failed++; console.error(`vector ${c.name}: want ${want}, got ${got}`) }
}
console.log(`vectors: ${passed} passed, ${failed} failed`)
process.exit(failed === 0 && passed > 0 ? 0 : 1)
