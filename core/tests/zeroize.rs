//! The core's heap copies of a session_key are zeroized before their memory is
//! freed: a global allocator scans every block as it is freed for the key's bytes
//! (and its base64-decoded bytes). Counted on the test's own thread only.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

use base64::Engine as _;

const KEY: &str = "gDyVgzwa0mFz9uUP7M6GQQ==";
/// A 12-byte run of the key string: long enough never to occur by chance.
const NEEDLE: &[u8] = b"gDyVgzwa0mFz";

static FOUND: AtomicUsize = AtomicUsize::new(0);
static SCANNED: AtomicUsize = AtomicUsize::new(0);
static DECODED: [AtomicUsize; 16] = [const { AtomicUsize::new(0) }; 16];

thread_local! {
    static WATCHING: Cell<bool> = const { Cell::new(false) };
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.len() >= needle.len() && hay.windows(needle.len()).any(|w| w == needle)
}

struct Scanning;

// SAFETY: forwards to the system allocator; before a block is freed it only reads
// the block's own `layout.size()` bytes, which are still allocated at that point.
unsafe impl GlobalAlloc for Scanning {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if WATCHING.with(Cell::get) {
            // SAFETY: `ptr` is a live block of `layout.size()` bytes until freed below.
            let block = unsafe { std::slice::from_raw_parts(ptr, layout.size()) };
            SCANNED.fetch_add(1, Ordering::SeqCst);
            let mut decoded = [0u8; 16]; // on the stack: allocating here would recurse
            for (d, b) in decoded.iter_mut().zip(&DECODED) {
                *d = b.load(Ordering::SeqCst) as u8;
            }
            if contains(block, NEEDLE) || contains(block, &decoded[..12]) {
                FOUND.fetch_add(1, Ordering::SeqCst);
            }
        }
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Scanning = Scanning;

#[test]
fn key_copies_are_zeroized_before_they_are_freed() {
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(KEY)
        .unwrap();
    for (slot, b) in DECODED.iter().zip(&decoded) {
        slot.store(*b as usize, Ordering::SeqCst);
    }
    let p = voipsign::Params::new("wx20afc706a711eefc", "room-1", "nonce", 1559129714);
    let rejected = "0123456789abcdef".repeat(4);

    WATCHING.with(|w| w.set(true));
    // A boxed SessionKey, the keys sign_many validates, diagnose's key variants.
    let boxed = Box::new(voipsign::SessionKey::new(KEY).unwrap());
    drop(boxed);
    let sigs = voipsign::sign_many(&p, &[KEY, KEY]).unwrap();
    let key = voipsign::SessionKey::new(KEY).unwrap();
    let older = vec![voipsign::SessionKey::new(KEY).unwrap()];
    let d = voipsign::diagnose(&p, &key, &rejected, &older).unwrap();
    drop(older);
    WATCHING.with(|w| w.set(false));

    assert_eq!(sigs.len(), 2);
    assert_eq!(d.verdict, voipsign::Verdict::Unknown);
    assert!(
        SCANNED.load(Ordering::SeqCst) > 10,
        "the scanner saw too few frees"
    );
    assert_eq!(
        FOUND.load(Ordering::SeqCst),
        0,
        "freed heap blocks still held key bytes"
    );

    // The scanner works: a plain String copy of the key is found when freed.
    WATCHING.with(|w| w.set(true));
    drop(std::hint::black_box(KEY.to_string()));
    WATCHING.with(|w| w.set(false));
    assert_eq!(FOUND.load(Ordering::SeqCst), 1);
}
