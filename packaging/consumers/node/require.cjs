// The README's Node example through require().
const { sign, issue, verify, VoipSignError } = require('voipsign')

console.log(sign({ appId: 'wx20afc706a711eefc', groupId: '1559129713_672975982', nonceStr: '8AP6DT9ybtniUJfb',
                   timeStamp: 1559129714, sessionKey: 'gDyVgzwa0mFz9uUP7M6GQQ==' }))
const ticket = issue({ appId: 'wx20afc706a711eefc', groupId: 'room-42', sessionKey: 'gDyVgzwa0mFz9uUP7M6GQQ==' })
if (!verify({ appId: 'wx20afc706a711eefc', groupId: 'room-42', nonceStr: ticket.nonceStr, timeStamp: ticket.timeStamp,
              sessionKey: 'gDyVgzwa0mFz9uUP7M6GQQ==', signature: ticket.signature })) throw new Error('ticket does not verify')
try {
  sign({ appId: 'wx20afc706a711eefc', groupId: 'room-42', nonceStr: '8AP6DT9ybtniUJfb', timeStamp: Date.now(),
         sessionKey: 'gDyVgzwa0mFz9uUP7M6GQQ==' })
} catch (err) {
  if (!(err instanceof VoipSignError)) throw err
  console.log('error', err.code)
}
console.log('from', require.resolve('voipsign'))
