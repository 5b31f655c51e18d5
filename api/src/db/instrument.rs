//! Counting the statements (database round trips) a piece of work sends, with diesel's
//! `Instrumentation` hook. Off unless asked for: `counting` scopes a counter to a future (a
//! request, when `CREDENCE_COUNT_STATEMENTS` is set), and every `Db::run` inside that future
//! counts into it, whichever pooled connection it gets.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use diesel::connection::{Instrumentation, InstrumentationEvent};

tokio::task_local! {
    static STATEMENTS: Arc<AtomicU64>;
}

/// Runs `work` and returns its output with the number of statements it sent through
/// `Db::run`/`Db::transaction` (BEGIN and COMMIT count: each is a round trip).
pub async fn counting<F: Future>(work: F) -> (F::Output, u64) {
    let counter = Arc::new(AtomicU64::new(0));
    let out = STATEMENTS.scope(counter.clone(), work).await;
    (out, counter.load(Ordering::Relaxed))
}

/// The counter of the work being run, if it is counted.
pub(super) fn current() -> Option<Arc<AtomicU64>> {
    STATEMENTS.try_with(Arc::clone).ok()
}

/// Counts each statement a connection starts.
pub(super) struct StatementCounter(pub(super) Arc<AtomicU64>);

impl Instrumentation for StatementCounter {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        if let InstrumentationEvent::StartQuery { .. } = event {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }
}
