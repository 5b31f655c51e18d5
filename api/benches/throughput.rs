//! `make bench`: request throughput of a release build on SQLite and PostgreSQL, measured
//! over loopback with a fixed number of requests (no timing assertions: this prints numbers).

use std::time::Instant;

use credence_api::config::Config;
use credence_api::startup::Application;
use serde_json::{json, Value};

const ORDERS: usize = 300;
const READS: usize = 1000;
const CONCURRENCY: usize = 16;

async fn bench(database_url: String) {
    let env = [
        ("DATABASE_URL", database_url.clone()),
        ("CREDENCE_BIND", "127.0.0.1:0".to_string()),
        (
            "CREDENCE_JWT_SECRET",
            "benchmark-signing-secret-32-characters!".to_string(),
        ),
    ];
    let config =
        Config::from_lookup(|k| env.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone())).unwrap();
    let app = Application::build(config.clone()).unwrap();
    let base = format!("http://127.0.0.1:{}/api/v1", app.port());
    actix_web::rt::spawn(app.run_until_stopped());
    credence_api::cli::demo::seed(&config).unwrap();
    let http = reqwest::Client::new();
    let login = |email: &'static str, password: &'static str| {
        let http = http.clone();
        let base = base.clone();
        async move {
            let r: Value = http
                .post(format!("{base}/auth/login"))
                .json(&json!({ "email": email, "password": password }))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            r["access_token"].as_str().unwrap().to_string()
        }
    };
    let started = Instant::now();
    let token = login(
        credence_api::cli::demo::RESELLER_EMAIL,
        credence_api::cli::demo::RESELLER_PASSWORD,
    )
    .await;
    println!(
        "  login (argon2id, interactive cost): {:?}",
        started.elapsed()
    );
    let clients: Value = http
        .get(format!("{base}/clients"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let code = clients["data"][0]["code"].as_str().unwrap().to_string();

    let started = Instant::now();
    let orders = (0..ORDERS).map(|i| {
        let (http, base, token, code) = (http.clone(), base.clone(), token.clone(), code.clone());
        async move {
            let r = http
                .post(format!("{base}/credit-orders"))
                .bearer_auth(&token)
                .header("Idempotency-Key", format!("bench-{i}"))
                .json(&json!({ "client_code": code, "credits": 1 }))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 201);
        }
    });
    run_concurrently(orders).await;
    let secs = started.elapsed().as_secs_f64();
    println!(
        "  credit orders: {ORDERS} in {secs:.2}s = {:.0}/s ({CONCURRENCY} concurrent)",
        ORDERS as f64 / secs
    );

    let started = Instant::now();
    let reads = (0..READS).map(|_| {
        let (http, base, token) = (http.clone(), base.clone(), token.clone());
        async move {
            let r = http
                .get(format!("{base}/clients?limit=50"))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
        }
    });
    run_concurrently(reads).await;
    let secs = started.elapsed().as_secs_f64();
    println!(
        "  client list reads: {READS} in {secs:.2}s = {:.0}/s ({CONCURRENCY} concurrent)",
        READS as f64 / secs
    );
}

async fn run_concurrently<F: std::future::Future<Output = ()>>(tasks: impl Iterator<Item = F>) {
    use futures_util::stream::StreamExt;
    futures_util::stream::iter(tasks)
        .buffer_unordered(CONCURRENCY)
        .collect::<Vec<_>>()
        .await;
}

fn main() {
    let dir = std::env::temp_dir().join(format!("credence-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    actix_web::rt::System::new().block_on(async {
        println!("SQLite:");
        bench(dir.join("bench.db").display().to_string()).await;
        let pg = std::env::var("TEST_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into());
        let name = format!("credence_bench_{}", std::process::id());
        if std::process::Command::new("createdb")
            .args(["-h", "127.0.0.1", "-U", "postgres", &name])
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
        {
            println!("PostgreSQL:");
            bench(format!("{pg}/{name}")).await;
            let _ = std::process::Command::new("dropdb")
                .args(["-h", "127.0.0.1", "-U", "postgres", "--force", &name])
                .status();
        } else {
            println!("PostgreSQL: not reachable, skipped");
        }
    });
    let _ = std::fs::remove_dir_all(&dir);
}
