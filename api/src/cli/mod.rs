//! The command line: `serve` (default), `migrate`, `openapi`, `create-admin`, `seed-demo`.

pub mod demo;

use std::io::Read;
use std::process::ExitCode;

use crate::config::Config;
use crate::db::Db;
use crate::startup::Application;

const USAGE: &str = "\
credence — white-label online assessment platform

USAGE:
    credence [serve]                 start the API and serve the SPA
    credence migrate                 run pending database migrations and exit
    credence openapi                 print the OpenAPI document (YAML)
    credence create-admin --email E --name N --password-stdin
                                     create (or update) a platform administrator
    credence seed-demo               on an empty database, create demo logins and data

Configuration comes from the environment: see README.md (DATABASE_URL, CREDENCE_BIND, ...).";

pub fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = args.first().map(String::as_str).unwrap_or("serve");
    if command == "openapi" {
        print!("{}", crate::openapi::yaml());
        return ExitCode::SUCCESS;
    }
    if matches!(command, "-h" | "--help" | "help") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("credence: {e}");
            return ExitCode::from(2);
        }
    };
    crate::telemetry::init_tracing(&config.log);
    let result = match command {
        "serve" => serve(config),
        "migrate" => Db::connect(&config.database_url, config.db_pool_size)
            .map(|_| println!("migrations are up to date")),
        "create-admin" => create_admin(config, &args[1..]),
        "seed-demo" => demo::seed(&config).map(|report| print!("{report}")),
        other => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("credence: {e}");
            ExitCode::FAILURE
        }
    }
}

fn serve(config: Config) -> Result<(), String> {
    crate::memory::tune();
    actix_web::rt::System::new().block_on(async move {
        let public_url = config.public_url.clone();
        let backend = config.database_url.backend();
        let app = Application::build(config)?;
        tracing::info!(port = app.port(), backend, "Credence is listening");
        println!("Credence is running at {public_url} (database: {backend}, API docs: {public_url}/api/docs)");
        app.run_until_stopped().await.map_err(|e| e.to_string())
    })
}

fn flag<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}

fn create_admin(config: Config, args: &[String]) -> Result<(), String> {
    let email = flag(args, "--email").ok_or("create-admin needs --email")?;
    let name = flag(args, "--name").ok_or("create-admin needs --name")?;
    if !args.iter().any(|a| a == "--password-stdin") {
        return Err(
            "create-admin reads the password from standard input: pass --password-stdin".into(),
        );
    }
    let mut password = String::new();
    std::io::stdin()
        .read_to_string(&mut password)
        .map_err(|e| e.to_string())?;
    let password = password.trim_end_matches(['\n', '\r']);
    let db = Db::connect(&config.database_url, config.db_pool_size)?;
    let mut conn = db.get().map_err(|e| e.to_string())?;
    let hash = crate::auth::password::checked_hash(password, email, config.password_hashing)
        .map_err(|issue| format!("password: {}", issue.message))?;
    let user =
        crate::domain::users::upsert_admin(&mut conn, email, name, &hash).map_err(|e| match e {
            crate::error::ApiError::Validation(errors) => errors
                .iter()
                .map(|f| format!("{}: {}", f.field, f.message))
                .collect::<Vec<_>>()
                .join("; "),
            other => other.to_string(),
        })?;
    println!(
        "platform administrator {} ({}) is ready",
        user.email, user.id
    );
    Ok(())
}
