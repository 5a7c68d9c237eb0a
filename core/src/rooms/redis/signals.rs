//! Async signals deferred during one Redis call (Unix), and the same guard as a
//! no-op elsewhere.
//!
//! On Windows a blocking socket read is not interrupted by anything like a
//! signal handler (there are no async signals; console events run on a thread of
//! their own), so there is nothing to defer.

#[cfg(unix)]
pub(crate) use unix::Deferred;

#[cfg(not(unix))]
pub(crate) use other::Deferred;

#[cfg(unix)]
mod unix {
    use nix::sys::signal::{pthread_sigmask, SigSet, SigmaskHow, Signal};

    /// Async signals blocked on the calling thread for one call, restored after.
    ///
    /// A socket read with a timeout (SO_RCVTIMEO) is never restarted by the kernel
    /// after a signal handler ran, whatever SA_RESTART says (socket(7)): it fails
    /// with EINTR, and the Redis client fails the call. Measured before this guard
    /// (2026-12-02, loopback server): with SIGUSR1 sent every 200 µs to a C program,
    /// 1086 of 2000 admissions failed; a Go program failed 2 of 10 race runs with no
    /// signal of its own (Go's preemption signal, SIGURG, lands on the calling
    /// thread); SIGPROF (profilers), SIGCHLD and the signal handlers of Python, PHP,
    /// the JVM and libuv do the same. Deferred, the signals are delivered when the
    /// call ends: at most 2 × connect_timeout + 6 × command_timeout later (two
    /// connection attempts, three commands each: docs/ROOMS.md, "Signals during a
    /// call"). Synchronous
    /// signals (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGSYS) and SIGABRT are
    /// never blocked; glibc keeps its internal signals out of a full set by itself.
    /// Cost: two `rt_sigprocmask` calls, well under a microsecond next to a network
    /// round trip. A stopped and continued process (SIGSTOP/SIGCONT, which cannot be
    /// blocked) may still see EINTR: that call fails (`LEDGER_UNAVAILABLE`), it is
    /// never run twice.
    pub(crate) struct Deferred(Option<SigSet>);

    impl Deferred {
        pub(crate) fn new() -> Deferred {
            let mut set = SigSet::all();
            for s in [
                Signal::SIGSEGV,
                Signal::SIGBUS,
                Signal::SIGILL,
                Signal::SIGFPE,
                Signal::SIGTRAP,
                Signal::SIGSYS,
                Signal::SIGABRT,
            ] {
                set.remove(s);
            }
            let mut old = SigSet::empty();
            match pthread_sigmask(SigmaskHow::SIG_BLOCK, Some(&set), Some(&mut old)) {
                Ok(()) => Deferred(Some(old)),
                Err(_) => Deferred(None),
            }
        }
    }

    impl Drop for Deferred {
        fn drop(&mut self) {
            if let Some(old) = self.0.take() {
                let _ = pthread_sigmask(SigmaskHow::SIG_SETMASK, Some(&old), None);
            }
        }
    }
}

#[cfg(not(unix))]
mod other {
    /// Nothing to defer on this platform (see the module's documentation).
    pub(crate) struct Deferred;

    impl Deferred {
        pub(crate) fn new() -> Deferred {
            Deferred
        }
    }
}
