//! Clients of a reseller: codes, lookups within a tenant, what the API shows, listing.
//! Creating and changing a client (initial credits, branding, status, logo) is `changes`;
//! closing one (a grace period, then its candidates anonymised and its users deactivated) is
//! `closure`.

mod changes;
pub mod closure;

pub use changes::{create, set_logo, update};

use credence_shared::reseller::Client;
use credence_shared::{ClientStatus, UserStatus};
use diesel::prelude::*;
use rand::Rng;

use crate::db::schema::{brands, clients, reseller_brands, users};
use crate::db::DbConnection;
use crate::domain::brands::BrandRow;
use crate::domain::tenant::Tenant;
use crate::domain::{into_page, like_pattern, logos, PageRequest};
use crate::error::{ApiError, FieldIssue};

pub const MAX_CREDITS: i64 = 1_000_000;

#[derive(Queryable, Debug, Clone)]
pub struct ClientRow {
    pub id: String,
    pub reseller_id: String,
    pub code: String,
    pub name: String,
    pub contact_name: String,
    pub contact_email: String,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub notes: Option<String>,
    pub brand_id: String,
    pub logo_id: Option<String>,
    pub credit_balance: i64,
    pub credit_threshold: i64,
    pub low_credit_notified: bool,
    #[diesel(deserialize_as = String)]
    pub status: ClientStatus,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
    /// The client's own retention period; `None`: its reseller's default.
    pub retention_days: Option<i32>,
    /// When a pending closure is carried out (`closure`); while set, nothing new is invited,
    /// ordered or added.
    pub closes_at: Option<chrono::NaiveDateTime>,
    /// The client's own privacy notice text; `None`: the default (`privacy::notice`).
    pub privacy_notice: Option<String>,
    /// Where candidates ask about their data; `None`: the client's contact email.
    pub privacy_contact_email: Option<String>,
}

/// Code alphabet without look-alikes (0/O, 1/I/L).
const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// `ACME-7K2Q`: up to four letters of the name, then four random characters.
pub fn generate_code(name: &str) -> String {
    let mut prefix: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .take(4)
        .collect();
    if prefix.len() < 2 {
        prefix = "CL".to_string();
    }
    let mut rng = rand::thread_rng();
    let suffix: String = (0..4)
        .map(|_| CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())] as char)
        .collect();
    format!("{prefix}-{suffix}")
}

/// A credits amount from 0 (or 1) to 1,000,000.
pub fn credits(value: Option<i64>, min: i64) -> Result<i64, FieldIssue> {
    let n = value.ok_or_else(FieldIssue::required)?;
    if n < min || n > MAX_CREDITS {
        return Err(FieldIssue::new(
            "out_of_range",
            format!("Enter a whole number of credits from {min} to 1,000,000."),
        ));
    }
    Ok(n)
}

fn threshold(value: i64) -> Result<i64, FieldIssue> {
    if (0..=MAX_CREDITS).contains(&value) {
        Ok(value)
    } else {
        Err(FieldIssue::new(
            "out_of_range",
            "Enter a threshold from 0 to 1,000,000 credits.",
        ))
    }
}

/// A client by id, whoever asks (for the server's own work, e.g. mail).
pub fn get(conn: &mut DbConnection, id: &str) -> Result<ClientRow, ApiError> {
    Ok(clients::table.find(id).first(conn)?)
}

/// The client, if the tenant may see it; another tenant's client is "not found".
pub fn get_scoped(
    conn: &mut DbConnection,
    tenant: &Tenant,
    id: &str,
) -> Result<ClientRow, ApiError> {
    let client: ClientRow = clients::table.find(id).first(conn)?;
    let visible = match tenant {
        Tenant::Reseller { reseller_id } => &client.reseller_id == reseller_id,
        Tenant::Client { client_id } => &client.id == client_id,
    };
    if visible {
        Ok(client)
    } else {
        Err(ApiError::not_found())
    }
}

/// The reseller a client belongs to, if the client exists.
pub fn reseller_of(conn: &mut DbConnection, client_id: &str) -> Result<Option<String>, ApiError> {
    Ok(clients::table
        .find(client_id)
        .select(clients::reseller_id)
        .first::<String>(conn)
        .optional()?)
}

/// A reseller's client by its code (case-insensitive), as credit orders name it.
pub fn by_code(
    conn: &mut DbConnection,
    reseller_id: &str,
    code: &str,
) -> Result<Option<ClientRow>, ApiError> {
    Ok(clients::table
        .filter(clients::code.eq(code.trim().to_uppercase()))
        .filter(clients::reseller_id.eq(reseller_id))
        .first(conn)
        .optional()?)
}

/// One client as `tenant` may read it: the reseller's notes about its client are the
/// reseller's own, so a client user gets none.
pub fn view(conn: &mut DbConnection, tenant: &Tenant, id: &str) -> Result<Client, ApiError> {
    let row = get_scoped(conn, tenant, id)?;
    let mut client = to_dto(conn, row)?;
    if let Tenant::Client { .. } = tenant {
        client.notes = None;
    }
    Ok(client)
}

pub fn to_dto(conn: &mut DbConnection, row: ClientRow) -> Result<Client, ApiError> {
    let mut one = to_dtos(conn, vec![row])?;
    one.pop()
        .ok_or_else(|| ApiError::internal("client vanished"))
}

/// Clients as DTOs, with their skins' names, user counts and closures read in three queries for
/// the whole list (not three per client).
pub fn to_dtos(conn: &mut DbConnection, rows: Vec<ClientRow>) -> Result<Vec<Client>, ApiError> {
    let brand_ids: Vec<&String> = rows.iter().map(|r| &r.brand_id).collect();
    let client_ids: Vec<&String> = rows.iter().map(|r| &r.id).collect();
    let brand_names: std::collections::HashMap<String, String> = brands::table
        .filter(brands::id.eq_any(brand_ids))
        .select((brands::id, brands::name))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    let closures = closure::of_clients(conn, &rows)?;
    let user_counts: std::collections::HashMap<Option<String>, i64> = users::table
        .filter(users::client_id.eq_any(client_ids))
        .filter(users::status.ne(UserStatus::Deactivated.as_str()))
        .group_by(users::client_id)
        .select((users::client_id, diesel::dsl::count_star()))
        .load::<(Option<String>, i64)>(conn)?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|row| Client {
            low_credit: row.credit_balance < row.credit_threshold,
            logo_url: row.logo_id.as_deref().map(logos::url),
            brand_name: brand_names.get(&row.brand_id).cloned().unwrap_or_default(),
            user_count: user_counts.get(&Some(row.id.clone())).copied().unwrap_or(0),
            closure: closures.get(&row.id).cloned(),
            id: row.id,
            reseller_id: row.reseller_id,
            code: row.code,
            name: row.name,
            contact_name: row.contact_name,
            contact_email: row.contact_email,
            phone: row.phone,
            address: row.address,
            notes: row.notes,
            brand_id: row.brand_id,
            credit_balance: row.credit_balance,
            credit_threshold: row.credit_threshold,
            status: row.status,
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
        })
        .collect())
}

/// The skins a reseller may give its clients: the platform default and its own skins.
pub fn allowed_brands(
    conn: &mut DbConnection,
    reseller_id: &str,
) -> Result<Vec<BrandRow>, ApiError> {
    let mut list = vec![crate::domain::brands::default_brand(conn)?];
    let own: Vec<BrandRow> = reseller_brands::table
        .inner_join(brands::table)
        .filter(reseller_brands::reseller_id.eq(reseller_id))
        .order(reseller_brands::position.asc())
        .select(brands::all_columns)
        .load(conn)?;
    for brand in own {
        if !list.iter().any(|b| b.id == brand.id) {
            list.push(brand);
        }
    }
    Ok(list)
}

#[derive(Debug, Default)]
pub struct ClientFilter {
    pub q: Option<String>,
    pub status: Option<ClientStatus>,
    pub brand_id: Option<String>,
    pub below_threshold: bool,
}

pub fn list(
    conn: &mut DbConnection,
    reseller_id: &str,
    filter: &ClientFilter,
    page: &PageRequest,
) -> Result<credence_shared::Page<Client>, ApiError> {
    let mut query = clients::table
        .filter(clients::reseller_id.eq(reseller_id))
        .into_boxed();
    if let Some(q) = filter.q.as_deref().filter(|q| !q.trim().is_empty()) {
        let pattern = like_pattern(q);
        query = query.filter(
            diesel::dsl::sql::<diesel::sql_types::Bool>("(lower(clients.name) LIKE ")
                .bind::<diesel::sql_types::Text, _>(pattern.clone())
                .sql(" ESCAPE '\\' OR lower(clients.code) LIKE ")
                .bind::<diesel::sql_types::Text, _>(pattern.clone())
                .sql(" ESCAPE '\\' OR lower(clients.contact_name) LIKE ")
                .bind::<diesel::sql_types::Text, _>(pattern.clone())
                .sql(" ESCAPE '\\' OR lower(clients.contact_email) LIKE ")
                .bind::<diesel::sql_types::Text, _>(pattern)
                .sql(" ESCAPE '\\')"),
        );
    }
    match filter.status {
        Some(status) => query = query.filter(clients::status.eq(status.as_str())),
        // Archived clients are hidden unless asked for.
        None => query = query.filter(clients::status.ne(ClientStatus::Archived.as_str())),
    }
    if let Some(brand_id) = &filter.brand_id {
        query = query.filter(clients::brand_id.eq(brand_id.clone()));
    }
    if filter.below_threshold {
        query = query.filter(clients::credit_balance.lt(clients::credit_threshold));
    }
    crate::keyset!(query, clients, page);
    let rows: Vec<ClientRow> = query.load(conn)?;
    let rows = into_page(rows, page, |r| r.id.clone(), |r| r);
    Ok(credence_shared::Page {
        data: to_dtos(conn, rows.data)?,
        next_cursor: rows.next_cursor,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_readable() {
        let code = generate_code("Acme Recruitment Ltd");
        assert!(code.starts_with("ACME-"));
        assert_eq!(code.len(), 9);
        assert!(code[5..].bytes().all(|b| CODE_ALPHABET.contains(&b)));
        assert!(generate_code("Ω").starts_with("CL-"));
        assert!(generate_code("3M").starts_with("3M-"));
    }

    #[test]
    fn credits_are_bounded() {
        assert_eq!(credits(Some(1), 1).unwrap(), 1);
        assert_eq!(credits(Some(1_000_000), 1).unwrap(), 1_000_000);
        assert_eq!(credits(Some(0), 1).unwrap_err().code, "out_of_range");
        assert_eq!(credits(Some(-5), 1).unwrap_err().code, "out_of_range");
        assert_eq!(
            credits(Some(1_000_001), 1).unwrap_err().code,
            "out_of_range"
        );
        assert_eq!(credits(None, 1).unwrap_err().code, "required");
    }
}
