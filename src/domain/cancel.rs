//! Cooperative cancellation of long computations.
//!
//! A [`Cancellation`] is a flag shared between whoever runs a computation
//! (the server, when a call's deadline passes or its client goes away) and
//! the computation itself. The long loops of the domain (schedule building,
//! one period at a time; the solver's search, one evaluation at a time;
//! the coalitions of a reconciliation) call [`check`] and return
//! [`DomainError::Cancelled`] or [`DomainError::DeadlineExceeded`] once the
//! flag is set, so abandoned work stops within one step of a loop.
//!
//! The flag is installed for the current thread by [`scope`] rather than
//! passed as an argument: the loops sit several calls below the entry points
//! (a solve builds schedules through valuations of debt streams), and an
//! ambient flag keeps every domain signature, and the tests and property
//! tests that call them, unchanged. A computation runs on one thread (the
//! domain spawns none), so the thread's flag is the computation's. Outside a
//! scope [`check`] always succeeds: a library caller that never cancels pays
//! one thread-local read per step.
//!
//! Nothing here knows about gRPC or a clock: the server decides when to set
//! the flag.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;

use super::error::DomainError;

const RUNNING: u8 = 0;
const CANCELLED: u8 = 1;
const DEADLINE_EXCEEDED: u8 = 2;

/// A shared cancellation flag; clones share it.
#[derive(Debug, Clone, Default)]
pub struct Cancellation(Arc<AtomicU8>);

impl Cancellation {
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks the computation to stop: its caller went away. The first reason
    /// set wins.
    pub fn cancel(&self) {
        self.set(CANCELLED);
    }

    /// Asks the computation to stop: its deadline passed.
    pub fn expire(&self) {
        self.set(DEADLINE_EXCEEDED);
    }

    fn set(&self, state: u8) {
        let _ = self
            .0
            .compare_exchange(RUNNING, state, Ordering::Relaxed, Ordering::Relaxed);
    }

    /// `Err` once [`Self::cancel`] or [`Self::expire`] was called.
    pub fn check(&self) -> Result<(), DomainError> {
        match self.0.load(Ordering::Relaxed) {
            RUNNING => Ok(()),
            DEADLINE_EXCEEDED => Err(DomainError::DeadlineExceeded),
            _ => Err(DomainError::Cancelled),
        }
    }

    /// Whether the computation was asked to stop.
    pub fn is_stopped(&self) -> bool {
        self.check().is_err()
    }
}

thread_local! {
    static CURRENT: RefCell<Option<Cancellation>> = const { RefCell::new(None) };
}

/// Runs `work` on this thread with `cancellation` as the flag [`check`]
/// reads; the previous flag (if any) is restored afterwards, even if `work`
/// panics.
pub fn scope<R>(cancellation: &Cancellation, work: impl FnOnce() -> R) -> R {
    struct Restore(Option<Cancellation>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let previous = self.0.take();
            CURRENT.with(|current| *current.borrow_mut() = previous);
        }
    }
    let previous = CURRENT.with(|current| current.replace(Some(cancellation.clone())));
    let _restore = Restore(previous);
    work()
}

/// `Err(Cancelled)` or `Err(DeadlineExceeded)` when the computation running
/// on this thread was asked to stop; `Ok` otherwise (and always outside a
/// [`scope`]). Called once per step of the long loops.
pub fn check() -> Result<(), DomainError> {
    CURRENT.with(|current| match &*current.borrow() {
        Some(cancellation) => cancellation.check(),
        None => Ok(()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_follows_the_flag_of_the_scope() {
        assert_eq!(check(), Ok(()));
        let flag = Cancellation::new();
        scope(&flag, || {
            assert_eq!(check(), Ok(()));
            flag.expire();
            assert_eq!(check(), Err(DomainError::DeadlineExceeded));
            // The first reason wins.
            flag.cancel();
            assert_eq!(check(), Err(DomainError::DeadlineExceeded));
        });
        assert_eq!(check(), Ok(()));
    }

    #[test]
    fn scopes_nest_and_restore_after_a_panic() {
        let outer = Cancellation::new();
        let inner = Cancellation::new();
        inner.cancel();
        scope(&outer, || {
            scope(&inner, || assert_eq!(check(), Err(DomainError::Cancelled)));
            assert_eq!(check(), Ok(()));
            let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                scope(&inner, || panic!("boom"))
            }));
            assert!(caught.is_err());
            assert_eq!(check(), Ok(()));
        });
    }
}
