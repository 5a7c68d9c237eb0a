// Type-checked by `tsc -p __test__/tsconfig.json` (typescript.test.js): the
// public API as a TypeScript user writes it. Lines marked @ts-expect-error must
// fail to compile, so the types are not `any`.
import {
  sign,
  verify,
  canonical,
  issue,
  signMany,
  sessionSignature,
  VoipSignError,
  type ErrorCode,
  type JoinTicket,
  type SignParams,
} from '..'

const params: SignParams = {
  appId: 'wx20afc706a711eefc',
  groupId: '1559129713_672975982',
  nonceStr: '8AP6DT9ybtniUJfb',
  timeStamp: 1559129714,
  sessionKey: 'gDyVgzwa0mFz9uUP7M6GQQ==',
}

const signature: string = sign(params)
const ok: boolean = verify({ ...params, signature })
const text: string = canonical({ ...params, timeStamp: 1559129714n })
const many: string[] = signMany({ ...params, sessionKeys: [params.sessionKey] as const })
const check: string = sessionSignature(params.sessionKey)
const checkBody: string = sessionSignature(params.sessionKey, Buffer.from('{}'))

// What an HTTP handler returns to the mini program.
function joinTicket(sessionKey: string, groupId: string): JoinTicket {
  return issue({ appId: params.appId, groupId, sessionKey, roomType: 'video' })
}
const ticket = joinTicket(params.sessionKey, 'room-42')
const roomType: 'voice' | 'video' = ticket.roomType
const seconds: number = ticket.timeStamp

function codeOf(err: unknown): ErrorCode | undefined {
  if (err instanceof VoipSignError) {
    const code: ErrorCode = err.code
    const message: string = err.message
    void message
    return code
  }
  return undefined
}
const e = new VoipSignError('INVALID_NONCE', 'nonceStr is empty')
codeOf(e)

// @ts-expect-error timeStamp is a number, not a string
sign({ ...params, timeStamp: '1559129714' })
// @ts-expect-error sessionKey is required
sign({ appId: 'a', groupId: 'g', nonceStr: 'n', timeStamp: 1 })
// @ts-expect-error roomType is 'voice' or 'video'
issue({ appId: 'a', groupId: 'g', sessionKey: 'k', roomType: 'audio' })
// @ts-expect-error verify needs the signature
verify(params)
// @ts-expect-error not an error code
const bad: ErrorCode = 'INVALID_THING'
// @ts-expect-error body is a string or bytes
sessionSignature('k', 42)

void [ok, text, many, check, checkBody, roomType, seconds, bad]
