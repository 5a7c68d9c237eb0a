// voipsign: signatures for WeChat wx.joinVoIPChat, computed by one audited Rust
// core (../../core) through a napi-rs addon. See index.d.ts for the documented
// API, README.md for examples.
//
// lib/api.js reads the properties of each function's one object argument,
// checks their JavaScript types and passes them to the addon (binding.js)
// positionally; every value check, the sorting and the HMAC (and diagnose's
// search) happen in the core, which decides which of several bad inputs is
// reported (docs/CONTRACT.md). lib/codes.js (generated from core's contract)
// holds the error classes, lib/ledger.js the room ledger's Ledger class
// (docs/ROOMS.md).
'use strict'

const { bind } = require('./lib/api.js')

module.exports = { ...bind(require('./binding.js')), ...require('./lib/codes.js') }
