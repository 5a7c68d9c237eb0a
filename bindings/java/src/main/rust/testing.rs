//! Test-only entry (cargo feature `test-panic`, never in the jar's library): a
//! native method that panics inside the panic boundary.

use std::panic::{self, PanicHookInfo};
use std::sync::Once;

use jni::objects::{JClass, JString};
use jni::{jni_mangle, EnvUnowned};

use crate::errors::{Result, ThrowVoipSign};

const DELIBERATE: &str = "deliberate panic from TestPanic.panicForTests (cargo feature test-panic)";

/// Print the first deliberate panic as Rust does, then only other panics: the
/// tests panic thousands of times on purpose.
fn quiet_after_first() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let default = panic::take_hook();
        let first = Once::new();
        panic::set_hook(Box::new(move |info: &PanicHookInfo<'_>| {
            let payload = info.payload();
            let text = payload.downcast_ref::<String>().map(String::as_str);
            let deliberate = text.or(payload.downcast_ref::<&str>().copied()) == Some(DELIBERATE);
            let mut print = !deliberate;
            first.call_once(|| print = true);
            if print {
                default(info);
            }
        }));
    });
}

/// `TestPanic.panicForTests()` (src/test/java): panics; must throw VoipSignException(INTERNAL).
#[jni_mangle("io.voipsign.TestPanic")]
pub fn panic_for_tests<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
) -> JString<'local> {
    quiet_after_first();
    env.with_env(|_env| -> Result<JString<'local>> { panic!("{}", DELIBERATE) })
        .resolve::<ThrowVoipSign>()
}
