//! SessionKey wipes its own bytes when dropped: checked on the type (it has drop
//! glue, is not Copy, and is `ZeroizeOnDrop`) and on the value, by dropping keys in
//! place (stack slot, Box, clones, Vec) and reading the memory they occupied.
//! Complements tests/zeroize.rs, which scans every heap block the core frees.

use std::marker::PhantomData;
use std::mem::{size_of, MaybeUninit};

use voipsign::SessionKey;

const KEY: &str = "gDyVgzwa0mFz9uUP7M6GQQ==";

/// `Probe::<T>::is_copy()` is the inherent method (true) when T: Copy, else the
/// trait's default (false).
struct Probe<T>(PhantomData<T>);
trait NotCopy {
    fn is_copy(&self) -> bool {
        false
    }
}
impl<T> NotCopy for Probe<T> {}
impl<T: Copy> Probe<T> {
    #[allow(dead_code)]
    fn is_copy(&self) -> bool {
        true
    }
}

fn zeroize_on_drop<T: zeroize::ZeroizeOnDrop>() {}

#[test]
fn the_type_cannot_escape_its_drop() {
    zeroize_on_drop::<SessionKey>();
    assert!(
        std::mem::needs_drop::<SessionKey>(),
        "SessionKey has no drop glue"
    );
    assert!(
        !Probe::<SessionKey>(PhantomData).is_copy(),
        "SessionKey is Copy"
    );
    // Its bytes live inline (no pointer to a buffer the Drop impl might miss).
    assert!(size_of::<SessionKey>() >= KEY.len());
    assert!(size_of::<SessionKey>() < 2 * KEY.len());
}

/// The bytes of `slot` after dropping its value in place hold no 8-byte run of the key.
fn dropped_bytes_hold_no_key(slot: &mut MaybeUninit<SessionKey>) {
    // SAFETY: the caller wrote a SessionKey into `slot`; it is dropped exactly once
    // here and never used as a SessionKey again.
    unsafe { std::ptr::drop_in_place(slot.as_mut_ptr()) };
    // SAFETY: `slot` is still allocated and every byte of it was written (the key's
    // bytes, then the zeros of its Drop); SessionKey is a byte array, no padding.
    let bytes =
        unsafe { std::slice::from_raw_parts(slot.as_ptr().cast::<u8>(), size_of::<SessionKey>()) };
    for run in KEY.as_bytes().windows(8) {
        assert!(
            !bytes.windows(8).any(|w| w == run),
            "dropped SessionKey still holds {:?}",
            std::str::from_utf8(run)
        );
    }
}

#[test]
fn a_dropped_key_leaves_no_bytes_behind() {
    let mut slot = MaybeUninit::new(SessionKey::new(KEY).unwrap());
    // SAFETY: initialised just above.
    let before =
        unsafe { std::slice::from_raw_parts(slot.as_ptr().cast::<u8>(), size_of::<SessionKey>()) };
    assert!(
        before.windows(KEY.len()).any(|w| w == KEY.as_bytes()),
        "the check could not fail"
    );
    dropped_bytes_hold_no_key(&mut slot);

    let original = SessionKey::new(KEY).unwrap();
    let mut clone = MaybeUninit::new(original.clone());
    dropped_bytes_hold_no_key(&mut clone);
    let mut original = MaybeUninit::new(original);
    dropped_bytes_hold_no_key(&mut original);

    let mut boxed: Box<MaybeUninit<SessionKey>> =
        Box::new(MaybeUninit::new(SessionKey::new(KEY).unwrap()));
    dropped_bytes_hold_no_key(&mut boxed);

    let mut keys: Vec<MaybeUninit<SessionKey>> = (0..10)
        .map(|_| MaybeUninit::new(SessionKey::new(KEY).unwrap()))
        .collect();
    for k in &mut keys {
        dropped_bytes_hold_no_key(k);
    }
}
