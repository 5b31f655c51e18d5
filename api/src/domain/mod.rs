//! Domain rules with no HTTP types: values that parse instead of validate, and the
//! operations on each area (they take a database connection and return domain errors).

pub mod api_keys;
pub mod ats;
pub mod audit;
pub mod brands;
pub mod calendar;
pub mod candidates;
pub mod catalogue;
pub mod client_users;
pub mod clients;
pub mod credit_notes;
pub mod credits;
pub mod custom_hosts;
pub mod idempotency;
pub mod invoices;
pub mod key_limits;
pub mod links;
pub mod logos;
pub mod mail_texts;
pub mod orders;
pub mod outbox;
pub mod prices;
pub mod privacy;
pub mod projects;
pub mod rate_limits;
pub mod resale;
pub mod reseller_users;
pub mod resellers;
pub mod retention;
pub mod scoring;
pub mod senders;
pub mod session_epoch;
pub mod sessions;
pub mod settings;
pub mod statements;
pub mod tenant;
pub mod test_area;
pub mod usage;
pub mod users;
pub mod values;
pub mod webhooks;

/// Key-set pagination: ids are UUIDv7, so ordering by id is ordering by creation time.
#[derive(Debug, Clone)]
pub struct PageRequest {
    pub limit: i64,
    /// The last id of the previous page.
    pub after: Option<String>,
}

/// Cuts one extra row off a `limit + 1` query and turns it into the next cursor.
pub fn into_page<R, T>(
    mut rows: Vec<R>,
    page: &PageRequest,
    id: impl Fn(&R) -> String,
    to_dto: impl Fn(R) -> T,
) -> credence_shared::Page<T> {
    let more = rows.len() as i64 > page.limit;
    rows.truncate(page.limit as usize);
    let next_cursor = if more { rows.last().map(&id) } else { None };
    credence_shared::Page {
        data: rows.into_iter().map(to_dto).collect(),
        next_cursor,
    }
}

/// `%text%` for a case-insensitive LIKE on both backends (callers lower-case the column).
pub use crate::db::search::like_pattern;
