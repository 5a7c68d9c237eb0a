// ESM entry: the same functions and classes as the CommonJS entry (index.js).
import voipsign from './index.js'

export const { sign, verify, canonical, issue, signMany, sessionSignature, diagnose, explain, Ledger } = voipsign
export * from './lib/codes.js'
export default voipsign
