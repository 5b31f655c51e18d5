//! Builds the application: state, middleware, routes; binds the listener (port 0 in tests).

use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpRequest, HttpServer};
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::config::Config;
use crate::db::Db;
use crate::error::ApiError;
use crate::state::AppState;
use crate::{headers, jobs, openapi, routes, telemetry};

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

/// How often freed heap memory is handed back to the system (`memory::trim`).
const MEMORY_TRIM_INTERVAL: std::time::Duration = std::time::Duration::from_secs(60);

pub struct Application {
    port: u16,
    db: Db,
    server: Server,
}

impl Application {
    /// Connects (and migrates) the database, binds the listener and prepares the server.
    pub fn build(config: Config) -> Result<Application, String> {
        let db = Db::connect(&config.database_url, config.db_pool_size)?;
        let listener = TcpListener::bind(config.bind)
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
            state.config.webhook_allow.clone(),
        ));
        actix_web::rt::spawn(jobs::ats::run(
            state.db.clone(),
            state.config.mail_poll_interval,
            state.config.webhook_allow.clone(),
        ));
        actix_web::rt::spawn(jobs::housekeeping::run(
            state.db.clone(),
            state.config.clone(),
            state.config.housekeeping_interval,
        ));
        actix_web::rt::spawn(jobs::reminders::run(
            state.db.clone(),
            state.config.clone(),
            state.config.housekeeping_interval,
        ));
        actix_web::rt::spawn(crate::memory::trim_periodically(MEMORY_TRIM_INTERVAL));
        let body_limit = state.config.body_limit;
        let (workers, blocking_threads) = (state.config.workers, state.config.blocking_threads);
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
            app.wrap(from_fn(routes::extract::refuse_null_characters))
                .wrap(from_fn(telemetry::count_statements))
                .wrap(from_fn(telemetry::observe))
                .wrap(from_fn(headers::security_headers))
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
        .workers(workers)
        .worker_max_blocking_threads(blocking_threads)
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
