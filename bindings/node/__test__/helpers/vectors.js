// The shared cross-language vectors (tests/vectors/signatures.json and
// diagnose.json at the root of the repository) and the documentation example.
'use strict'

const path = require('node:path')
const fs = require('node:fs')

// From __test__/: ../../../tests/vectors/signatures.json (this file is one folder deeper).
const file = path.join(__dirname, '..', '..', '..', '..', 'tests', 'vectors', 'signatures.json')
const vectors = JSON.parse(fs.readFileSync(file, 'utf8'))

// tests/vectors/diagnose.json: signatures made the wrong way on purpose, with the
// verdict and mistakes diagnose must find, and explain's errCode/errMsg cases.
const diagnoseFile = path.join(path.dirname(file), 'diagnose.json')
const diagnoseVectors = JSON.parse(fs.readFileSync(diagnoseFile, 'utf8'))

const DOC = {
  appId: 'wx20afc706a711eefc',
  groupId: '1559129713_672975982',
  nonceStr: '8AP6DT9ybtniUJfb',
  timeStamp: 1559129714,
  sessionKey: 'gDyVgzwa0mFz9uUP7M6GQQ==',
}
const DOC_SIGNATURE = 'b002b824688dd8593a6079e11d8c5e8734fbcb39a6d5906eb347bfbcad79c617'

module.exports = { vectors, file, diagnoseVectors, diagnoseFile, DOC, DOC_SIGNATURE }
