//! Delivers queued webhook events: a signed JSON POST, retried with backoff; claimed with a
//! conditional UPDATE so several API processes never deliver one event twice.

use chrono::Duration;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::db::Db;
use crate::domain::webhooks::{self, DeliveryOutcome, DueDelivery};
use crate::error::ApiError;
use crate::jobs::mail::{backoff_seconds, MAX_ATTEMPTS};

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

pub async fn run(db: Db, interval: std::time::Duration) {
    let http = match reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "webhook client could not start");
            return;
        }
    };
    loop {
        match deliver_due(&db, &http).await {
            Ok(0) => tokio::time::sleep(interval).await,
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(error = %e, "webhook round failed");
                tokio::time::sleep(interval).await;
            }
        }
    }
}

/// How long a claim lasts; longer than any delivery (the client times out after 10 s).
const CLAIM_SECONDS: i64 = 120;

async fn deliver_due(db: &Db, http: &reqwest::Client) -> Result<usize, ApiError> {
    let claimed: Vec<DueDelivery> = db
        .transaction(|conn| {
            webhooks::claim_due_deliveries(conn, 20, Duration::seconds(CLAIM_SECONDS))
        })
        .await?;
    let count = claimed.len();
    for DueDelivery {
        id,
        url,
        secret,
        attempts,
        payload,
    } in claimed
    {
        let sig = signature(&secret, chrono::Utc::now().timestamp(), &payload);
        let outcome = http
            .post(&url)
            .header("content-type", "application/json")
            .header("Credence-Signature", sig)
            .header("Credence-Delivery", id.clone())
            .body(payload)
            .send()
            .await;
        let (status, error) = match outcome {
            Ok(r) if r.status().is_success() => (Some(i32::from(r.status().as_u16())), None),
            Ok(r) => (
                Some(i32::from(r.status().as_u16())),
                Some(format!("HTTP {}", r.status())),
            ),
            Err(e) => (None, Some(e.to_string())),
        };
        let attempts = attempts + 1;
        let outcome = match error {
            None => DeliveryOutcome::Sent,
            Some(error) => {
                let wait = Duration::seconds(backoff_seconds(attempts));
                if attempts >= MAX_ATTEMPTS {
                    DeliveryOutcome::Failed {
                        error,
                        backoff: wait,
                    }
                } else {
                    DeliveryOutcome::RetryLater {
                        error,
                        retry_in: wait,
                    }
                }
            }
        };
        db.run(move |conn| webhooks::record_delivery_attempt(conn, &id, attempts, status, outcome))
            .await?;
    }
    Ok(count)
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
