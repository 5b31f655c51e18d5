//! Delivers the outbox over SMTP with retry and exponential backoff.
//!
//! Safe with several API processes on one database: a mail is claimed by a conditional UPDATE
//! (only one process can move `locked_until` forward), so it is never sent twice.

use chrono::Duration;
use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncTransport, Message};

use crate::db::Db;
use crate::domain::outbox::{self, OutboxRow};
use crate::error::ApiError;
use crate::mail::SmtpTransport;

/// After this many failed attempts a mail is marked `failed` and left for an operator.
pub const MAX_ATTEMPTS: i32 = 8;
/// How long a claim lasts; longer than any SMTP exchange.
const CLAIM_SECONDS: i64 = 300;

/// Seconds to wait after the `failures`-th failed attempt: 30 s, 1 min, 2 min, ... at most an hour.
pub fn backoff_seconds(failures: i32) -> i64 {
    (30i64 << (failures - 1).clamp(0, 7)).min(3600)
}

pub async fn run(db: Db, transport: SmtpTransport, from: String, interval: std::time::Duration) {
    let from: Mailbox = match from.parse() {
        Ok(m) => m,
        Err(e) => {
            tracing::error!(error = %e, "CREDENCE_MAIL_FROM is not a valid mailbox; mail delivery stopped");
            return;
        }
    };
    loop {
        match deliver_due(&db, &transport, &from).await {
            Ok(0) => tokio::time::sleep(interval).await,
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(error = %e, "mail delivery round failed");
                tokio::time::sleep(interval).await;
            }
        }
    }
}

/// Claims and sends the mails that are due; returns how many were attempted.
pub async fn deliver_due(
    db: &Db,
    transport: &SmtpTransport,
    from: &Mailbox,
) -> Result<usize, ApiError> {
    let claimed: Vec<OutboxRow> = db
        .transaction(|conn| outbox::claim_due(conn, 20, Duration::seconds(CLAIM_SECONDS)))
        .await?;
    let count = claimed.len();
    for mail in claimed {
        let outcome = send(transport, from, &mail).await;
        let id = mail.id.clone();
        let attempts = mail.attempts + 1;
        db.run(move |conn| match outcome {
            Ok(()) => {
                tracing::info!(mail_id = %id, "mail sent");
                outbox::mark_sent(conn, &id, attempts)
            }
            Err(error) => {
                let give_up = attempts >= MAX_ATTEMPTS;
                let status = if give_up { "failed" } else { "pending" };
                tracing::warn!(mail_id = %id, attempts, %error, status, "mail delivery failed");
                let wait = Duration::seconds(backoff_seconds(attempts));
                if give_up {
                    outbox::mark_failed(conn, &id, attempts, error, wait)
                } else {
                    outbox::retry_later(conn, &id, attempts, error, wait)
                }
            }
        })
        .await?;
    }
    Ok(count)
}

/// The From of a queued mail: its stored name and address, each falling back to the platform
/// mailbox's (`platform`); a row with no name at all goes out as the platform mailbox.
pub fn from_of(platform: &Mailbox, mail: &OutboxRow) -> Result<Mailbox, String> {
    let address = match &mail.from_address {
        Some(a) => a
            .parse()
            .map_err(|e| format!("bad from address `{a}`: {e}"))?,
        None => platform.email.clone(),
    };
    let name = match &mail.from_name {
        Some(name) => Some(name.clone()),
        None if mail.from_address.is_none() => platform.name.clone(),
        None => None,
    };
    Ok(Mailbox::new(name, address))
}

/// One `Message-ID` per queued mail, the same on every attempt: a mail sent again after a crash
/// between the SMTP server's acceptance and `mark_sent` is the same message, which receivers
/// drop as a duplicate.
pub fn message_id(mail: &OutboxRow, from: &Mailbox) -> String {
    format!("<{}@{}>", mail.id, from.email.domain())
}

async fn send(transport: &SmtpTransport, from: &Mailbox, mail: &OutboxRow) -> Result<(), String> {
    let from = from_of(from, mail)?;
    let to: Mailbox = mail
        .to_address
        .parse()
        .map_err(|e| format!("bad recipient: {e}"))?;
    let message_id = message_id(mail, &from);
    let mut builder = Message::builder()
        .message_id(Some(message_id))
        .from(from)
        .to(to)
        .subject(mail.subject.clone());
    if let Some(reply_to) = &mail.reply_to {
        builder = builder.reply_to(reply_to.parse().map_err(|e| format!("bad reply-to: {e}"))?);
    }
    let message = builder
        .multipart(
            MultiPart::alternative()
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_PLAIN)
                        .body(mail.text_body.clone()),
                )
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(mail.html_body.clone()),
                ),
        )
        .map_err(|e| e.to_string())?;
    transport
        .send(message)
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(from_name: Option<&str>, from_address: Option<&str>) -> OutboxRow {
        let at = chrono::Utc::now().naive_utc();
        OutboxRow {
            id: "m".into(),
            kind: "welcome".into(),
            to_address: "to@example.com".into(),
            reply_to: None,
            subject: "s".into(),
            text_body: String::new(),
            html_body: String::new(),
            status: "pending".into(),
            attempts: 0,
            next_attempt_at: at,
            locked_until: None,
            last_error: None,
            created_at: at,
            sent_at: None,
            from_name: from_name.map(str::to_string),
            from_address: from_address.map(str::to_string),
            candidate_id: None,
        }
    }

    #[test]
    fn the_from_falls_back_to_the_platform_mailbox_part_by_part() {
        let platform: Mailbox = "Credence <no-reply@platform.example>".parse().unwrap();
        let both = from_of(&platform, &row(Some("Acme"), Some("mail@acme.example"))).unwrap();
        assert_eq!(both.to_string(), "Acme <mail@acme.example>");
        let name_only = from_of(&platform, &row(Some("Acme"), None)).unwrap();
        assert_eq!(name_only.to_string(), "Acme <no-reply@platform.example>");
        let vendor = from_of(&platform, &row(None, None)).unwrap();
        assert_eq!(vendor, platform);
        assert!(from_of(&platform, &row(Some("Acme"), Some("not an address"))).is_err());
    }

    #[test]
    fn every_attempt_of_a_mail_carries_its_one_message_id() {
        let from: Mailbox = "Acme <mail@acme.example>".parse().unwrap();
        let mail = row(Some("Acme"), Some("mail@acme.example"));
        assert_eq!(message_id(&mail, &from), "<m@acme.example>");
        let retried = OutboxRow {
            attempts: 3,
            ..row(Some("Acme"), Some("mail@acme.example"))
        };
        assert_eq!(message_id(&retried, &from), "<m@acme.example>");
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff_seconds(1), 30);
        assert_eq!(backoff_seconds(2), 60);
        assert_eq!(backoff_seconds(4), 240);
        assert_eq!(backoff_seconds(8), 3600);
        assert_eq!(backoff_seconds(20), 3600);
    }
}
