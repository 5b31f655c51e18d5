//! On PostgreSQL, each process knows the session epoch without asking for it: a listener
//! thread keeps it current, woken by `NOTIFY` ([`CHANNEL`]) whenever
//! `sessions::invalidate` raises it.
//!
//! **When the in-memory epoch may be used** ([`EpochWatch::current`]): only while the listener
//! is healthy — connected, listening, and having read the epoch from its table within the
//! last [`TRUST`] — and read it after every raise this process made itself was over
//! (`Db::session_epoch_raises`: a logout is refused by the next request to the same process
//! at once, not one notification later). Otherwise (starting, connection lost, reconnecting, or turned off with
//! `CREDENCE_SESSION_LISTEN=off`) `current` answers `None` and a request reads the epoch from
//! the database as on SQLite: a process never answers from its session cache on an epoch it
//! cannot vouch for.
//!
//! **How it stays current** ([`listen`]): the thread opens its own connection, runs `LISTEN`,
//! and only then reads the epoch from the table, so no raise can fall between the two. Then,
//! every [`POLL`], it takes what notifications arrived (`PQconsumeInput`, no round trip); any
//! notification makes it read the table again (the payload is only a wake-up: the table is the
//! truth, so a stray `NOTIFY` on the channel cannot move the epoch). Every [`RECHECK`] it reads
//! the table anyway: that proves the connection still answers (a silent network failure shows
//! no error to a poll) and renews the trust. A notification is delivered at the commit of the
//! transaction that raised the epoch, so another process forgets its cached sessions within
//! about one `POLL` of that commit.

use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, Weak};
use std::time::{Duration, Instant};

use crate::db::{DbConnection, DbUrl};
use crate::error::ApiError;

/// The PostgreSQL notification channel `sessions::invalidate` notifies on.
pub const CHANNEL: &str = "credence_session_epoch";

/// How often the listener takes the notifications that arrived (no round trip: it reads what
/// the server already sent). Bounds how late another process learns of a raised epoch.
pub const POLL: Duration = Duration::from_millis(10);

/// How often the listener reads the epoch from its table even without a notification.
pub const RECHECK: Duration = Duration::from_millis(250);

/// How long after its last successful read the listener's epoch is trusted.
pub const TRUST: Duration = Duration::from_secs(1);

/// How long the listener waits before connecting again after a failure (doubling up to
/// [`MAX_BACKOFF`]).
const BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(2);

/// The session epoch as this process's listener last read it, and whether to trust it.
pub struct EpochWatch {
    started: Instant,
    epoch: AtomicI64,
    /// When the epoch was last read, in milliseconds since `started`; 0 = never (or distrusted).
    read_at_ms: AtomicU64,
    notifications: AtomicU64,
    /// Connections the listener made (and started listening on).
    connections: AtomicU64,
    listening: AtomicBool,
    /// This process's own raises (`Db::session_epoch_raises`), and how many of them were over
    /// when the listener last read the table.
    own_raises: OnceLock<Arc<AtomicU64>>,
    raises_seen: AtomicU64,
}

impl Default for EpochWatch {
    fn default() -> Self {
        EpochWatch {
            started: Instant::now(),
            epoch: AtomicI64::new(0),
            read_at_ms: AtomicU64::new(0),
            notifications: AtomicU64::new(0),
            connections: AtomicU64::new(0),
            listening: AtomicBool::new(false),
            own_raises: OnceLock::new(),
            raises_seen: AtomicU64::new(0),
        }
    }
}

impl EpochWatch {
    fn now_ms(&self) -> u64 {
        // Never 0, which means "not read".
        self.started.elapsed().as_millis() as u64 + 1
    }

    /// The epoch, if the listener read it from the table within [`TRUST`] and its connection
    /// has not failed since; `None` means "read it from the database yourself".
    pub fn current(&self) -> Option<i64> {
        let read_at = self.read_at_ms.load(Ordering::Acquire);
        if read_at == 0 || !self.listening.load(Ordering::Acquire) {
            return None;
        }
        if self.now_ms().saturating_sub(read_at) > TRUST.as_millis() as u64 {
            return None;
        }
        let own = self.own_raises.get()?.load(Ordering::SeqCst);
        if own > self.raises_seen.load(Ordering::Acquire) {
            return None;
        }
        Some(self.epoch.load(Ordering::Acquire))
    }

    /// How many of this process's own raises are over, just before reading the table.
    fn own_raises(&self) -> u64 {
        self.own_raises
            .get()
            .map_or(0, |own| own.load(Ordering::SeqCst))
    }

    /// The listener read `epoch` from the table just now, after `raises_seen` of this
    /// process's own raises were over.
    fn read(&self, epoch: i64, raises_seen: u64) {
        self.epoch.store(epoch, Ordering::Release);
        self.raises_seen.store(raises_seen, Ordering::Release);
        self.read_at_ms.store(self.now_ms(), Ordering::Release);
        self.listening.store(true, Ordering::Release);
    }

    /// The listener lost (or has not yet got) its connection: nothing it knows counts.
    fn distrust(&self) {
        self.listening.store(false, Ordering::Release);
        self.read_at_ms.store(0, Ordering::Release);
    }

    /// Whether the listener is healthy now (for metrics).
    pub fn is_up(&self) -> bool {
        self.current().is_some()
    }

    /// Notifications received since start (for metrics and tests).
    pub fn notifications(&self) -> u64 {
        self.notifications.load(Ordering::Relaxed)
    }

    /// Connections the listener opened and listened on since start (for metrics and tests).
    pub fn connections(&self) -> u64 {
        self.connections.load(Ordering::Relaxed)
    }
}

/// Starts this process's listener on its own thread (PostgreSQL only; on SQLite it does
/// nothing and the watch is never trusted). It stops when `watch` is dropped. `own_raises`
/// counts the raises this process made (`Db::session_epoch_raises`).
pub fn listen(url: &DbUrl, watch: &Arc<EpochWatch>, own_raises: Arc<AtomicU64>) {
    let DbUrl::Postgres(raw) = url else {
        return;
    };
    if watch.own_raises.set(own_raises).is_err() {
        return; // Already listening.
    }
    // Named, so an operator (or a test) can find it in pg_stat_activity.
    let sep = if raw.contains('?') { '&' } else { '?' };
    let url = DbUrl::Postgres(format!("{raw}{sep}application_name=credence-session-epoch"));
    let weak = Arc::downgrade(watch);
    let spawned = std::thread::Builder::new()
        .name("session-epoch".into())
        .spawn(move || run(url, weak));
    if let Err(e) = spawned {
        tracing::error!(error = %e, "cannot start the session epoch listener; reading the epoch per request");
    }
}

fn run(url: DbUrl, weak: Weak<EpochWatch>) {
    let mut backoff = BACKOFF;
    loop {
        let Some(watch) = weak.upgrade() else {
            return;
        };
        watch.distrust();
        drop(watch);
        match url.connect() {
            Ok(mut conn) => {
                backoff = BACKOFF;
                if let Err(e) = follow(&mut conn, &weak) {
                    tracing::warn!(error = %e, "session epoch listener lost its connection; reading the epoch per request until it is back");
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "session epoch listener cannot connect; reading the epoch per request");
            }
        }
        if let Some(watch) = weak.upgrade() {
            watch.distrust();
        }
        std::thread::sleep(backoff);
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

/// Listens on one connection until it fails (`Err`) or the watch is dropped (`Ok`).
fn follow(conn: &mut DbConnection, weak: &Weak<EpochWatch>) -> Result<(), ApiError> {
    use diesel::RunQueryDsl;
    let DbConnection::Postgres(pg) = conn else {
        return Ok(());
    };
    diesel::sql_query(format!("LISTEN {CHANNEL}")).execute(pg)?;
    // After LISTEN: any raise from now on also arrives as a notification.
    let mut read_at = Instant::now();
    match weak.upgrade() {
        Some(watch) => {
            let seen = watch.own_raises();
            watch.read(super::sessions::epoch(conn)?, seen);
            watch.connections.fetch_add(1, Ordering::Relaxed);
        }
        None => return Ok(()),
    }
    loop {
        std::thread::sleep(POLL);
        let Some(watch) = weak.upgrade() else {
            return Ok(());
        };
        let DbConnection::Postgres(pg) = &mut *conn else {
            return Ok(());
        };
        let mut notified = 0;
        for notification in pg.notifications_iter() {
            notification?;
            notified += 1;
        }
        if notified > 0 || read_at.elapsed() >= RECHECK {
            read_at = Instant::now();
            let seen = watch.own_raises();
            watch.read(super::sessions::epoch(conn)?, seen);
        }
        // Counted once acted on.
        watch.notifications.fetch_add(notified, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_epoch_is_trusted_only_while_the_listener_vouches_for_it() {
        let watch = EpochWatch::default();
        let own = Arc::new(AtomicU64::new(0));
        watch.own_raises.set(own.clone()).unwrap();
        // Not yet read.
        assert_eq!(watch.current(), None);
        watch.read(7, 0);
        assert_eq!(watch.current(), Some(7));
        assert!(watch.is_up());
        // The connection failed: back to reading per request.
        watch.distrust();
        assert_eq!(watch.current(), None);
        watch.read(8, 0);
        assert_eq!(watch.current(), Some(8));
        // This process raised the epoch itself: not trusted until read after that raise.
        own.fetch_add(1, Ordering::SeqCst);
        assert_eq!(watch.current(), None);
        watch.read(9, watch.own_raises());
        assert_eq!(watch.current(), Some(9));
        // Read too long ago (the listener is stuck): not trusted.
        let stuck = EpochWatch {
            started: Instant::now() - TRUST * 3,
            ..EpochWatch::default()
        };
        stuck.own_raises.set(own).unwrap();
        stuck.read(9, 1);
        stuck.read_at_ms.store(1, Ordering::Release);
        assert_eq!(stuck.current(), None);
    }
}
