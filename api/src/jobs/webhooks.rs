//! Delivers queued webhook events: a signed JSON POST, retried with backoff; claimed with a
//! conditional UPDATE so several API processes never deliver one event twice.

use chrono::Duration;
use diesel::prelude::*;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::db::schema::{webhook_deliveries, webhooks};
use crate::db::{now, Db};
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

type Due = (String, String, String, i32, String);

async fn deliver_due(db: &Db, http: &reqwest::Client) -> Result<usize, ApiError> {
    let claimed: Vec<Due> = db
        .transaction(|conn| {
            let at = now();
            let due: Vec<String> = webhook_deliveries::table
                .filter(webhook_deliveries::status.eq("pending"))
                .filter(webhook_deliveries::next_attempt_at.le(at))
                .filter(
                    webhook_deliveries::locked_until
                        .is_null()
                        .or(webhook_deliveries::locked_until.lt(at)),
                )
                .select(webhook_deliveries::id)
                .limit(20)
                .load(conn)?;
            let mut claimed = Vec::new();
            for id in due {
                let won = diesel::update(
                    webhook_deliveries::table
                        .find(&id)
                        .filter(webhook_deliveries::status.eq("pending"))
                        .filter(
                            webhook_deliveries::locked_until
                                .is_null()
                                .or(webhook_deliveries::locked_until.lt(at)),
                        ),
                )
                .set(webhook_deliveries::locked_until.eq(Some(at + Duration::seconds(120))))
                .execute(conn)?;
                if won == 1 {
                    claimed.push(
                        webhook_deliveries::table
                            .inner_join(webhooks::table)
                            .filter(webhook_deliveries::id.eq(&id))
                            .select((
                                webhook_deliveries::id,
                                webhooks::url,
                                webhooks::secret,
                                webhook_deliveries::attempts,
                                webhook_deliveries::payload,
                            ))
                            .first::<Due>(conn)?,
                    );
                }
            }
            Ok(claimed)
        })
        .await?;
    let count = claimed.len();
    for (id, url, secret, attempts, payload) in claimed {
        let sig = signature(&secret, chrono::Utc::now().timestamp(), &payload);
        let outcome = http
            .post(&url)
            .header("content-type", "application/json")
            .header("Credence-Signature", sig)
            .header("Credence-Delivery", id.clone())
            .body(payload)
            .send()
            .await;
        let (ok, status, error) = match outcome {
            Ok(r) if r.status().is_success() => (true, Some(i32::from(r.status().as_u16())), None),
            Ok(r) => (
                false,
                Some(i32::from(r.status().as_u16())),
                Some(format!("HTTP {}", r.status())),
            ),
            Err(e) => (false, None, Some(e.to_string())),
        };
        let attempts = attempts + 1;
        db.run(move |conn| {
            let at = now();
            let status_text = if ok {
                "sent"
            } else if attempts >= MAX_ATTEMPTS {
                "failed"
            } else {
                "pending"
            };
            diesel::update(webhook_deliveries::table.find(&id))
                .set((
                    webhook_deliveries::status.eq(status_text),
                    webhook_deliveries::attempts.eq(attempts),
                    webhook_deliveries::response_status.eq(status),
                    webhook_deliveries::last_error.eq(&error),
                    webhook_deliveries::locked_until.eq(None::<chrono::NaiveDateTime>),
                    webhook_deliveries::next_attempt_at
                        .eq(at + Duration::seconds(if ok { 0 } else { backoff_seconds(attempts) })),
                    webhook_deliveries::sent_at.eq(ok.then_some(at)),
                ))
                .execute(conn)?;
            Ok(())
        })
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
