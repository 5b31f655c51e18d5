//! Builds the application: state, middleware, routes; binds the listener (port 0 in tests).

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpRequest, HttpServer};
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::password;
use crate::auth::throttle::LoginThrottle;
use crate::auth::tokens::Keys;
use crate::config::Config;
use crate::db::Db;
use crate::error::ApiError;
use crate::telemetry::Metrics;
use crate::{jobs, openapi, routes, telemetry};

/// Everything a handler may need, shared by all workers.
pub struct AppState {
    pub config: Config,
    pub db: Db,
    pub keys: Keys,
    pub throttle: LoginThrottle,
    pub metrics: Metrics,
    /// Verified against when the email is unknown, so both failures cost the same.
    pub dummy_password_hash: String,
    pub openapi: Arc<utoipa::openapi::OpenApi>,
    /// Every API path pattern with its methods, to answer 405 with `Allow`.
    routes: Vec<(actix_web::dev::ResourceDef, Vec<String>)>,
}

impl AppState {
    pub fn new(config: Config, db: Db) -> Result<AppState, String> {
        let keys = {
            let mut conn = db.get().map_err(|e| e.to_string())?;
            Keys::load(config.jwt_secret.as_deref(), &mut conn).map_err(|e| e.to_string())?
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
        Ok(AppState {
            throttle: LoginThrottle::new(config.login_attempts_per_minute),
            dummy_password_hash: password::hash(
                "dummy password for timing",
                config.password_hashing,
            ),
            config,
            db,
            keys,
            metrics: Metrics::default(),
            openapi: Arc::new(spec),
            routes,
        })
    }
}

/// Unknown `/api` paths: 405 with `Allow` when the path exists with other methods, else 404.
async fn api_fallback(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<actix_web::HttpResponse, ApiError> {
    for (def, methods) in &state.routes {
        if def.is_match(req.path()) {
            return Err(ApiError::MethodNotAllowed {
                allow: methods.clone(),
            });
        }
    }
    Err(ApiError::new(
        crate::error::Failure::NotFound,
        "not_found",
        format!("There is no API endpoint at {}.", req.path()),
    ))
}

async fn docs_redirect() -> actix_web::HttpResponse {
    actix_web::HttpResponse::MovedPermanently()
        .insert_header(("Location", "/api/docs/"))
        .finish()
}

pub struct Application {
    port: u16,
    db: Db,
    server: Server,
}

impl Application {
    /// Connects (and migrates) the database, binds the listener and prepares the server.
    pub fn build(config: Config) -> Result<Application, String> {
        let db = Db::connect(&config.database_url, config.db_pool_size)?;
        let listener = TcpListener::bind(&config.bind)
            .map_err(|e| format!("cannot listen on {}: {e}", config.bind))?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        let state = web::Data::new(AppState::new(config, db.clone())?);
        if let Some(url) = &state.config.smtp_url {
            let transport = crate::mail::smtp_transport(url)?;
            actix_web::rt::spawn(jobs::mail::run(
                state.db.clone(),
                transport,
                state.config.mail_from.clone(),
                state.config.mail_poll_interval,
            ));
        } else {
            tracing::warn!(
                "CREDENCE_SMTP_URL is not set: mail stays in the outbox (and is logged)"
            );
        }
        actix_web::rt::spawn(jobs::webhooks::run(
            state.db.clone(),
            state.config.mail_poll_interval,
        ));
        actix_web::rt::spawn(jobs::housekeeping::run(
            state.db.clone(),
            state.config.clone(),
            state.config.housekeeping_interval,
        ));
        let body_limit = state.config.body_limit;
        let server = HttpServer::new(move || {
            let (app, _) = App::new()
                .into_utoipa_app()
                .openapi(openapi::ApiDoc::openapi_base())
                .app_data(state.clone())
                .app_data(web::PayloadConfig::new(body_limit))
                .app_data(web::QueryConfig::default().error_handler(|e, _| {
                    ApiError::bad_request(
                        "invalid_query",
                        format!("The query string is invalid: {e}."),
                    )
                    .into()
                }))
                .app_data(web::PathConfig::default().error_handler(|e, _| {
                    ApiError::bad_request("invalid_path", format!("The path is invalid: {e}."))
                        .into()
                }))
                .service(
                    utoipa_actix_web::scope("/api/v1")
                        .configure(routes::configure)
                        .default_service(web::to(api_fallback)),
                )
                .split_for_parts();
            app.wrap(from_fn(telemetry::observe))
                .route("/healthz", web::get().to(routes::ops::healthz))
                .route("/readyz", web::get().to(routes::ops::readyz))
                .route("/metrics", web::get().to(routes::ops::metrics))
                .route("/api/docs", web::get().to(docs_redirect))
                .service(
                    SwaggerUi::new("/api/docs/{_:.*}")
                        .config(utoipa_swagger_ui::Config::new(["/api/v1/openapi.json"])),
                )
                .service(web::scope("/api").default_service(web::to(api_fallback)))
                .default_service(web::to(routes::spa::serve))
        })
        .listen(listener)
        .map_err(|e| e.to_string())?
        .shutdown_timeout(5)
        .run();
        Ok(Application { port, db, server })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The server's own pool (tests look at the data through it).
    pub fn db(&self) -> Db {
        self.db.clone()
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}
