//! Resellers: agreed discount, currency, custom host, the skins they may use, and their staff.

use credence_shared::admin::{Reseller, ResellerCreate, ResellerPatch, ResellerUserCreate};
use credence_shared::{HostStatus, ResellerStatus, Role};
use diesel::dsl::count_star;
use diesel::prelude::*;

use crate::db::schema::{brands, reseller_brands, resellers, users};
use crate::db::{new_id, now, DbConnection};
use crate::domain::audit::{self, AuditActor, AuditScope};
use crate::domain::brands::BrandRow;
use crate::domain::custom_hosts::{self, Platform};
use crate::domain::links::Links;
use crate::domain::users::{self as accounts, NewUser, UserRow};
use crate::domain::values::{currency, required_text, DiscountPercent, Email};
use crate::domain::{into_page, like_pattern, prices, sessions, PageRequest};
use crate::error::{ApiError, FieldIssue, Validator};

#[derive(Queryable, Debug, Clone)]
pub struct ResellerRow {
    pub id: String,
    pub name: String,
    pub contact_email: String,
    pub discount_bp: i32,
    pub currency: String,
    pub custom_host: Option<String>,
    #[diesel(deserialize_as = String)]
    pub status: ResellerStatus,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
    /// The From address of this reseller's mail (vendor-set); none: the platform address.
    pub mail_from: Option<String>,
    /// A custom host request (`domain::custom_hosts`): the host asked for, where it stands,
    /// when, the vendor's reason for a rejection, and the last DNS check.
    pub requested_host: Option<String>,
    #[diesel(deserialize_as = String)]
    pub host_status: HostStatus,
    pub host_requested_at: Option<chrono::NaiveDateTime>,
    pub host_rejection_reason: Option<String>,
    pub host_checked_host: Option<String>,
    pub host_check_result: Option<String>,
    pub host_check_addresses: Option<String>,
    pub host_checked_at: Option<chrono::NaiveDateTime>,
    /// Retention its clients start with (days after a candidate's last activity).
    pub retention_default_days: i32,
}

pub fn get(conn: &mut DbConnection, id: &str) -> Result<ResellerRow, ApiError> {
    Ok(resellers::table.find(id).first(conn)?)
}

/// Resellers as the API shows them: the skins and staff counts of the whole list in two
/// queries (not two per reseller).
pub fn to_dtos(conn: &mut DbConnection, rows: Vec<ResellerRow>) -> Result<Vec<Reseller>, ApiError> {
    use std::collections::HashMap;
    let ids: Vec<&String> = rows.iter().map(|r| &r.id).collect();
    let mut brand_ids: HashMap<String, Vec<String>> = HashMap::new();
    for (reseller_id, brand_id) in reseller_brands::table
        .filter(reseller_brands::reseller_id.eq_any(&ids))
        .order((
            reseller_brands::reseller_id.asc(),
            reseller_brands::position.asc(),
        ))
        .select((reseller_brands::reseller_id, reseller_brands::brand_id))
        .load::<(String, String)>(conn)?
    {
        brand_ids.entry(reseller_id).or_default().push(brand_id);
    }
    let user_counts: HashMap<Option<String>, i64> = users::table
        .filter(users::reseller_id.eq_any(&ids))
        .filter(users::role.eq(Role::Reseller.as_str()))
        .group_by(users::reseller_id)
        .select((users::reseller_id, count_star()))
        .load::<(Option<String>, i64)>(conn)?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|row| Reseller {
            discount_percent: DiscountPercent::from_basis_points(row.discount_bp).as_percent(),
            brand_ids: brand_ids.remove(&row.id).unwrap_or_default(),
            user_count: user_counts.get(&Some(row.id.clone())).copied().unwrap_or(0),
            id: row.id,
            name: row.name,
            contact_email: row.contact_email,
            currency: row.currency,
            custom_host: row.custom_host,
            mail_from: row.mail_from,
            host_status: row.host_status,
            requested_host: row.requested_host,
            status: row.status,
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
        })
        .collect())
}

pub fn to_dto(conn: &mut DbConnection, row: ResellerRow) -> Result<Reseller, ApiError> {
    to_dtos(conn, vec![row])?
        .pop()
        .ok_or_else(|| ApiError::internal("reseller vanished"))
}

pub fn list(
    conn: &mut DbConnection,
    q: Option<&str>,
    status: Option<ResellerStatus>,
    page: &PageRequest,
) -> Result<credence_shared::Page<Reseller>, ApiError> {
    let mut query = resellers::table.into_boxed();
    if let Some(q) = q.filter(|q| !q.trim().is_empty()) {
        let pattern = like_pattern(q);
        query = query.filter(
            diesel::dsl::sql::<diesel::sql_types::Bool>("(lower(resellers.name) LIKE ")
                .bind::<diesel::sql_types::Text, _>(pattern.clone())
                .sql(" ESCAPE '\\' OR lower(resellers.contact_email) LIKE ")
                .bind::<diesel::sql_types::Text, _>(pattern)
                .sql(" ESCAPE '\\')"),
        );
    }
    if let Some(status) = status {
        query = query.filter(resellers::status.eq(status.as_str()));
    }
    crate::keyset!(query, resellers, page);
    let rows: Vec<ResellerRow> = query.load(conn)?;
    let page_of_rows = into_page(rows, page, |r| r.id.clone(), |r| r);
    Ok(credence_shared::Page {
        data: to_dtos(conn, page_of_rows.data)?,
        next_cursor: page_of_rows.next_cursor,
    })
}

fn check_brands(
    conn: &mut DbConnection,
    v: &mut Validator,
    ids: &[String],
) -> Result<Vec<String>, ApiError> {
    let mut unique: Vec<String> = Vec::new();
    for id in ids {
        if !unique.contains(id) {
            unique.push(id.clone());
        }
    }
    let known: i64 = brands::table
        .filter(brands::id.eq_any(&unique))
        .count()
        .get_result(conn)?;
    if known != unique.len() as i64 {
        v.add(
            "brand_ids",
            "unknown_brand",
            "One or more brand skins do not exist.",
        );
    }
    Ok(unique)
}

fn set_brands(conn: &mut DbConnection, reseller_id: &str, ids: &[String]) -> Result<(), ApiError> {
    diesel::delete(reseller_brands::table.filter(reseller_brands::reseller_id.eq(reseller_id)))
        .execute(conn)?;
    for (position, brand_id) in ids.iter().enumerate() {
        diesel::insert_into(reseller_brands::table)
            .values((
                reseller_brands::reseller_id.eq(reseller_id),
                reseller_brands::brand_id.eq(brand_id),
                reseller_brands::position.eq(position as i32),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn create(
    conn: &mut DbConnection,
    actor: &AuditActor,
    input: &ResellerCreate,
    platform: &Platform,
) -> Result<ResellerRow, ApiError> {
    let mut v = Validator::new();
    let name = v.check("name", required_text(&input.name, 200));
    let contact_email = v.check("contact_email", Email::parse(&input.contact_email));
    let discount = v.check(
        "discount_percent",
        DiscountPercent::parse(input.discount_percent),
    );
    let currency = v.check("currency", currency(&input.currency));
    let currency = prices::check_priced(conn, &mut v, "currency", None, currency)?;
    let custom_host = custom_hosts::check_host(
        conn,
        &mut v,
        "custom_host",
        input.custom_host.as_deref().unwrap_or_default(),
        "",
        platform,
    )?;
    let mail_from = v.check(
        "mail_from",
        optional_email(input.mail_from.as_deref().unwrap_or_default()),
    );
    let brand_ids = check_brands(conn, &mut v, &input.brand_ids)?;
    v.finish()?;
    let (
        Some(name),
        Some(contact_email),
        Some(discount),
        Some(currency),
        Some(custom_host),
        Some(mail_from),
    ) = (
        name,
        contact_email,
        discount,
        currency,
        custom_host,
        mail_from,
    )
    else {
        return Err(ApiError::internal("validated reseller fields missing"));
    };
    let id = new_id();
    let at = now();
    diesel::insert_into(resellers::table)
        .values((
            resellers::id.eq(&id),
            resellers::name.eq(&name),
            resellers::contact_email.eq(contact_email.as_str()),
            resellers::discount_bp.eq(discount.basis_points()),
            resellers::currency.eq(&currency),
            resellers::custom_host.eq(&custom_host),
            resellers::host_status.eq(if custom_host.is_some() {
                HostStatus::Approved.as_str()
            } else {
                HostStatus::NoHost.as_str()
            }),
            resellers::mail_from.eq(&mail_from),
            resellers::status.eq(ResellerStatus::Active.as_str()),
            resellers::created_at.eq(at),
            resellers::updated_at.eq(at),
        ))
        .execute(conn)?;
    set_brands(conn, &id, &brand_ids)?;
    audit::record(
        conn,
        actor,
        "reseller.created",
        ("reseller", &id),
        AuditScope {
            reseller_id: Some(id.clone()),
            client_id: None,
        },
        serde_json::json!({ "name": name, "discount_percent": discount.as_percent(), "currency": currency, "brand_ids": brand_ids }),
    )?;
    get(conn, &id)
}

pub fn update(
    conn: &mut DbConnection,
    actor: &AuditActor,
    id: &str,
    patch: &ResellerPatch,
    platform: &Platform,
) -> Result<ResellerRow, ApiError> {
    let before = get(conn, id)?;
    let before_dto = to_dto(conn, before.clone())?;
    let mut v = Validator::new();
    let name = patch
        .name
        .as_deref()
        .and_then(|s| v.check("name", required_text(s, 200)));
    let contact_email = patch
        .contact_email
        .as_deref()
        .and_then(|s| v.check("contact_email", Email::parse(s)));
    let discount = patch
        .discount_percent
        .and_then(|d| v.check("discount_percent", DiscountPercent::parse(Some(d))));
    let currency = patch
        .currency
        .as_deref()
        .and_then(|s| v.check("currency", currency(s)));
    let currency = prices::check_priced(conn, &mut v, "currency", Some(id), currency)?;
    let custom_host = match patch.custom_host.as_deref() {
        Some(raw) => custom_hosts::check_host(conn, &mut v, "custom_host", raw, id, platform)?,
        None => None,
    };
    let mail_from = patch
        .mail_from
        .as_deref()
        .and_then(|s| v.check("mail_from", optional_email(s)));
    let status = patch.status.as_deref().and_then(|s| {
        v.check(
            "status",
            ResellerStatus::parse(s)
                .ok_or_else(|| FieldIssue::new("invalid_status", "Use active or suspended.")),
        )
    });
    let brand_ids = match &patch.brand_ids {
        Some(ids) => Some(check_brands(conn, &mut v, ids)?),
        None => None,
    };
    v.finish()?;
    diesel::update(resellers::table.find(id))
        .set((
            resellers::name.eq(name.unwrap_or(before.name.clone())),
            resellers::contact_email.eq(contact_email
                .map(Email::into_string)
                .unwrap_or(before.contact_email.clone())),
            resellers::discount_bp.eq(discount
                .map(|d| d.basis_points())
                .unwrap_or(before.discount_bp)),
            resellers::currency.eq(currency.unwrap_or(before.currency.clone())),
            resellers::custom_host.eq(custom_host.clone().unwrap_or(before.custom_host.clone())),
            resellers::mail_from.eq(mail_from.unwrap_or(before.mail_from.clone())),
            resellers::status.eq(status.unwrap_or(before.status).as_str()),
            resellers::updated_at.eq(now()),
        ))
        .execute(conn)?;
    // A suspension ends the sessions of everyone it shuts out, in every process.
    if status.is_some_and(|s| s != before.status) {
        sessions::invalidate(conn)?;
    }
    if let Some(ids) = &brand_ids {
        set_brands(conn, id, ids)?;
    }
    if custom_host.is_some() {
        custom_hosts::after_vendor_set(conn, id)?;
    }
    let after = get(conn, id)?;
    let after_dto = to_dto(conn, after.clone())?;
    audit::record(
        conn,
        actor,
        "reseller.updated",
        ("reseller", id),
        AuditScope {
            reseller_id: Some(id.to_string()),
            client_id: None,
        },
        serde_json::json!({ "before": before_dto, "after": after_dto }),
    )?;
    Ok(after)
}

/// A From address for a reseller's mail: empty is none (the platform address).
fn optional_email(raw: &str) -> Result<Option<String>, FieldIssue> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    Email::parse(raw).map(|e| Some(e.into_string()))
}

/// A reseller's default skin: its first allowed skin, else the platform default.
pub fn default_brand_of(conn: &mut DbConnection, reseller_id: &str) -> Result<BrandRow, ApiError> {
    let first = reseller_brands::table
        .inner_join(brands::table)
        .filter(reseller_brands::reseller_id.eq(reseller_id))
        .order(reseller_brands::position.asc())
        .select(brands::all_columns)
        .first::<BrandRow>(conn)
        .optional()?;
    match first {
        Some(brand) => Ok(brand),
        None => crate::domain::brands::default_brand(conn),
    }
}

/// Adds a reseller user and queues their welcome email.
pub fn create_user(
    conn: &mut DbConnection,
    links: &Links,
    actor: &AuditActor,
    reseller_id: &str,
    input: &ResellerUserCreate,
) -> Result<UserRow, ApiError> {
    get(conn, reseller_id)?;
    let brand = default_brand_of(conn, reseller_id)?;
    accounts::create_invited(
        conn,
        links,
        actor,
        NewUser {
            name: &input.name,
            email: &input.email,
            job_title: None,
            role: Role::Reseller,
            reseller_id: Some(reseller_id.to_string()),
            client_id: None,
            reseller_scope: None,
        },
        &brand,
    )
}
