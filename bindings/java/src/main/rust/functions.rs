//! The signing functions: `io.voipsign.Native`'s static methods, which
//! `io.voipsign.VoipSign` calls after refusing nulls.
//!
//! Each reads its arguments ([`crate::text`]: UTF-16, strictly), makes ONE call to
//! `voipsign::request`, which validates every value in the contract's order
//! (docs/CONTRACT.md, "When several inputs are bad"), and hands the result back
//! as a `String`, a `boolean` or a `String[]` that the Java class turns into its
//! result object. Nothing here checks a value or decides an order.

use jni::objects::{JByteArray, JClass, JObjectArray, JString};
use jni::sys::{jboolean, jlong, jsize};
use jni::{jni_mangle, Env, EnvUnowned};
use voipsign::contract::Scope;
use voipsign::{request, ErrorCode};

use crate::errors::{Result, ThrowVoipSign};
use crate::text::{new_string, null_argument, read, read_all, read_secret};

/// A new `String[]` holding `items`.
pub fn string_array<'local, S: AsRef<str>>(
    env: &mut Env<'local>,
    items: &[S],
) -> Result<JObjectArray<'local, JString<'local>>> {
    let array = JObjectArray::<JString>::new(env, items.len(), JString::null())?;
    for (i, item) in items.iter().enumerate() {
        let s = new_string(env, item.as_ref())?;
        array.set_element(env, i, &s)?;
        env.delete_local_ref(s);
    }
    Ok(array)
}

/// Write a signature's 64 ASCII hex digits into `out` from `index * 64` on.
///
/// The signing functions hand their result back this way, into a `byte[]` the
/// Java side allocated, which makes the `String` itself (`ISO_8859_1`): measured,
/// `NewStringUTF` of 64 characters costs more than a third of a `sign` call.
fn put_signature(
    env: &Env<'_>,
    out: &JByteArray<'_>,
    index: usize,
    sig: &voipsign::Signature,
) -> Result<()> {
    let mut bytes = [0_i8; voipsign::SIGNATURE_LEN];
    for (b, &h) in bytes.iter_mut().zip(sig.as_str().as_bytes()) {
        *b = h as i8;
    }
    let start = index * voipsign::SIGNATURE_LEN;
    let start = jsize::try_from(start).map_err(|_| null_argument("out"))?;
    Ok(out.set_region(env, start, &bytes)?)
}

/// `Native.sign(appId, groupId, nonceStr, timeStamp, sessionKey, out)`: the
/// signature into `out` (64 bytes).
#[jni_mangle("io.voipsign.Native")]
#[allow(clippy::too_many_arguments)]
pub fn sign<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    app_id: JString<'local>,
    group_id: JString<'local>,
    nonce_str: JString<'local>,
    timestamp: jlong,
    session_key: JString<'local>,
    out: JByteArray<'local>,
) {
    env.with_env(|env| -> Result<_> {
        let app = read(env, &app_id, "appId")?;
        let group = read(env, &group_id, "groupId")?;
        let nonce = read(env, &nonce_str, "nonceStr")?;
        let key = read_secret(env, &session_key, "sessionKey")?;
        let (a, g, n, k) = (app.as_str(), group.as_str(), nonce.as_str(), key.as_str());
        let sig = request::sign(a, g, n, timestamp, k)?;
        put_signature(env, &out, 0, &sig)
    })
    .resolve::<ThrowVoipSign>()
}

/// `Native.verify(appId, groupId, nonceStr, timeStamp, sessionKey, signature)`.
#[jni_mangle("io.voipsign.Native")]
#[allow(clippy::too_many_arguments)]
pub fn verify<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    app_id: JString<'local>,
    group_id: JString<'local>,
    nonce_str: JString<'local>,
    timestamp: jlong,
    session_key: JString<'local>,
    signature: JString<'local>,
) -> jboolean {
    env.with_env(|env| -> Result<_> {
        let app = read(env, &app_id, "appId")?;
        let group = read(env, &group_id, "groupId")?;
        let nonce = read(env, &nonce_str, "nonceStr")?;
        let key = read_secret(env, &session_key, "sessionKey")?;
        let sig = read(env, &signature, "signature")?;
        let (a, g, n, k) = (app.as_str(), group.as_str(), nonce.as_str(), key.as_str());
        Ok(request::verify(a, g, n, timestamp, k, sig.as_str())?)
    })
    .resolve::<ThrowVoipSign>()
}

/// `Native.canonical(appId, groupId, nonceStr, timeStamp)`.
#[jni_mangle("io.voipsign.Native")]
pub fn canonical<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    app_id: JString<'local>,
    group_id: JString<'local>,
    nonce_str: JString<'local>,
    timestamp: jlong,
) -> JString<'local> {
    env.with_env(|env| -> Result<_> {
        let app = read(env, &app_id, "appId")?;
        let group = read(env, &group_id, "groupId")?;
        let nonce = read(env, &nonce_str, "nonceStr")?;
        let (a, g, n) = (app.as_str(), group.as_str(), nonce.as_str());
        let text = request::canonical(a, g, n, timestamp)?;
        new_string(env, &text)
    })
    .resolve::<ThrowVoipSign>()
}

/// `Native.signMany(appId, groupId, nonceStr, timeStamp, sessionKeys, out)`:
/// the signatures in the order of the keys, into `out` (64 bytes each).
#[jni_mangle("io.voipsign.Native")]
#[allow(clippy::too_many_arguments)]
pub fn sign_many<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    app_id: JString<'local>,
    group_id: JString<'local>,
    nonce_str: JString<'local>,
    timestamp: jlong,
    session_keys: JObjectArray<'local, JString<'local>>,
    out: JByteArray<'local>,
) {
    env.with_env(|env| -> Result<_> {
        let app = read(env, &app_id, "appId")?;
        let group = read(env, &group_id, "groupId")?;
        let nonce = read(env, &nonce_str, "nonceStr")?;
        let keys = read_all(env, &session_keys, request::SESSION_KEYS_FIELD, true)?;
        let (a, g, n) = (app.as_str(), group.as_str(), nonce.as_str());
        let sigs = request::sign_many(a, g, n, timestamp, &keys)?;
        for (i, sig) in sigs.iter().enumerate() {
            put_signature(env, &out, i, sig)?;
        }
        Ok(())
    })
    .resolve::<ThrowVoipSign>()
}

/// `Native.sessionSignature(sessionKey, body, out)`: the signature into `out`.
#[jni_mangle("io.voipsign.Native")]
pub fn session_signature<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    session_key: JString<'local>,
    body: JByteArray<'local>,
    out: JByteArray<'local>,
) {
    env.with_env(|env| -> Result<_> {
        let key = read_secret(env, &session_key, "sessionKey")?;
        if body.is_null() {
            return Err(null_argument("body"));
        }
        let body = env.convert_byte_array(&body)?;
        let sig = request::session_signature(key.as_str(), &body)?;
        put_signature(env, &out, 0, &sig)
    })
    .resolve::<ThrowVoipSign>()
}

/// `Native.issue(appId, groupId, sessionKey, roomType)` (roomType null: voice):
/// `{groupId, nonceStr, timeStamp, signature, roomType, json}`.
#[jni_mangle("io.voipsign.Native")]
pub fn issue<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    app_id: JString<'local>,
    group_id: JString<'local>,
    session_key: JString<'local>,
    room_type: JString<'local>,
) -> JObjectArray<'local, JString<'local>> {
    env.with_env(|env| -> Result<_> {
        let app = read(env, &app_id, "appId")?;
        let group = read(env, &group_id, "groupId")?;
        let key = read_secret(env, &session_key, "sessionKey")?;
        let room = match room_type.is_null() {
            true => None,
            false => Some(read(env, &room_type, "roomType")?),
        };
        let room = room.as_ref().map(|r| r.as_str());
        let ticket = request::issue(app.as_str(), group.as_str(), key.as_str(), room)?;
        ticket_array(env, &ticket)
    })
    .resolve::<ThrowVoipSign>()
}

/// A ticket as `{groupId, nonceStr, timeStamp, signature, roomType, json}`.
pub fn ticket_array<'local>(
    env: &mut Env<'local>,
    t: &voipsign::JoinTicket,
) -> Result<JObjectArray<'local, JString<'local>>> {
    let timestamp = t.timestamp.to_string();
    let json = t.to_json();
    let fields = [
        t.group_id.as_str(),
        t.nonce_str.as_str(),
        timestamp.as_str(),
        t.signature.as_str(),
        t.room_type.as_str(),
        json.as_str(),
    ];
    string_array(env, &fields)
}

/// `Native.diagnose(appId, groupId, nonceStr, timeStamp, sessionKey,
/// rejectedSignature, otherSessionKeys)`: `{verdict, message, expected,
/// canonical, mistake…}`.
#[jni_mangle("io.voipsign.Native")]
#[allow(clippy::too_many_arguments)]
pub fn diagnose<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    app_id: JString<'local>,
    group_id: JString<'local>,
    nonce_str: JString<'local>,
    timestamp: jlong,
    session_key: JString<'local>,
    rejected_signature: JString<'local>,
    other_session_keys: JObjectArray<'local, JString<'local>>,
) -> JObjectArray<'local, JString<'local>> {
    env.with_env(|env| -> Result<_> {
        let app = read(env, &app_id, "appId")?;
        let group = read(env, &group_id, "groupId")?;
        let nonce = read(env, &nonce_str, "nonceStr")?;
        let key = read_secret(env, &session_key, "sessionKey")?;
        let rejected = read(env, &rejected_signature, "rejectedSignature")?;
        let others = read_all(
            env,
            &other_session_keys,
            request::OTHER_SESSION_KEYS_FIELD,
            true,
        )?;
        let (a, g, n, k) = (app.as_str(), group.as_str(), nonce.as_str(), key.as_str());
        let d = request::diagnose(a, g, n, timestamp, k, rejected.as_str(), &others)?;
        let mut fields = vec![
            d.verdict.name(),
            d.message.as_str(),
            d.expected.as_str(),
            d.canonical.as_str(),
        ];
        fields.extend(d.mistakes.iter().map(|m| m.name()));
        string_array(env, &fields)
    })
    .resolve::<ThrowVoipSign>()
}

/// `Native.explain(errCode, errMsg)`: `{cause, meaning, action}`. errMsg is read
/// leniently (jni's modified-UTF-8 path): only its digits and words count.
#[jni_mangle("io.voipsign.Native")]
pub fn explain<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    err_code: jlong,
    err_msg: JString<'local>,
) -> JObjectArray<'local, JString<'local>> {
    env.with_env(|env| -> Result<_> {
        let msg = match err_msg.is_null() {
            true => String::new(),
            false => err_msg.try_to_string(env)?,
        };
        let e = voipsign::explain(err_code, &msg);
        string_array(
            env,
            &[e.cause.name(), e.meaning.as_str(), e.action.as_str()],
        )
    })
    .resolve::<ThrowVoipSign>()
}

/// `Native.explainWith(errCode, errMsg, context)`: `{cause, meaning, action}`
/// with the ledger context, a JSON object by camelCase name (`ExplainContext`,
/// parsed and checked by core: `INVALID_CONTEXT` naming a bad field).
#[jni_mangle("io.voipsign.Native")]
pub fn explain_with<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    err_code: jlong,
    err_msg: JString<'local>,
    context: JString<'local>,
) -> JObjectArray<'local, JString<'local>> {
    env.with_env(|env| -> Result<_> {
        let msg = match err_msg.is_null() {
            true => String::new(),
            false => err_msg.try_to_string(env)?,
        };
        let text = context.try_to_string(env)?;
        let ctx = match text.is_empty() {
            true => voipsign::ExplainContext::default(),
            false => voipsign::ExplainContext::from_json(&text, voipsign::Spelling::Camel)?,
        };
        let e = voipsign::explain_with(err_code, &msg, &ctx);
        string_array(
            env,
            &[e.cause.name(), e.meaning.as_str(), e.action.as_str()],
        )
    })
    .resolve::<ThrowVoipSign>()
}

/// `Native.version()`: the core's version.
#[jni_mangle("io.voipsign.Native")]
pub fn version<'local>(mut env: EnvUnowned<'local>, _class: JClass<'local>) -> JString<'local> {
    env.with_env(|env| -> Result<_> { new_string(env, voipsign::VERSION) })
        .resolve::<ThrowVoipSign>()
}

/// `Native.errorCodes()`: every code name a binding shows (not the C ABI's own), in the order of their
/// numbers (the tests check `Code` against it).
#[jni_mangle("io.voipsign.Native")]
pub fn error_codes<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
) -> JObjectArray<'local, JString<'local>> {
    env.with_env(|env| -> Result<_> {
        let codes = ErrorCode::ALL
            .iter()
            .filter(|c| c.describe().scope != Scope::C);
        let names: Vec<&str> = codes.map(|c| c.name()).collect();
        string_array(env, &names)
    })
    .resolve::<ThrowVoipSign>()
}
