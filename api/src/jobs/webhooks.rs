//! Delivers queued webhook events: a signed JSON POST, retried with backoff; claimed with a
//! conditional UPDATE so several API processes never deliver one event twice. Each attempt
//! first checks where the URL points (`net_guard`: no loopback, private, link-local… address
//! unless `CREDENCE_WEBHOOK_ALLOW` says so) and connects only to the checked addresses;
//! redirects are not followed; up to 8 deliveries run at once, each limited to 10 s.

use chrono::Duration;
use futures_util::StreamExt;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::db::Db;
use crate::domain::webhooks::{self, DeliveryOutcome, DueDelivery};
use crate::error::ApiError;
use crate::jobs::mail::{backoff_seconds, MAX_ATTEMPTS};
use crate::net_guard::{self, AllowList, Target};

/// `t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(format!("{timestamp}.{body}").as_bytes());
    format!(
        "t={timestamp},v1={}",
        hex::encode(mac.finalize().into_bytes())
    )
}

/// Whole-attempt limit: a slow or silent receiver costs one slot this long, never a round.
const DELIVERY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);
/// Deliveries in flight at once, so one slow endpoint does not hold up other tenants'.
const CONCURRENCY: usize = 8;

pub async fn run(db: Db, interval: std::time::Duration, allow: AllowList) {
    loop {
        match deliver_due(&db, &allow).await {
            Ok(0) => tokio::time::sleep(interval).await,
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(error = %e, "webhook round failed");
                tokio::time::sleep(interval).await;
            }
        }
    }
}

/// How long a claim lasts; longer than any delivery (each times out after 10 s).
const CLAIM_SECONDS: i64 = 120;

async fn deliver_due(db: &Db, allow: &AllowList) -> Result<usize, ApiError> {
    let claimed: Vec<DueDelivery> = db
        .transaction(|conn| {
            webhooks::claim_due_deliveries(conn, 20, Duration::seconds(CLAIM_SECONDS))
        })
        .await?;
    let count = claimed.len();
    let results: Vec<Result<(), ApiError>> = futures_util::stream::iter(claimed)
        .map(|delivery| deliver_one(db, allow, delivery))
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    results.into_iter().collect::<Result<(), ApiError>>()?;
    Ok(count)
}

/// One attempt: check where the URL points now, connect only to the checked addresses, no
/// redirects, no proxy; then record the outcome.
async fn deliver_one(db: &Db, allow: &AllowList, delivery: DueDelivery) -> Result<(), ApiError> {
    let DueDelivery {
        id,
        url,
        secret,
        attempts,
        payload,
    } = delivery;
    let attempts = attempts + 1;
    let checked = match secret {
        Some(secret) => net_guard::resolve(&url, allow)
            .await
            .map(|target| (secret, target))
            // Refused by the address rules: final, and nothing was sent.
            .map_err(|refusal| format!("refused: {refusal}")),
        None => {
            tracing::error!(delivery = %id, "webhook secret does not open with this installation's key");
            Err(UNREADABLE_SECRET.to_string())
        }
    };
    let (status, outcome) = match checked {
        Err(error) => (None, DeliveryOutcome::Failed { error }),
        Ok((secret, (target, addrs))) => {
            let (status, error) = post(&id, &secret, &payload, &target, &addrs).await;
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
    db.run(move |conn| webhooks::record_delivery_attempt(conn, &id, attempts, status, outcome))
        .await
}

/// The log's words for a delivery whose secret cannot be read (sealed under another key).
const UNREADABLE_SECRET: &str = "Not sent: the signing secret could not be read";

/// What the delivery log says about a failed request: a sentence for the webhook's owner, never
/// the client library's wording (which names URLs and internals); that goes to the server log.
fn summary(id: &str, e: &reqwest::Error) -> String {
    tracing::info!(delivery = %id, error = %e, "webhook delivery failed");
    if e.is_timeout() {
        format!("Timed out after {} s", DELIVERY_TIMEOUT.as_secs())
    } else if e.is_connect() {
        "Could not connect".to_string()
    } else {
        "The request failed".to_string()
    }
}

async fn post(
    id: &str,
    secret: &str,
    payload: &str,
    target: &Target,
    addrs: &[std::net::SocketAddr],
) -> (Option<i32>, Option<String>) {
    let mut builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .connect_timeout(DELIVERY_TIMEOUT)
        .timeout(DELIVERY_TIMEOUT);
    if let Some(domain) = target.domain() {
        // Pin the name to the addresses just checked (no second lookup to rebind).
        builder = builder.resolve_to_addrs(domain, addrs);
    }
    let http = match builder.build() {
        Ok(c) => c,
        Err(e) => return (None, Some(summary(id, &e))),
    };
    let sig = signature(secret, chrono::Utc::now().timestamp(), payload);
    let sent = http
        .post(target.url.clone())
        .header("content-type", "application/json")
        .header("Credence-Signature", sig)
        .header("Credence-Delivery", id)
        .body(payload.to_string())
        .send()
        .await;
    match sent {
        Ok(r) if r.status().is_success() => (Some(i32::from(r.status().as_u16())), None),
        Ok(r) => (
            Some(i32::from(r.status().as_u16())),
            Some(format!("HTTP {}", r.status())),
        ),
        Err(e) => (None, Some(summary(id, &e))),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn signatures_are_hmac_sha256_of_time_and_body() {
        // Reference value computed with: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
        assert_eq!(
            super::signature("whsec_test", 1_700_000_000, r#"{"a":1}"#),
            "t=1700000000,v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789"
        );
    }
}
