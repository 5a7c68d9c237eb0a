// The README's Node example through import.
import { sign, issue } from 'voipsign'
import voipsign from 'voipsign'

console.log(sign({ appId: 'wx20afc706a711eefc', groupId: '1559129713_672975982', nonceStr: '8AP6DT9ybtniUJfb',
                   timeStamp: 1559129714, sessionKey: 'gDyVgzwa0mFz9uUP7M6GQQ==' }))
const ticket = issue({ appId: 'wx20afc706a711eefc', groupId: 'room-42', sessionKey: 'gDyVgzwa0mFz9uUP7M6GQQ==' })
if (typeof voipsign.verify !== 'function' || ticket.signature.length !== 64) throw new Error('unexpected module shape')
console.log('from', import.meta.resolve('voipsign'))
