//! The one function that anonymises a candidate: details replaced by placeholders, answers,
//! sessions and links removed, mail about them scrubbed, audit details and stored idempotent
//! answers cleaned of their name and email. Assessments keep their scores (raw, percentile,
//! sten, T, traits) as anonymous statistics, so results, analytics and norms still add up;
//! credits, invoices and the ledger are never touched.

use chrono::NaiveDateTime;
use credence_shared::DeliveryStatus;
use diesel::prelude::*;

use crate::db::schema::{
    answers, assessments, audit_events, candidate_sessions, candidates, idempotency_keys,
    invitations, outbox,
};
use crate::db::DbConnection;
use crate::domain::candidates::CandidateRow;
use crate::error::ApiError;

pub const ANONYMISED_FIRST_NAME: &str = "Anonymised";
pub const ANONYMISED_LAST_NAME: &str = "candidate";

/// A unique address that can never be delivered (`.invalid` is reserved, RFC 2606).
pub fn placeholder_email(candidate_id: &str) -> String {
    format!("anonymised+{candidate_id}@invalid")
}

/// Anonymises the candidate unless it already is. The claim is one conditional UPDATE
/// (`anonymised_at IS NULL`), so of several processes only one does the work. Returns the row
/// as it was before (`None`: already anonymised, or gone).
pub fn anonymise(
    conn: &mut DbConnection,
    candidate_id: &str,
    at: NaiveDateTime,
) -> Result<Option<CandidateRow>, ApiError> {
    let Some(before) = candidates::table
        .find(candidate_id)
        .filter(candidates::anonymised_at.is_null())
        .first::<CandidateRow>(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let placeholder = placeholder_email(candidate_id);
    let claimed = diesel::update(
        candidates::table
            .find(candidate_id)
            .filter(candidates::anonymised_at.is_null()),
    )
    .set((
        candidates::first_name.eq(ANONYMISED_FIRST_NAME),
        candidates::last_name.eq(ANONYMISED_LAST_NAME),
        candidates::email.eq(&placeholder),
        candidates::phone.eq(None::<String>),
        candidates::active.eq(false),
        candidates::anonymised_at.eq(Some(at)),
        candidates::updated_at.eq(at),
    ))
    .execute(conn)?;
    if claimed == 0 {
        return Ok(None); // another process got there first
    }
    let invitation_ids: Vec<String> = invitations::table
        .filter(invitations::candidate_id.eq(candidate_id))
        .select(invitations::id)
        .load(conn)?;
    // Answers go; the scores on the assessments stay.
    diesel::delete(
        answers::table.filter(
            answers::assessment_id.eq_any(
                assessments::table
                    .filter(assessments::invitation_id.eq_any(&invitation_ids))
                    .select(assessments::id),
            ),
        ),
    )
    .execute(conn)?;
    diesel::delete(
        candidate_sessions::table.filter(candidate_sessions::candidate_id.eq(candidate_id)),
    )
    .execute(conn)?;
    // No link opens the test area again.
    diesel::update(invitations::table.filter(invitations::candidate_id.eq(candidate_id)))
        .set(invitations::token_hash.eq(None::<String>))
        .execute(conn)?;
    scrub_mail(conn, &before, &placeholder)?;
    let strings = personal_strings(&before);
    scrub_audit(conn, candidate_id, &invitation_ids, &strings, &placeholder)?;
    scrub_idempotency(conn, candidate_id, &before.email, &strings, &placeholder)?;
    Ok(Some(before))
}

/// Mail about the candidate: unsent mail is dropped; sent mail keeps its row (kind, status,
/// times) without subject or bodies, and the candidate's address becomes the placeholder.
fn scrub_mail(
    conn: &mut DbConnection,
    before: &CandidateRow,
    placeholder: &str,
) -> Result<(), ApiError> {
    let about = || outbox::table.filter(outbox::candidate_id.eq(&before.id));
    diesel::delete(about().filter(outbox::status.ne(DeliveryStatus::Sent.as_str())))
        .execute(conn)?;
    diesel::update(about())
        .set((
            outbox::subject.eq(""),
            outbox::text_body.eq(""),
            outbox::html_body.eq(""),
        ))
        .execute(conn)?;
    diesel::update(about().filter(outbox::to_address.eq(&before.email)))
        .set(outbox::to_address.eq(placeholder))
        .execute(conn)?;
    Ok(())
}

/// The strings that identify the candidate, longest first (the full name before its parts).
fn personal_strings(c: &CandidateRow) -> Vec<String> {
    let mut all = vec![
        c.email.clone(),
        format!("{} {}", c.first_name, c.last_name),
        c.first_name.clone(),
        c.last_name.clone(),
    ];
    all.extend(c.phone.clone());
    all.retain(|s| !s.trim().is_empty());
    all.sort_by_key(|s| std::cmp::Reverse(s.len()));
    all.dedup();
    all
}

/// Every JSON string equal to one of `strings` (or containing the email) becomes "Anonymised"
/// (the email: the placeholder). Returns whether anything changed.
fn scrub_json(
    value: &mut serde_json::Value,
    email: &str,
    strings: &[String],
    placeholder: &str,
) -> bool {
    match value {
        serde_json::Value::String(s) => {
            if s.contains(email) {
                *s = s.replace(email, placeholder);
                true
            } else if strings.iter().any(|p| p == s) {
                *s = ANONYMISED_FIRST_NAME.to_string();
                true
            } else {
                false
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().fold(false, |any, v| {
            scrub_json(v, email, strings, placeholder) | any
        }),
        serde_json::Value::Object(map) => map.values_mut().fold(false, |any, v| {
            scrub_json(v, email, strings, placeholder) | any
        }),
        _ => false,
    }
}

/// Every object describing the candidate (its `id` or `candidate_id` is theirs, or its `email`
/// is theirs) gets the placeholders for names, email and phone, whatever they were then.
fn scrub_person(value: &mut serde_json::Value, candidate_id: &str, email: &str, placeholder: &str) {
    match value {
        serde_json::Value::Object(map) => {
            let is = |k: &str, v: &str| map.get(k).and_then(|x| x.as_str()) == Some(v);
            if is("id", candidate_id) || is("candidate_id", candidate_id) || is("email", email) {
                for (key, to) in [
                    ("first_name", serde_json::json!(ANONYMISED_FIRST_NAME)),
                    ("last_name", serde_json::json!(ANONYMISED_LAST_NAME)),
                    ("email", serde_json::json!(placeholder)),
                    ("phone", serde_json::Value::Null),
                ] {
                    if let Some(v) = map.get_mut(key) {
                        *v = to;
                    }
                }
            }
            for v in map.values_mut() {
                scrub_person(v, candidate_id, email, placeholder);
            }
        }
        serde_json::Value::Array(items) => {
            for v in items {
                scrub_person(v, candidate_id, email, placeholder);
            }
        }
        _ => {}
    }
}

/// Audit events about the candidate or their invitations keep what happened, not who.
fn scrub_audit(
    conn: &mut DbConnection,
    candidate_id: &str,
    invitation_ids: &[String],
    strings: &[String],
    placeholder: &str,
) -> Result<(), ApiError> {
    let Some(email) = strings.iter().find(|s| s.contains('@')).cloned() else {
        return Ok(());
    };
    let rows: Vec<(String, String)> = audit_events::table
        .filter(
            audit_events::object_type
                .eq("candidate")
                .and(audit_events::object_id.eq(candidate_id))
                .or(audit_events::object_type
                    .eq("invitation")
                    .and(audit_events::object_id.eq_any(invitation_ids))),
        )
        .select((audit_events::id, audit_events::details))
        .load(conn)?;
    for (id, details) in rows {
        let Ok(mut value) = serde_json::from_str::<serde_json::Value>(&details) else {
            continue;
        };
        if scrub_json(&mut value, &email, strings, placeholder) {
            diesel::update(audit_events::table.find(&id))
                .set(audit_events::details.eq(value.to_string()))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// Stored answers for idempotent replay (kept 24 hours) that show the candidate: by their
/// email or their id (an answer stored before an edit shows the details of then).
fn scrub_idempotency(
    conn: &mut DbConnection,
    candidate_id: &str,
    email: &str,
    strings: &[String],
    placeholder: &str,
) -> Result<(), ApiError> {
    use diesel::sql_types::{Bool, Text};
    let rows: Vec<(String, String, String)> = idempotency_keys::table
        .filter(
            diesel::dsl::sql::<Bool>("(lower(response_body) LIKE ")
                .bind::<Text, _>(crate::domain::like_pattern(email))
                .sql(" ESCAPE '\\' OR response_body LIKE ")
                .bind::<Text, _>(crate::domain::like_pattern(candidate_id))
                .sql(" ESCAPE '\\')"),
        )
        .select((
            idempotency_keys::principal,
            idempotency_keys::idempotency_key,
            idempotency_keys::response_body,
        ))
        .load(conn)?;
    for (principal, key, body) in rows {
        let scrubbed = match serde_json::from_str::<serde_json::Value>(&body) {
            Ok(mut value) => {
                scrub_person(&mut value, candidate_id, email, placeholder);
                scrub_json(&mut value, email, strings, placeholder);
                value.to_string()
            }
            Err(_) => body.replace(email, placeholder),
        };
        diesel::update(idempotency_keys::table.find((&principal, &key)))
            .set(idempotency_keys::response_body.eq(scrubbed))
            .execute(conn)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_strings_naming_the_candidate_are_replaced() {
        let mut v = serde_json::json!({
            "first_name": "Jane", "last_name": "Doe", "email": "jane@x.example",
            "note": "mail jane@x.example", "project": "Sales", "n": 3,
            "list": [{ "name": "Jane Doe" }]
        });
        let strings = vec![
            "jane@x.example".to_string(),
            "Jane Doe".to_string(),
            "Jane".to_string(),
            "Doe".to_string(),
        ];
        assert!(scrub_json(
            &mut v,
            "jane@x.example",
            &strings,
            "anonymised+1@invalid"
        ));
        assert_eq!(v["first_name"], "Anonymised");
        assert_eq!(v["email"], "anonymised+1@invalid");
        assert_eq!(v["note"], "mail anonymised+1@invalid");
        assert_eq!(v["project"], "Sales");
        assert_eq!(v["list"][0]["name"], "Anonymised");
        assert!(!scrub_json(&mut v, "jane@x.example", &strings, "x"));
    }

    #[test]
    fn objects_describing_the_candidate_lose_every_detail() {
        let mut v = serde_json::json!({
            "id": "c1", "first_name": "Old", "last_name": "Name", "email": "old@x.example",
            "phone": "+44 1", "invitations": [{ "candidate_id": "c1", "project_name": "P" }],
            "other": { "id": "c2", "first_name": "Kim" }
        });
        scrub_person(&mut v, "c1", "new@x.example", "anonymised+c1@invalid");
        assert_eq!(v["first_name"], "Anonymised");
        assert_eq!(v["last_name"], "candidate");
        assert_eq!(v["email"], "anonymised+c1@invalid");
        assert_eq!(v["phone"], serde_json::Value::Null);
        assert_eq!(v["invitations"][0]["project_name"], "P");
        assert_eq!(v["other"]["first_name"], "Kim");
    }
}
