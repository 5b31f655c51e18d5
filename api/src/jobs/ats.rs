//! Pushes results to the ATS that sent the candidate (`domain::ats::callbacks`): Greenhouse a
//! PATCH, Workable a PUT with the ATS's Bearer token; the same rules as webhook deliveries —
//! `net_guard` checks where the URL points at each attempt and the request connects only to
//! the checked addresses, no redirects, 10 s each, retried with the mail backoff, claimed with
//! a conditional UPDATE so several processes never push one result twice.

use chrono::Duration;
use futures_util::StreamExt;

use crate::db::Db;
use crate::domain::ats::callbacks::{self, DeliveryOutcome, DueCallback};
use crate::error::ApiError;
use crate::jobs::mail::{backoff_seconds, MAX_ATTEMPTS};
use crate::net_guard::{self, AllowList};

const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);
const CONCURRENCY: usize = 8;
const CLAIM_SECONDS: i64 = 120;

pub async fn run(db: Db, interval: std::time::Duration, allow: AllowList) {
    loop {
        match deliver_due(&db, &allow).await {
            Ok(0) => tokio::time::sleep(interval).await,
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(error = %e, "ATS callback round failed");
                tokio::time::sleep(interval).await;
            }
        }
    }
}

async fn deliver_due(db: &Db, allow: &AllowList) -> Result<usize, ApiError> {
    let claimed: Vec<DueCallback> = db
        .transaction(|conn| callbacks::claim_due(conn, 20, Duration::seconds(CLAIM_SECONDS)))
        .await?;
    let count = claimed.len();
    let results: Vec<Result<(), ApiError>> = futures_util::stream::iter(claimed)
        .map(|due| deliver_one(db, allow, due))
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    results.into_iter().collect::<Result<(), ApiError>>()?;
    Ok(count)
}

async fn deliver_one(db: &Db, allow: &AllowList, due: DueCallback) -> Result<(), ApiError> {
    let attempts = due.attempts + 1;
    let (status, outcome) = match net_guard::resolve(&due.url, allow).await {
        Err(refusal) => (
            None,
            DeliveryOutcome::Failed {
                error: format!("refused: {refusal}"),
            },
        ),
        Ok((target, addrs)) => {
            let (status, error) = send(&due, &target, &addrs).await;
            let outcome = match error {
                None => DeliveryOutcome::Sent,
                Some(error) if attempts >= MAX_ATTEMPTS => DeliveryOutcome::Failed { error },
                Some(error) => DeliveryOutcome::RetryLater {
                    error,
                    retry_in: Duration::seconds(backoff_seconds(attempts)),
                },
            };
            (status, outcome)
        }
    };
    let id = due.id;
    db.run(move |conn| callbacks::record_attempt(conn, &id, attempts, status, outcome))
        .await
}

async fn send(
    due: &DueCallback,
    target: &net_guard::Target,
    addrs: &[std::net::SocketAddr],
) -> (Option<i32>, Option<String>) {
    let mut builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .connect_timeout(TIMEOUT)
        .timeout(TIMEOUT);
    if let Some(domain) = target.domain() {
        builder = builder.resolve_to_addrs(domain, addrs);
    }
    let failed = |e: reqwest::Error| {
        tracing::info!(callback = %due.id, error = %e, "ATS callback failed");
        if e.is_timeout() {
            format!("Timed out after {} s", TIMEOUT.as_secs())
        } else if e.is_connect() {
            "Could not connect".to_string()
        } else {
            "The request failed".to_string()
        }
    };
    let http = match builder.build() {
        Ok(c) => c,
        Err(e) => return (None, Some(failed(e))),
    };
    let method = if due.method == "PATCH" {
        reqwest::Method::PATCH
    } else {
        reqwest::Method::PUT
    };
    let mut request = http
        .request(method, target.url.clone())
        .header("content-type", "application/json")
        .body(due.payload.clone());
    if let Some(token) = &due.bearer {
        request = request.bearer_auth(token);
    }
    match request.send().await {
        Ok(r) if r.status().is_success() => (Some(i32::from(r.status().as_u16())), None),
        Ok(r) => (
            Some(i32::from(r.status().as_u16())),
            Some(format!("HTTP {}", r.status())),
        ),
        Err(e) => (None, Some(failed(e))),
    }
}
