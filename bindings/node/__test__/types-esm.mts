// Type-checked with types.ts: the API imported from an ES module, by package name
// (self-reference through package.json "exports").
import { sign, issue, diagnose, explain, Ledger, VoipSignError, RoomFull, RefusalError, type JoinTicket, type Cause, type Mistake, type Room, type RoomPage } from 'voipsign'
import voipsign from 'voipsign'

const signature: string = sign({
  appId: 'wx20afc706a711eefc',
  groupId: '1559129713_672975982',
  nonceStr: '8AP6DT9ybtniUJfb',
  timeStamp: 1559129714,
  sessionKey: 'gDyVgzwa0mFz9uUP7M6GQQ==',
})
const ticket: JoinTicket = voipsign.issue({ appId: 'wx20afc706a711eefc', groupId: 'g', sessionKey: 'k' })
const err: VoipSignError = new VoipSignError('INTERNAL', 'x')
const mistakes: Mistake[] = diagnose({
  appId: 'wx20afc706a711eefc',
  groupId: '1559129713_672975982',
  nonceStr: '8AP6DT9ybtniUJfb',
  timeStamp: 1559129714,
  sessionKey: 'gDyVgzwa0mFz9uUP7M6GQQ==',
  signature,
}).mistakes
const cause: Cause = voipsign.explain({ errCode: -2, errMsg: 'joinVoIPChat:fail' }).cause
// Top-level await in an ES module.
const room: Room = await Ledger.memory().room({ appId: 'wx20afc706a711eefc', groupId: 'g' })
const page: RoomPage = await Ledger.memory().rooms({ appId: 'wx20afc706a711eefc', limit: 10 })
const same: typeof Ledger = voipsign.Ledger
const refusal: RefusalError = new RoomFull()
void [signature, ticket, err, issue, mistakes, cause, explain, room, page, same, refusal]
