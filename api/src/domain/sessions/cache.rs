//! Each process's cache of sessions it found live ([`SessionCache`]), what a cached session
//! grants ([`Access`]), and [`cached`]: answering from memory alone while the listener's epoch
//! is trusted. When an entry may be used is the module above's rule (`sessions::check`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use chrono::NaiveDateTime;
use credence_shared::ApiKeyScope;

use crate::db::now;
use crate::domain::session_epoch::{self as listener, EpochWatch};

/// What a live session grants, as the extractor needs it.
#[derive(Debug, Clone)]
pub struct Access {
    /// The user's client (for a client user).
    pub client_id: Option<String>,
    /// The user's name and email, as `GET /me` shows them (a rename raises the epoch; an
    /// email change ends the user's sessions).
    pub name: String,
    pub email: String,
    /// The API key the session was opened with, and its scopes.
    pub api_key: Option<(String, Vec<ApiKeyScope>)>,
}

struct Cached {
    user_id: String,
    access: Access,
    session_expires_at: NaiveDateTime,
    cached_at: Instant,
}

#[derive(Default)]
struct CacheState {
    /// The epoch the entries were found live under.
    epoch: Option<i64>,
    entries: HashMap<String, Cached>,
}

/// A process's cache of live sessions (see the module's documentation). Each process — each
/// `AppState` — has its own.
pub struct SessionCache {
    ttl: std::time::Duration,
    capacity: usize,
    state: Mutex<CacheState>,
    /// The epoch as this process's listener knows it (PostgreSQL; see [`SessionCache::listen`]).
    watch: Arc<EpochWatch>,
}

impl SessionCache {
    /// At most `capacity` sessions, each trusted for at most `ttl`; either zero turns the
    /// cache off (every request checks its session in the database).
    pub fn new(ttl: std::time::Duration, capacity: usize) -> SessionCache {
        SessionCache {
            ttl,
            capacity,
            state: Mutex::new(CacheState::default()),
            watch: Arc::new(EpochWatch::default()),
        }
    }

    /// Keeps the epoch in memory with a listener on `url` (PostgreSQL only; the cache must be
    /// on), trusted only after `own_raises` (this process's, `Db::session_epoch_raises`).
    /// Without it, every use of the cache reads the epoch from the database.
    pub fn listen(&self, url: &crate::db::DbUrl, own_raises: Arc<std::sync::atomic::AtomicU64>) {
        if self.enabled() {
            listener::listen(url, &self.watch, own_raises);
        }
    }

    /// The listener's view of the epoch (for metrics and tests).
    pub fn watch(&self) -> &EpochWatch {
        &self.watch
    }

    pub(super) fn enabled(&self) -> bool {
        self.capacity > 0 && !self.ttl.is_zero()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, CacheState> {
        // A panic while holding the lock leaves nothing half-done worth keeping.
        self.state.lock().unwrap_or_else(|poisoned| {
            let mut state = poisoned.into_inner();
            *state = CacheState::default();
            state
        })
    }

    /// The cached access for this session under `epoch`, forgetting everything first if the
    /// epoch moved since the entries were found live.
    pub(super) fn get(&self, epoch: i64, session_id: &str, user_id: &str) -> Option<Access> {
        let mut state = self.lock();
        if state.epoch != Some(epoch) {
            state.entries.clear();
            state.epoch = Some(epoch);
            return None;
        }
        let entry = state.entries.get(session_id)?;
        if entry.user_id == user_id
            && entry.session_expires_at > now()
            && entry.cached_at.elapsed() < self.ttl
        {
            return Some(entry.access.clone());
        }
        state.entries.remove(session_id);
        None
    }

    /// Remembers a session found live after reading `epoch` (only if the epoch has not moved
    /// on meanwhile: then what was read may already be out of date).
    pub(super) fn put(
        &self,
        epoch: i64,
        session_id: &str,
        user_id: &str,
        access: &Access,
        session_expires_at: NaiveDateTime,
    ) {
        let mut state = self.lock();
        if state.epoch != Some(epoch) {
            return;
        }
        if state.entries.len() >= self.capacity {
            let at = now();
            let ttl = self.ttl;
            state
                .entries
                .retain(|_, e| e.session_expires_at > at && e.cached_at.elapsed() < ttl);
            if state.entries.len() >= self.capacity {
                state.entries.clear();
            }
        }
        state.entries.insert(
            session_id.to_string(),
            Cached {
                user_id: user_id.to_string(),
                access: access.clone(),
                session_expires_at,
                cached_at: Instant::now(),
            },
        );
    }

    /// How many sessions are cached (for tests and metrics).
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What `session_id` of `user_id` grants, if this process can vouch for it without the
/// database: it is cached and the listener's in-memory epoch (PostgreSQL) is trusted and has
/// not moved since the session was found live. `None` means "ask [`check`]".
pub fn cached(cache: &SessionCache, session_id: &str, user_id: &str) -> Option<Access> {
    if !cache.enabled() {
        return None;
    }
    let epoch = cache.watch.current()?;
    cache.get(epoch, session_id, user_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn access() -> Access {
        Access {
            client_id: None,
            name: "Ann".into(),
            email: "ann@example.test".into(),
            api_key: None,
        }
    }

    fn later() -> NaiveDateTime {
        now() + chrono::Duration::hours(1)
    }

    #[test]
    fn a_moved_epoch_empties_the_cache_and_stale_finds_are_not_kept() {
        let cache = SessionCache::new(std::time::Duration::from_secs(60), 10);
        assert!(cache.get(1, "s1", "u1").is_none());
        cache.put(1, "s1", "u1", &access(), later());
        assert!(cache.get(1, "s1", "u1").is_some());
        // Another user's token naming this session is not served from it.
        assert!(cache.get(1, "s1", "u2").is_none());
        cache.put(1, "s1", "u1", &access(), later());
        // The epoch moved: everything is forgotten.
        assert!(cache.get(2, "s1", "u1").is_none());
        assert!(cache.is_empty());
        // A session found live under the old epoch is not remembered under the new one.
        cache.put(1, "s1", "u1", &access(), later());
        assert!(cache.is_empty());
        // Nor is an expired one served.
        cache.put(
            2,
            "s2",
            "u1",
            &access(),
            now() - chrono::Duration::seconds(1),
        );
        assert!(cache.get(2, "s2", "u1").is_none());
    }

    #[test]
    fn the_cache_stays_within_its_size() {
        let cache = SessionCache::new(std::time::Duration::from_secs(60), 3);
        cache.get(7, "none", "none");
        for i in 0..10 {
            cache.put(7, &format!("s{i}"), "u", &access(), later());
            assert!(cache.len() <= 3);
        }
        assert!(cache.get(7, "s9", "u").is_some());
        assert!(!SessionCache::new(std::time::Duration::ZERO, 3).enabled());
        assert!(!SessionCache::new(std::time::Duration::from_secs(1), 0).enabled());
    }
}
