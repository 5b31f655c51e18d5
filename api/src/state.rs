//! `AppState`: everything a handler may need (configuration, database, keys, throttles,
//! metrics, the API's routes), built once at start and shared by all workers.

use crate::auth::password;
use crate::auth::throttle::LoginThrottle;
use crate::auth::tokens::Keys;
use crate::config::Config;
use crate::db::Db;
use crate::domain::sessions::SessionCache;
use crate::openapi;
use crate::telemetry::Metrics;

/// Everything a handler may need, shared by all workers.
pub struct AppState {
    pub config: Config,
    pub db: Db,
    pub keys: Keys,
    pub throttle: LoginThrottle,
    /// This process's cache of live sessions (`domain::sessions::check`), and on PostgreSQL
    /// the listener that keeps the session epoch in memory (`domain::session_epoch`).
    pub sessions: SessionCache,
    pub metrics: Metrics,
    /// Verified against when the email is unknown, so both failures cost the same.
    pub dummy_password_hash: String,
    /// Every API path pattern with its methods, to answer 405 with `Allow`.
    pub routes: Vec<(actix_web::dev::ResourceDef, Vec<String>)>,
}

impl AppState {
    pub fn new(config: Config, db: Db) -> Result<AppState, String> {
        if let Some(material) = &config.secret_key {
            crate::secrets::install_master_key(crate::secrets::SealingKey::derive(
                material.trim(),
            ))?;
        }
        let keys = {
            let mut conn = db.get().map_err(|e| e.to_string())?;
            let keys =
                Keys::load(config.jwt_secret.as_deref(), &mut conn).map_err(|e| e.to_string())?;
            // Webhook secrets stored in clear by an older version are sealed now (SQL
            // migrations cannot encrypt); until then they still sign.
            let sealed = crate::domain::webhooks::seal_clear_secrets(&mut conn)
                .map_err(|e| format!("sealing webhook secrets: {e}"))?;
            if sealed > 0 {
                tracing::info!(sealed, "webhook signing secrets sealed at rest");
            }
            keys
        };
        let spec = openapi::spec();
        let routes = spec
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let mut methods: Vec<String> = [
                    ("GET", item.get.is_some()),
                    ("POST", item.post.is_some()),
                    ("PUT", item.put.is_some()),
                    ("PATCH", item.patch.is_some()),
                    ("DELETE", item.delete.is_some()),
                ]
                .into_iter()
                .filter(|(_, present)| *present)
                .map(|(m, _)| m.to_string())
                .collect();
                methods.sort();
                (actix_web::dev::ResourceDef::new(path.as_str()), methods)
            })
            .collect();
        let sessions = SessionCache::new(config.session_cache_ttl, config.session_cache_size);
        if config.session_listen {
            sessions.listen(&config.database_url, db.session_epoch_raises());
        }
        Ok(AppState {
            sessions,
            throttle: LoginThrottle::new(config.login_attempts_per_minute),
            dummy_password_hash: password::hash(
                "dummy password for timing",
                config.password_hashing,
            ),
            config,
            db,
            keys,
            metrics: Metrics::default(),
            routes,
        })
    }
}
