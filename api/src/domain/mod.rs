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

/// Key-set pagination: ids are UUIDv7, so ordering by id is ordering by creation time. Every
/// list also takes the filters a partner syncs with — rows created, or changed, after an
/// instant — and runs newest or oldest first; `keyset!` applies them all in one place.
#[derive(Debug, Clone, Default)]
pub struct PageRequest {
    pub limit: i64,
    /// The last id of the previous page.
    pub after: Option<String>,
    /// `None`: the list's own order (newest first, except where it says otherwise).
    pub order: Option<Order>,
    pub created_after: Option<chrono::NaiveDateTime>,
    /// Only on lists whose rows keep an `updated_at` (routes refuse it elsewhere).
    pub updated_after: Option<chrono::NaiveDateTime>,
}

/// Which end of a list comes first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    Newest,
    Oldest,
}

/// The shared part of a list on `$table` (a boxed query): `created_after`, `updated_after`, the
/// cursor, the order (newest first unless `oldest_first` is given as the list's own) and
/// `limit + 1` rows for `into_page`. `no_updates`: the table keeps no `updated_at`.
#[macro_export]
macro_rules! keyset {
    ($query:ident, $table:ident, $page:expr) => {
        $crate::keyset!(@run $query, $table, $page, $crate::domain::Order::Newest, $table::updated_at)
    };
    ($query:ident, $table:ident, $page:expr, no_updates) => {
        $crate::keyset!(@run $query, $table, $page, $crate::domain::Order::Newest, $table::created_at)
    };
    ($query:ident, $table:ident, $page:expr, no_updates, oldest_first) => {
        $crate::keyset!(@run $query, $table, $page, $crate::domain::Order::Oldest, $table::created_at)
    };
    (@run $query:ident, $table:ident, $page:expr, $natural:expr, $updated:expr) => {{
        let page: &$crate::domain::PageRequest = $page;
        if let Some(t) = page.created_after {
            $query = $query.filter($table::created_at.gt(t));
        }
        if let Some(t) = page.updated_after {
            $query = $query.filter($updated.gt(t));
        }
        match page.order.unwrap_or($natural) {
            $crate::domain::Order::Newest => {
                if let Some(after) = &page.after {
                    $query = $query.filter($table::id.lt(after.clone()));
                }
                $query = $query.order($table::id.desc());
            }
            $crate::domain::Order::Oldest => {
                if let Some(after) = &page.after {
                    $query = $query.filter($table::id.gt(after.clone()));
                }
                $query = $query.order($table::id.asc());
            }
        }
        $query = $query.limit(page.limit + 1);
    }};
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
