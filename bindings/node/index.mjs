// ESM entry: the same functions as the CommonJS entry (index.js).
import voipsign from './index.js'

export const { sign, verify, canonical, issue, signMany, sessionSignature, diagnose, explain, Ledger, VoipSignError } = voipsign
export default voipsign
