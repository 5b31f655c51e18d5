//! The outbox: mail waiting to be sent, one row per mail.
//!
//! `enqueue` writes the row in the caller's transaction, so a change that rolls back sends no
//! mail. `jobs::mail` claims due rows with a conditional UPDATE (several processes never send
//! one mail twice), sends them, and records the outcome here.
//!
//! Bodies carry one-time links (welcome, password reset, invitations), so they are stored
//! sealed (ChaCha20-Poly1305) with the outbox key from `app_secrets` (itself sealed with
//! `CREDENCE_SECRET_KEY` when that is set); `claim_due` opens them for sending. Sent bodies
//! are emptied after `SENT_BODY_RETENTION_DAYS` (`purge_sent_bodies`, from housekeeping).

use chrono::Duration;
use credence_shared::DeliveryStatus;
use diesel::prelude::*;

use crate::db::schema::outbox;
use crate::db::{new_id, now, DbConnection};
use crate::domain::senders::Sender;
use crate::domain::settings;
use crate::error::ApiError;

/// How long a sent mail's body is kept (for support questions) before it is emptied.
pub const SENT_BODY_RETENTION_DAYS: i64 = 7;
use crate::mail::MailMessage;

/// Queues a mail from `sender` (`domain::senders` decides it); it is sent after the
/// surrounding transaction commits. A sender's name or address with a line break (a header
/// injection) is refused.
pub fn enqueue(
    conn: &mut DbConnection,
    kind: &str,
    to: &str,
    sender: &Sender,
    message: &MailMessage,
) -> Result<(), ApiError> {
    enqueue_about(conn, kind, to, sender, message, None)
}

/// `enqueue` for a mail to or about a candidate (an invitation, a report naming them), so the
/// candidate's export lists it and an erasure scrubs it (`domain::privacy`).
pub fn enqueue_about(
    conn: &mut DbConnection,
    kind: &str,
    to: &str,
    sender: &Sender,
    message: &MailMessage,
    candidate_id: Option<&str>,
) -> Result<(), ApiError> {
    for (what, value) in [
        ("From name", &sender.name),
        ("From address", &sender.address),
        ("Reply-To", &sender.reply_to),
    ] {
        if value
            .as_deref()
            .is_some_and(|v| v.chars().any(char::is_control))
        {
            return Err(ApiError::internal(format!(
                "refused to queue a {kind} mail: its {what} has a control character"
            )));
        }
    }
    let id = new_id();
    let at = now();
    let key = settings::outbox_key(conn)?;
    diesel::insert_into(outbox::table)
        .values((
            outbox::id.eq(&id),
            outbox::kind.eq(kind),
            outbox::to_address.eq(to),
            outbox::reply_to.eq(&sender.reply_to),
            outbox::from_name.eq(&sender.name),
            outbox::from_address.eq(&sender.address),
            outbox::subject.eq(&message.subject),
            outbox::text_body.eq(key.seal(&message.text)),
            outbox::html_body.eq(key.seal(&message.html)),
            outbox::status.eq(DeliveryStatus::Pending.as_str()),
            outbox::attempts.eq(0),
            outbox::next_attempt_at.eq(at),
            outbox::created_at.eq(at),
            outbox::candidate_id.eq(candidate_id),
        ))
        .execute(conn)?;
    tracing::info!(mail_id = %id, kind, to, subject = %message.subject, "mail queued in the outbox");
    Ok(())
}

/// A queued mail as stored.
#[derive(Queryable, Debug)]
pub struct OutboxRow {
    pub id: String,
    pub kind: String,
    pub to_address: String,
    pub reply_to: Option<String>,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: chrono::NaiveDateTime,
    pub locked_until: Option<chrono::NaiveDateTime>,
    pub last_error: Option<String>,
    pub created_at: chrono::NaiveDateTime,
    pub sent_at: Option<chrono::NaiveDateTime>,
    /// The From display name; `None`: the platform mailbox's (and rows queued before senders).
    pub from_name: Option<String>,
    /// The From address; `None`: the platform address.
    pub from_address: Option<String>,
    /// The candidate the mail is to or about (`domain::privacy` lists and scrubs these).
    pub candidate_id: Option<String>,
}

/// Claims up to `limit` due mails (oldest due first) for `claim_for`, so nobody else sends
/// them meanwhile. Each claim is a conditional UPDATE that only one process can win; run it
/// inside `Db::transaction`.
pub fn claim_due(
    conn: &mut DbConnection,
    limit: i64,
    claim_for: Duration,
) -> Result<Vec<OutboxRow>, ApiError> {
    let at = now();
    let due: Vec<String> = outbox::table
        .filter(outbox::status.eq(DeliveryStatus::Pending.as_str()))
        .filter(outbox::next_attempt_at.le(at))
        .filter(
            outbox::locked_until
                .is_null()
                .or(outbox::locked_until.lt(at)),
        )
        .order(outbox::next_attempt_at.asc())
        .select(outbox::id)
        .limit(limit)
        .load(conn)?;
    let mut claimed = Vec::new();
    let key = if due.is_empty() {
        None
    } else {
        Some(settings::outbox_key(conn)?)
    };
    for id in due {
        let won = diesel::update(
            outbox::table
                .find(&id)
                .filter(outbox::status.eq(DeliveryStatus::Pending.as_str()))
                .filter(
                    outbox::locked_until
                        .is_null()
                        .or(outbox::locked_until.lt(at)),
                ),
        )
        .set(outbox::locked_until.eq(Some(at + claim_for)))
        .execute(conn)?;
        if won == 1 {
            let mut row = outbox::table.find(&id).first::<OutboxRow>(conn)?;
            if let Some(key) = &key {
                row.text_body = open(key, &row.id, &row.text_body)?;
                row.html_body = open(key, &row.id, &row.html_body)?;
            }
            claimed.push(row);
        }
    }
    Ok(claimed)
}

/// The mail went out on its `attempts`-th attempt.
pub fn mark_sent(conn: &mut DbConnection, id: &str, attempts: i32) -> Result<(), ApiError> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::status.eq(DeliveryStatus::Sent.as_str()),
            outbox::attempts.eq(attempts),
            outbox::sent_at.eq(Some(now())),
            outbox::locked_until.eq(None::<chrono::NaiveDateTime>),
            outbox::last_error.eq(None::<String>),
        ))
        .execute(conn)?;
    Ok(())
}

/// The `attempts`-th attempt failed with `error`: try again in `retry_in`.
pub fn retry_later(
    conn: &mut DbConnection,
    id: &str,
    attempts: i32,
    error: String,
    retry_in: Duration,
) -> Result<(), ApiError> {
    record_failure(conn, id, DeliveryStatus::Pending, attempts, error, retry_in)
}

/// The `attempts`-th attempt failed with `error` and was the last: the mail is `failed` and
/// left for an operator (`next_attempt_at` still moves on by `backoff`, as for a retry).
pub fn mark_failed(
    conn: &mut DbConnection,
    id: &str,
    attempts: i32,
    error: String,
    backoff: Duration,
) -> Result<(), ApiError> {
    record_failure(conn, id, DeliveryStatus::Failed, attempts, error, backoff)
}

fn record_failure(
    conn: &mut DbConnection,
    id: &str,
    status: DeliveryStatus,
    attempts: i32,
    error: String,
    next_attempt_in: Duration,
) -> Result<(), ApiError> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::status.eq(status.as_str()),
            outbox::attempts.eq(attempts),
            outbox::next_attempt_at.eq(now() + next_attempt_in),
            outbox::locked_until.eq(None::<chrono::NaiveDateTime>),
            outbox::last_error.eq(Some(error)),
        ))
        .execute(conn)?;
    Ok(())
}

fn open(key: &crate::secrets::SealingKey, id: &str, stored: &str) -> Result<String, ApiError> {
    key.open(stored).ok_or_else(|| {
        ApiError::internal(format!(
            "outbox mail {id} does not open with the outbox key"
        ))
    })
}

/// The clear text of a stored body (`text_body` or `html_body`), e.g. for an operator's tool
/// or a test; bodies stored before sealing are returned as they are.
pub fn open_body(conn: &mut DbConnection, stored: &str) -> Result<String, ApiError> {
    let key = settings::outbox_key(conn)?;
    open(&key, "?", stored)
}

/// Empties the bodies of mails sent more than `SENT_BODY_RETENTION_DAYS` ago (the row stays:
/// who was mailed what kind of mail, when). Returns how many were emptied.
pub fn purge_sent_bodies(conn: &mut DbConnection) -> Result<usize, ApiError> {
    Ok(diesel::update(
        outbox::table
            .filter(outbox::status.eq(DeliveryStatus::Sent.as_str()))
            .filter(outbox::sent_at.lt(now() - Duration::days(SENT_BODY_RETENTION_DAYS)))
            .filter(outbox::text_body.ne("").or(outbox::html_body.ne(""))),
    )
    .set((outbox::text_body.eq(""), outbox::html_body.eq("")))
    .execute(conn)?)
}
