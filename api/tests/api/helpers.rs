//! `spawn_app`, the typed request helpers, and the per-backend database set-up.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use credence_api::config::Config;
use credence_api::db::{Db, DbUrl};
use credence_api::startup::Application;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

pub const ADMIN_EMAIL: &str = "admin@test.example";
pub const ADMIN_PASSWORD: &str = "admin-password-for-tests";
pub const JWT_SECRET: &str = "test-signing-secret-at-least-32-characters";
/// Every test server's billing calendar starts here, mid-month, so "this month is open" holds
/// for the whole run whatever the wall clock says (a run may cross midnight at a month's end).
pub const BILLING_CLOCK: &str = "2026-06-15T12:00:00Z";
/// The open invoice month under [`BILLING_CLOCK`].
pub const OPEN_PERIOD: &str = "2026-06";

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs each named test case (an `async fn(Backend)`) once per backend.
#[macro_export]
macro_rules! both_backends {
    ($($case:ident),* $(,)?) => {
        $(
            mod $case {
                #[actix_web::test]
                async fn sqlite() {
                    super::$case($crate::helpers::Backend::Sqlite).await
                }
                #[actix_web::test]
                async fn postgres() {
                    super::$case($crate::helpers::Backend::Postgres).await
                }
            }
        )*
    };
}

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

fn admin_connection() -> PgConnection {
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

pub struct TestApp {
    pub address: String,
    pub backend: Backend,
    pub database_url: String,
    pub db: Db,
    pub client: reqwest::Client,
    _dir: Option<tempfile::TempDir>,
}

/// Options beyond the defaults of `spawn_app`.
#[derive(Default, Clone)]
pub struct Options {
    pub env: HashMap<&'static str, String>,
    /// Reuse this database instead of a fresh one (a second process on the same data).
    pub database_url: Option<String>,
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, Options::default()).await
}

pub async fn spawn_app_with(backend: Backend, options: Options) -> TestApp {
    let (database_url, dir) = match options.database_url.clone() {
        Some(url) => (url, None),
        None => fresh_database(backend),
    };
    let mut env: HashMap<&str, String> = HashMap::from([
        ("DATABASE_URL", database_url.clone()),
        ("CREDENCE_BIND", "127.0.0.1:0".into()),
        (
            "CREDENCE_PASSWORD_HASHING",
            "fast-insecure-for-tests".into(),
        ),
        ("CREDENCE_MAIL_POLL_MS", "50".into()),
        ("CREDENCE_JWT_SECRET", JWT_SECRET.into()),
        ("CREDENCE_PUBLIC_URL", "http://credence.test".into()),
        ("CREDENCE_WEB_DIR", "/nonexistent-web-dir".into()),
        ("CREDENCE_BILLING_CLOCK", BILLING_CLOCK.into()),
        // Small pools: many test servers share one PostgreSQL (100 connections).
        ("CREDENCE_DB_POOL_SIZE", "4".into()),
    ]);
    for (k, v) in options.env {
        if v.is_empty() {
            env.remove(k);
        } else {
            env.insert(k, v);
        }
    }
    let config =
        Config::from_lookup(|name| env.get(name).cloned()).expect("test configuration is valid");
    let app = Application::build(config.clone()).expect("the app starts");
    let port = app.port();
    let db = app.db();
    actix_web::rt::spawn(app.run_until_stopped());
    {
        let mut conn = db.get().unwrap();
        credence_api::domain::users::upsert_admin(
            &mut conn,
            ADMIN_EMAIL,
            "Test Admin",
            &credence_api::auth::password::hash(ADMIN_PASSWORD, config.password_hashing),
        )
        .unwrap();
    }
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        backend,
        database_url,
        db,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        _dir: dir,
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if self.backend == Backend::Postgres && std::env::var("CREDENCE_KEEP_TEST_DBS").is_err() {
            if let Some(name) = self.database_url.rsplit('/').next().map(str::to_string) {
                if name.starts_with("credence_test_") {
                    std::thread::spawn(move || {
                        let mut admin = admin_connection();
                        let _ = admin
                            .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
                    });
                }
            }
        }
    }
}

/// A response as the tests look at it.
pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
    pub bytes: Vec<u8>,
}

impl Reply {
    pub fn content_type(&self) -> String {
        self.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    }

    /// Asserts an RFC 9457 problem with this status and code.
    pub fn assert_problem(&self, status: u16, code: &str) {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.body);
        assert!(
            self.content_type().starts_with("application/problem+json"),
            "content type {}",
            self.content_type()
        );
        assert_eq!(self.body["code"], code, "body: {}", self.body);
        assert_eq!(self.body["status"], status);
        assert!(self.body["title"].is_string() && self.body["type"].is_string());
    }

    /// The fields named in a 422's `errors`.
    pub fn error_fields(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|e| e["field"].as_str().unwrap_or_default().to_string())
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        if ["/healthz", "/readyz", "/metrics", "/api/"]
            .iter()
            .any(|p| path.starts_with(p))
        {
            format!("{}{path}", self.address)
        } else {
            format!("{}/api/v1{path}", self.address)
        }
    }

    pub async fn send(&self, request: reqwest::RequestBuilder) -> Reply {
        let response = request.send().await.expect("request reaches the server");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.unwrap().to_vec();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            body,
            bytes,
        }
    }

    pub fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
    ) -> reqwest::RequestBuilder {
        let mut rb = self.client.request(method, self.url(path));
        if let Some(token) = token {
            rb = rb.bearer_auth(token);
        }
        rb
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Reply {
        self.send(self.request(Method::GET, path, token)).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Reply {
        self.send(self.request(Method::POST, path, token).json(&body))
            .await
    }

    pub async fn patch(&self, path: &str, token: Option<&str>, body: Value) -> Reply {
        self.send(self.request(Method::PATCH, path, token).json(&body))
            .await
    }

    pub async fn login(&self, email: &str, password: &str) -> Reply {
        self.post(
            "/auth/login",
            None,
            json!({ "email": email, "password": password }),
        )
        .await
    }

    /// Signs in and returns the access token, asserting success.
    pub async fn token(&self, email: &str, password: &str) -> String {
        let reply = self.login(email, password).await;
        assert_eq!(reply.status, 200, "login of {email}: {}", reply.body);
        reply.body["access_token"].as_str().unwrap().to_string()
    }

    pub async fn admin_token(&self) -> String {
        self.token(ADMIN_EMAIL, ADMIN_PASSWORD).await
    }

    /// Runs a query against the test's database.
    pub fn conn(&self) -> credence_api::db::PooledConnection {
        self.db.get().unwrap()
    }

    /// A reseller created by the admin, returned as JSON.
    pub async fn create_reseller(&self, admin: &str, name: &str) -> Value {
        let default_brand = self.get("/branding", None).await.body["brand"]["id"].clone();
        let reply = self
            .post(
                "/admin/resellers",
                Some(admin),
                json!({ "name": name, "contact_email": format!("{}@partner.example", name.to_lowercase().replace(' ', "-")), "discount_percent": 20, "currency": "GBP", "brand_ids": [default_brand] }),
            )
            .await;
        assert_eq!(reply.status, 201, "{}", reply.body);
        reply.body
    }

    /// Creates a reseller user through the API and sets their password through the welcome
    /// link (read from the outbox). Returns (user json, access token).
    pub async fn reseller_user(
        &self,
        admin: &str,
        reseller_id: &str,
        email: &str,
    ) -> (Value, String) {
        let reply = self
            .post(
                &format!("/admin/resellers/{reseller_id}/users"),
                Some(admin),
                json!({ "name": "Rita Reseller", "email": email }),
            )
            .await;
        assert_eq!(reply.status, 201, "{}", reply.body);
        let token = self.link_token_from_outbox(email, "welcome");
        let set = self
            .post(
                "/auth/password/set",
                None,
                json!({ "token": token, "password": "a-long-enough-passphrase" }),
            )
            .await;
        assert_eq!(set.status, 204, "{}", set.body);
        let access = self.token(email, "a-long-enough-passphrase").await;
        (reply.body, access)
    }

    /// The `token` of the newest `/set-password?token=` link mailed to `to` (of this kind).
    pub fn link_token_from_outbox(&self, to: &str, kind: &str) -> String {
        use credence_api::db::schema::outbox;
        let mut conn = self.conn();
        let text: String = outbox::table
            .filter(outbox::to_address.eq(to))
            .filter(outbox::kind.eq(kind))
            .order(outbox::id.desc())
            .select(outbox::text_body)
            .first(&mut *conn)
            .expect("a mail of this kind to this address is in the outbox");
        token_from_text(&text).expect("the mail carries a set-password link")
    }
}

/// A reseller with one signed-in user: (reseller json, reseller user's access token).
pub async fn reseller_with_user(app: &TestApp, admin: &str, name: &str) -> (Value, String) {
    let reseller = app.create_reseller(admin, name).await;
    let slug = name.to_lowercase().replace(' ', "-");
    let (_, token) = app
        .reseller_user(
            admin,
            reseller["id"].as_str().unwrap(),
            &format!("staff@{slug}.example"),
        )
        .await;
    (reseller, token)
}

impl TestApp {
    pub async fn create_client(
        &self,
        reseller_token: &str,
        name: &str,
        initial_credits: i64,
    ) -> Value {
        let reply = self
            .post(
                "/clients",
                Some(reseller_token),
                json!({ "name": name, "contact_name": "Casey Contact", "contact_email": "casey@client.example", "initial_credits": initial_credits }),
            )
            .await;
        assert_eq!(reply.status, 201, "{}", reply.body);
        reply.body
    }

    /// A client user created by `token`'s owner who has set their password: (json, token).
    pub async fn client_user(
        &self,
        creator_token: &str,
        client_id: Option<&str>,
        email: &str,
    ) -> (Value, String) {
        let mut body = json!({ "name": "Cleo Client", "email": email, "job_title": "Talent lead" });
        if let Some(client_id) = client_id {
            body["client_id"] = json!(client_id);
        }
        let reply = self.post("/client-users", Some(creator_token), body).await;
        assert_eq!(reply.status, 201, "{}", reply.body);
        let token = self.link_token_from_outbox(email, "welcome");
        let set = self
            .post(
                "/auth/password/set",
                None,
                json!({ "token": token, "password": "client-user-passphrase" }),
            )
            .await;
        assert_eq!(set.status, 204, "{}", set.body);
        let access = self.token(email, "client-user-passphrase").await;
        (reply.body, access)
    }

    pub async fn balance(&self, token: &str, client_id: &str) -> i64 {
        self.get(&format!("/clients/{client_id}"), Some(token))
            .await
            .body["credit_balance"]
            .as_i64()
            .unwrap()
    }

    /// The sum of the client's ledger deltas (all pages).
    pub async fn ledger_sum(&self, token: &str, client_id: &str) -> i64 {
        let ledger = self
            .get(
                &format!("/clients/{client_id}/ledger?limit=200"),
                Some(token),
            )
            .await;
        ledger.body["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["delta"].as_i64().unwrap())
            .sum()
    }

    pub fn outbox_count(&self, to: &str, kind: &str) -> i64 {
        use credence_api::db::schema::outbox;
        let mut conn = self.conn();
        outbox::table
            .filter(outbox::to_address.eq(to))
            .filter(outbox::kind.eq(kind))
            .count()
            .get_result(&mut *conn)
            .unwrap()
    }
}

pub fn token_from_text(text: &str) -> Option<String> {
    let start = text.find("/set-password?token=")? + "/set-password?token=".len();
    Some(
        text[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect(),
    )
}
