//! `wait_until`: polls for something the background jobs do, instead of pasted sleep loops.

use std::future::Future;
use std::time::{Duration, Instant};

/// Polls `probe` every 20 ms until it returns `Some`, and returns that; panics naming `what`
/// when `timeout` passes first.
pub async fn wait_until<T, F, Fut>(what: &str, timeout: Duration, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(found) = probe().await {
            return found;
        }
        assert!(
            Instant::now() < deadline,
            "gave up after {timeout:?} waiting until {what}"
        );
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
}
