//! `sign` makes no heap allocation: counted by a global allocator, on the test's
//! own thread only (the test harness's threads may allocate meanwhile).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// Whether allocations on this thread are counted (const-initialised: reading it
    /// does not allocate).
    static COUNTING: Cell<bool> = const { Cell::new(false) };
}

fn count() {
    if COUNTING.with(Cell::get) {
        ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
    }
}

// SAFETY: forwards to the system allocator unchanged; only counts calls.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn sign_and_verify_make_no_heap_allocation() {
    let key = voipsign::SessionKey::new("gDyVgzwa0mFz9uUP7M6GQQ==").unwrap();
    let long_group = "房".repeat(300);
    let params = [
        voipsign::Params::new(
            "wx20afc706a711eefc",
            "1559129713_672975982",
            "8AP6DT9ybtniUJfb",
            1559129714,
        ),
        voipsign::Params::new("wx20afc706a711eefc", &long_group, "8AP6DT9ybtniUJfb", 1),
    ];
    let expected = "b002b824688dd8593a6079e11d8c5e8734fbcb39a6d5906eb347bfbcad79c617";
    COUNTING.with(|c| c.set(true));
    let before = ALLOCATIONS.load(Ordering::SeqCst);
    let mut n = 0;
    for _ in 0..1000 {
        for p in &params {
            let sig = voipsign::sign(p, &key).unwrap();
            n += sig.as_bytes()[0] as usize;
        }
        assert!(voipsign::verify(&params[0], &key, expected).unwrap());
        let _k = voipsign::SessionKey::new("gDyVgzwa0mFz9uUP7M6GQQ==").unwrap();
    }
    let after = ALLOCATIONS.load(Ordering::SeqCst);
    assert!(n > 0);
    assert_eq!(
        after - before,
        0,
        "sign/verify/SessionKey::new allocated {} times",
        after - before
    );
    // The counter works: an allocation is seen.
    let v = std::hint::black_box(vec![1u8; 10]);
    assert!(ALLOCATIONS.load(Ordering::SeqCst) > after && v.len() == 10);
    COUNTING.with(|c| c.set(false));
}
