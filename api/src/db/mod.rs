//! The database: one connection type over SQLite and PostgreSQL, an r2d2 pool, embedded
//! migrations, and `Db::run` to keep blocking queries off the async workers.

pub mod batch;
pub mod instrument;
pub mod schema;
pub mod search;

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::r2d2::{self, R2D2Connection};
use diesel::sqlite::SqliteConnection;
use diesel::Connection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::error::ApiError;

/// A write that changes nothing, so SQLite takes its write lock (waiting per busy_timeout).
const SQLITE_TAKE_WRITE_LOCK: &str =
    "UPDATE counters SET value = value WHERE name = 'invoice_number'";

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/postgres");

#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

/// Where the data lives, decided by the URL's scheme (never by trial and error).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DbUrl {
    /// A file path (`data/credence.db`, `sqlite://data/credence.db`).
    Sqlite(String),
    Postgres(String),
}

impl DbUrl {
    pub fn parse(raw: &str) -> Result<DbUrl, String> {
        let raw = raw.trim();
        if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            return Ok(DbUrl::Postgres(raw.to_string()));
        }
        let path = raw.strip_prefix("sqlite://").unwrap_or(raw);
        if path.is_empty() || path.contains("://") {
            return Err(format!(
                "`{raw}` is neither a SQLite path (or sqlite:// URL) nor a postgres:// URL"
            ));
        }
        Ok(DbUrl::Sqlite(path.to_string()))
    }

    pub fn backend(&self) -> &'static str {
        match self {
            DbUrl::Sqlite(_) => "sqlite",
            DbUrl::Postgres(_) => "postgres",
        }
    }

    /// Opens one connection, with SQLite's per-connection settings applied.
    pub fn connect(&self) -> Result<DbConnection, diesel::ConnectionError> {
        match self {
            DbUrl::Postgres(url) => PgConnection::establish(url).map(DbConnection::Postgres),
            DbUrl::Sqlite(path) => {
                if let Some(dir) = std::path::Path::new(path).parent() {
                    if !dir.as_os_str().is_empty() {
                        let _ = std::fs::create_dir_all(dir);
                    }
                }
                let mut conn = SqliteConnection::establish(path)?;
                conn.batch_execute(
                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;",
                )
                .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }
}

/// r2d2 manager that connects by [`DbUrl`].
pub struct Manager(DbUrl);

impl r2d2::ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        self.0.connect().map_err(r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), r2d2::Error> {
        conn.ping().map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        conn.is_broken()
    }
}

pub type Pool = r2d2::Pool<Manager>;
pub type PooledConnection = r2d2::PooledConnection<Manager>;

thread_local! {
    /// Whether the work running on this thread raised the session epoch (see
    /// [`Db::session_epoch_raises`]).
    static RAISED_SESSION_EPOCH: Cell<bool> = const { Cell::new(false) };
}

/// Called by `domain::sessions::invalidate`: the work running on this thread raised the
/// session epoch; once it is over (committed or not), its `Db` counts it.
pub fn note_session_epoch_raise() {
    RAISED_SESSION_EPOCH.with(|raised| raised.set(true));
}

/// Runs `f` on `conn`, counting into `raises` whether it raised the session epoch, once it is
/// over (after its commit).
fn counting_raises<T>(
    raises: &AtomicU64,
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    RAISED_SESSION_EPOCH.with(|raised| raised.set(false));
    let out = f(conn);
    if RAISED_SESSION_EPOCH.with(|raised| raised.replace(false)) {
        raises.fetch_add(1, Ordering::SeqCst);
    }
    out
}

/// The shared handle to the database.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
    backend: &'static str,
    /// How many pieces of work run through this handle raised the session epoch, counted when
    /// each was over (after its commit).
    session_epoch_raises: Arc<AtomicU64>,
}

impl Db {
    /// Builds the pool and runs pending migrations. PostgreSQL gets up to `pool_size`
    /// connections, opened as needed (one kept idle); SQLite gets a single connection: writes
    /// are serialised in one place instead of failing with SQLITE_BUSY inside transactions.
    pub fn connect(url: &DbUrl, pool_size: u32) -> Result<Db, String> {
        let max_size = match url {
            DbUrl::Sqlite(_) => 1,
            DbUrl::Postgres(_) => pool_size.max(1),
        };
        // r2d2 tests each connection as it is checked out (one round trip). That stays on:
        // diesel's `is_broken` (our `has_broken`) only notices a connection left in a broken
        // transaction, not one the server or the network dropped, which would otherwise fail
        // requests until replaced. Requests answered from the session cache check nothing out.
        let pool = r2d2::Pool::builder()
            .max_size(max_size)
            .min_idle(Some(1))
            .connection_timeout(Duration::from_secs(30))
            .build(Manager(url.clone()))
            .map_err(|e| format!("cannot connect to the {} database: {e}", url.backend()))?;
        let db = Db {
            pool,
            backend: url.backend(),
            session_epoch_raises: Arc::new(AtomicU64::new(0)),
        };
        let mut conn = db.pool.get().map_err(|e| e.to_string())?;
        run_migrations(&mut conn)?;
        Ok(db)
    }

    pub fn backend(&self) -> &'static str {
        self.backend
    }

    /// How many `run`s and transactions through this handle raised the session epoch, each
    /// counted once it was over. This process's epoch listener trusts what it read only when
    /// it read it after all of them (`domain::session_epoch`): a process sees its own endings
    /// at once, without waiting for its own notification.
    pub fn session_epoch_raises(&self) -> Arc<AtomicU64> {
        self.session_epoch_raises.clone()
    }

    /// Runs `f` with a pooled connection on the blocking thread pool.
    pub async fn run<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        let counter = instrument::current();
        let raises = self.session_epoch_raises.clone();
        actix_web::web::block(move || {
            let mut conn = pool.get().map_err(ApiError::internal)?;
            let Some(counter) = counter else {
                return counting_raises(&raises, &mut conn, f);
            };
            conn.set_instrumentation(instrument::StatementCounter(counter));
            let out = counting_raises(&raises, &mut conn, f);
            // The connection goes back to the pool: the next user may not be counted.
            conn.set_instrumentation(None::<instrument::StatementCounter>);
            out
        })
        .await
        .map_err(ApiError::internal)?
    }

    /// Like [`Db::run`] inside one transaction: everything or nothing.
    ///
    /// On SQLite the transaction takes the write lock first (what `BEGIN IMMEDIATE` does):
    /// a transaction that reads and then writes would otherwise fail at once with
    /// SQLITE_BUSY when another process wrote in between, instead of waiting its turn.
    pub async fn transaction<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        self.run(move |conn| in_transaction(conn, f)).await
    }

    /// [`Db::transaction`] for synchronous callers (CLI commands).
    pub fn transaction_blocking<T>(
        &self,
        f: impl FnOnce(&mut DbConnection) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        counting_raises(&self.session_epoch_raises, &mut *self.get()?, |conn| {
            in_transaction(conn, f)
        })
    }

    /// A connection for synchronous callers (CLI commands, start-up).
    pub fn get(&self) -> Result<r2d2::PooledConnection<Manager>, ApiError> {
        self.pool.get().map_err(ApiError::internal)
    }
}

/// One transaction; on SQLite the write lock is taken first (see [`Db::transaction`]).
fn in_transaction<T>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    conn.transaction(|conn| {
        if let DbConnection::Sqlite(c) = conn {
            c.batch_execute(SQLITE_TAKE_WRITE_LOCK)?;
        }
        f(conn)
    })
}

pub fn run_migrations(conn: &mut DbConnection) -> Result<(), String> {
    let result = match conn {
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|_| ()),
        DbConnection::Postgres(c) => {
            // Several API processes may start at once: one migrates, the others wait.
            c.batch_execute("SELECT pg_advisory_lock(7411)")
                .map_err(|e| e.to_string())?;
            let r = c.run_pending_migrations(POSTGRES_MIGRATIONS).map(|_| ());
            let _ = c.batch_execute("SELECT pg_advisory_unlock(7411)");
            r
        }
    };
    result.map_err(|e| format!("migrations failed: {e}"))
}

/// Current UTC time as stored in the database (`TIMESTAMP` without zone, always UTC).
pub fn now() -> chrono::NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

/// Database failures in the domain's words: a missing row is not found (404 at the edge), a
/// unique violation a conflict (409); anything else is internal and never shown.
impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> ApiError {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => ApiError::not_found(),
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                ApiError::conflict("conflict", "An object with these values already exists.")
            }
            other => ApiError::internal(other),
        }
    }
}

/// A new UUIDv7 as text, the id of every row.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
