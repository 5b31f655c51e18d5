//! Per-backend database set-up: a temp file for SQLite, a fresh PostgreSQL database cloned
//! from a migrated template (made once per version of the migrations).

use std::sync::{Mutex, OnceLock};

use credence_api::db::DbUrl;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use crate::app::Backend;

pub fn postgres_base() -> String {
    std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

fn migrations_fingerprint() -> String {
    use std::hash::{Hash, Hasher};
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../migrations/postgres");
    let mut files: Vec<_> = walk(std::path::Path::new(dir));
    files.sort();
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for f in files {
        f.hash(&mut hasher);
        std::fs::read(&f).unwrap().hash(&mut hasher);
    }
    format!("{:x}", hasher.finish())
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = vec![];
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

static TEMPLATE: OnceLock<String> = OnceLock::new();
static CREATE_LOCK: Mutex<()> = Mutex::new(());

pub fn admin_connection() -> PgConnection {
    PgConnection::establish(&format!("{}/postgres", postgres_base()))
        .expect("PostgreSQL must be running for the API tests (TEST_POSTGRES_URL)")
}

/// A migrated template database for this version of the migrations (made once).
fn template() -> &'static str {
    TEMPLATE.get_or_init(|| {
        let name = format!("credence_tpl_{}", migrations_fingerprint());
        let mut admin = admin_connection();
        admin
            .batch_execute("SELECT pg_advisory_lock(90210)")
            .unwrap();
        let exists: i64 = diesel::sql_query(format!(
            "SELECT 1 AS n FROM pg_database WHERE datname = '{name}'"
        ))
        .load::<Count>(&mut admin)
        .unwrap()
        .len() as i64;
        if exists == 0 {
            admin
                .batch_execute(&format!("CREATE DATABASE {name}"))
                .unwrap();
            let url = DbUrl::Postgres(format!("{}/{name}", postgres_base()));
            let mut conn = url.connect().unwrap();
            credence_api::db::run_migrations(&mut conn).unwrap();
        }
        // Leftovers of earlier runs that died before dropping their databases. A database
        // name carries the pid of the run that made it, so a run that is still going (another
        // checkout testing at the same time) keeps its databases.
        let stale: Vec<Name> = diesel::sql_query(
            "SELECT datname AS name FROM pg_database WHERE datname LIKE 'credence_test_%'",
        )
        .load(&mut admin)
        .unwrap();
        if std::env::var("CREDENCE_KEEP_TEST_DBS").is_err() {
            for db in stale.iter().filter(|db| !run_is_alive(&db.name)) {
                let _ = admin
                    .batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", db.name));
            }
        }
        admin
            .batch_execute("SELECT pg_advisory_unlock(90210)")
            .unwrap();
        name
    })
}

/// Whether the test run that named this database (`credence_test_<pid>_<id>`) is still running.
fn run_is_alive(database: &str) -> bool {
    let pid = database
        .strip_prefix("credence_test_")
        .and_then(|rest| rest.split('_').next())
        .and_then(|pid| pid.parse::<u32>().ok());
    match pid {
        Some(pid) => std::path::Path::new(&format!("/proc/{pid}")).exists(),
        // A name from before pids were recorded: no run owns it any more.
        None => false,
    }
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    #[allow(dead_code)]
    n: i32,
}

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = diesel::sql_types::Text)]
    name: String,
}

/// A fresh, migrated database URL for one test.
pub fn fresh_database(backend: Backend) -> (String, Option<tempfile::TempDir>) {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("credence.db").display().to_string();
            (path, Some(dir))
        }
        Backend::Postgres => {
            let template = template();
            let name = format!(
                "credence_test_{}_{}",
                std::process::id(),
                uuid::Uuid::new_v4().simple()
            );
            let _guard = CREATE_LOCK.lock().unwrap_or_else(|p| p.into_inner());
            let mut admin = admin_connection();
            admin
                .batch_execute(&format!("CREATE DATABASE {name} TEMPLATE {template}"))
                .unwrap();
            (format!("{}/{name}", postgres_base()), None)
        }
    }
}
