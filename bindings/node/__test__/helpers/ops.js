// The operations of tests/vectors/signatures.json ("op"; none is `sign`) as
// calls of the package's API, with the vector's fields as the caller's object.
'use strict'

/**
 * The call of `api` (the package's exports) that a vector case describes.
 * Fields the case does not carry stay `undefined` (absent), as in the JSON.
 */
function callOf(api, c) {
  const room = { appId: c.appId, groupId: c.groupId, nonceStr: c.nonceStr, timeStamp: c.timeStamp }
  switch (c.op ?? 'sign') {
    case 'sign':
      return () => api.sign({ ...room, sessionKey: c.sessionKey })
    case 'canonical':
      return () => api.canonical(room)
    case 'verify':
      return () => api.verify({ ...room, sessionKey: c.sessionKey, signature: c.signature })
    case 'sign_many':
      return () => api.signMany({ ...room, sessionKeys: c.sessionKeys })
    case 'issue':
      return () => api.issue({ appId: c.appId, groupId: c.groupId, sessionKey: c.sessionKey, roomType: c.roomType })
    case 'diagnose':
      return () =>
        api.diagnose({
          ...room,
          sessionKey: c.sessionKey,
          signature: c.rejectedSignature,
          otherSessionKeys: c.otherSessionKeys,
        })
    case 'session_signature':
      return () => api.sessionSignature(c.sessionKey, c.body)
    default:
      throw new Error(`unknown op ${JSON.stringify(c.op)} in vector ${c.name}`)
  }
}

/** Every op the vector file may use. */
const OPS = ['sign', 'canonical', 'verify', 'sign_many', 'issue', 'diagnose', 'session_signature']

module.exports = { callOf, OPS }
