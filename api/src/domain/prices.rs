//! Price lists: what one credit costs a reseller, in its currency, at a given time.
//!
//! The vendor keeps a list price per currency (`reseller_id` NULL) and may give one reseller its
//! own price in a currency, which overrides the list price for that reseller while it applies.
//! Each price applies from `valid_from` until `valid_until`; a new price closes the one it
//! replaces at its own start, so for one currency (and one reseller) at most one row applies at
//! any time. The past is never rewritten: a price starts now or later, and only a price that
//! has not started yet can be deleted. Orders copy the price they used (`domain::orders`), so a
//! change never alters an existing invoice.

use chrono::NaiveDateTime;
use credence_shared::admin::{CreditPrice, CreditPriceCreate};
use credence_shared::{Page, PriceStatus};
use diesel::prelude::*;

use crate::db::schema::{credit_prices, resellers, settings};
use crate::db::{new_id, now, DbConnection};
use crate::domain::audit::{self, AuditActor, AuditScope};
use crate::domain::{into_page, values, PageRequest};
use crate::error::{ApiError, FieldIssue, Validator};

/// The highest price per credit the vendor may set, in minor units.
pub const MAX_UNIT_PRICE_MINOR: i64 = 100_000_000;

#[derive(Queryable, Debug, Clone)]
pub struct PriceRow {
    pub id: String,
    pub currency: String,
    pub reseller_id: Option<String>,
    pub unit_price_minor: i64,
    pub valid_from: NaiveDateTime,
    pub valid_until: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

impl PriceRow {
    fn applies_at(&self, at: NaiveDateTime) -> bool {
        self.valid_from <= at && self.valid_until.is_none_or(|until| at < until)
    }

    pub fn status(&self, at: NaiveDateTime) -> PriceStatus {
        if at < self.valid_from {
            PriceStatus::Scheduled
        } else if self.applies_at(at) {
            PriceStatus::Current
        } else {
            PriceStatus::Ended
        }
    }

    fn to_dto(&self, reseller_name: Option<String>, at: NaiveDateTime) -> CreditPrice {
        CreditPrice {
            id: self.id.clone(),
            currency: self.currency.clone(),
            reseller_id: self.reseller_id.clone(),
            reseller_name,
            unit_price_minor: self.unit_price_minor,
            valid_from: self.valid_from.and_utc(),
            valid_until: self.valid_until.map(|t| t.and_utc()),
            status: self.status(at),
            created_at: self.created_at.and_utc(),
        }
    }
}

/// The prices in `currency` that apply at `at` (list and resellers' own): the one rule of
/// what "applies" means in a query, as `PriceRow::applies_at` is in memory.
fn in_effect<'a>(
    currency: &'a str,
    at: NaiveDateTime,
) -> credit_prices::BoxedQuery<'a, crate::db::MultiBackend> {
    credit_prices::table
        .filter(credit_prices::currency.eq(currency))
        .filter(credit_prices::valid_from.le(at))
        .filter(
            credit_prices::valid_until
                .is_null()
                .or(credit_prices::valid_until.gt(at)),
        )
        .into_boxed()
}

/// The price per credit that applies to `reseller_id` in `currency` at `at`: its own price if
/// one applies, else the list price; `None` when the currency has neither.
pub fn applying(
    conn: &mut DbConnection,
    reseller_id: &str,
    currency: &str,
    at: NaiveDateTime,
) -> Result<Option<PriceRow>, ApiError> {
    let rows: Vec<PriceRow> = in_effect(currency, at)
        .filter(
            credit_prices::reseller_id
                .eq(reseller_id)
                .or(credit_prices::reseller_id.is_null()),
        )
        .load(conn)?;
    let own = rows.iter().find(|r| r.reseller_id.is_some()).cloned();
    Ok(own.or_else(|| rows.into_iter().find(|r| r.reseller_id.is_none())))
}

/// The unit price an order of `reseller_id` in `currency` uses now; a 409 when the currency has
/// no price (the vendor must add one first).
pub fn unit_price_now(
    conn: &mut DbConnection,
    reseller_id: &str,
    currency: &str,
) -> Result<i64, ApiError> {
    match applying(conn, reseller_id, currency, now())? {
        Some(price) => Ok(price.unit_price_minor),
        None => Err(ApiError::conflict(
            "no_price",
            format!(
                "There is no price per credit in {currency} for this reseller: the vendor must add one before credits can be ordered."
            ),
        )),
    }
}

/// The list price in `currency` that applies now.
pub fn list_price_now(
    conn: &mut DbConnection,
    currency: &str,
) -> Result<Option<PriceRow>, ApiError> {
    Ok(in_effect(currency, now())
        .filter(credit_prices::reseller_id.is_null())
        .first(conn)
        .optional()?)
}

/// `currency` if a reseller (`None`: a new one, or the platform's main currency) may be billed
/// in it now — a list price or that reseller's own price applies — else a `no_price` issue on
/// `field` in `v`.
pub fn check_priced(
    conn: &mut DbConnection,
    v: &mut Validator,
    field: &str,
    reseller_id: Option<&str>,
    currency: Option<String>,
) -> Result<Option<String>, ApiError> {
    let Some(currency) = currency else {
        return Ok(None);
    };
    let found = match reseller_id {
        Some(id) => applying(conn, id, &currency, now())?.is_some(),
        None => list_price_now(conn, &currency)?.is_some(),
    };
    if found {
        return Ok(Some(currency));
    }
    Ok(v.check(
        field,
        Err(FieldIssue::new(
            "no_price",
            format!("There is no price per credit in {currency}: add one under Prices first."),
        )),
    ))
}

#[derive(Debug, Default)]
pub struct PriceFilter {
    pub currency: Option<String>,
    pub reseller_id: Option<String>,
}

/// Prices, newest first; with `reseller_id`, that reseller's own prices only.
pub fn list(
    conn: &mut DbConnection,
    filter: &PriceFilter,
    page: &PageRequest,
) -> Result<Page<CreditPrice>, ApiError> {
    let mut query = credit_prices::table
        .left_join(resellers::table)
        .select((credit_prices::all_columns, resellers::name.nullable()))
        .into_boxed();
    if let Some(currency) = &filter.currency {
        query = query.filter(credit_prices::currency.eq(currency.clone()));
    }
    if let Some(reseller_id) = &filter.reseller_id {
        query = query.filter(credit_prices::reseller_id.eq(reseller_id.clone()));
    }
    crate::keyset!(query, credit_prices, page, no_updates);
    let rows: Vec<(PriceRow, Option<String>)> = query.load(conn)?;
    let at = now();
    Ok(into_page(
        rows,
        page,
        |(r, _)| r.id.clone(),
        |(r, name)| r.to_dto(name, at),
    ))
}

fn get(conn: &mut DbConnection, id: &str) -> Result<PriceRow, ApiError> {
    Ok(credit_prices::table.find(id).first(conn)?)
}

/// The prices of one currency and one reseller (or the list prices, `None`), oldest first.
fn line(
    conn: &mut DbConnection,
    currency: &str,
    reseller_id: Option<&str>,
) -> Result<Vec<PriceRow>, ApiError> {
    let query = credit_prices::table
        .filter(credit_prices::currency.eq(currency))
        .order(credit_prices::valid_from.asc())
        .into_boxed();
    let query = match reseller_id {
        Some(id) => query.filter(credit_prices::reseller_id.eq(id.to_string())),
        None => query.filter(credit_prices::reseller_id.is_null()),
    };
    Ok(query.load(conn)?)
}

/// Adds a price. It replaces, from its start, the price of the same currency and reseller that
/// applies then; a price already scheduled to start at or after it is a 409 (delete that
/// one first), so the past and the announced future are never rewritten.
pub fn add(
    conn: &mut DbConnection,
    actor: &AuditActor,
    input: &CreditPriceCreate,
) -> Result<CreditPrice, ApiError> {
    let at = now();
    let mut v = Validator::new();
    let currency = v.check("currency", values::currency(&input.currency));
    let unit_price = v.check("unit_price_minor", unit_price(input.unit_price_minor));
    let reseller_id = match input.reseller_id.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(id) => {
            let found = resellers::table
                .find(id)
                .select(resellers::id)
                .first::<String>(conn)
                .optional()?;
            if found.is_none() {
                v.add(
                    "reseller_id",
                    "unknown_reseller",
                    "There is no such reseller.",
                );
            }
            found
        }
    };
    // A start a moment ago (a form filled in at "now") counts as now.
    let valid_from = match input.valid_from.map(|t| t.naive_utc()) {
        Some(from) if from < at - chrono::Duration::minutes(5) => {
            v.add(
                "valid_from",
                "in_the_past",
                "A price cannot start in the past: invoices already use the prices that applied.",
            );
            None
        }
        Some(from) => Some(from.max(at)),
        None => Some(at),
    };
    let valid_until = input.valid_until.map(|t| t.naive_utc());
    if let Some(until) = valid_until {
        if input.reseller_id.is_none() {
            v.add(
                "valid_until",
                "list_price_has_no_end",
                "A list price applies until a newer one replaces it; only a reseller's own price can end.",
            );
        } else if valid_from.is_some_and(|from| until <= from) {
            v.add(
                "valid_until",
                "before_start",
                "The end must be after the start.",
            );
        }
    }
    v.finish()?;
    let (Some(currency), Some(unit_price), Some(valid_from)) = (currency, unit_price, valid_from)
    else {
        return Err(ApiError::internal("validated price fields missing"));
    };
    one_change_at_a_time(conn)?;
    let earlier = line(conn, &currency, reseller_id.as_deref())?;
    if let Some(later) = earlier.iter().find(|p| p.valid_from >= valid_from) {
        return Err(ApiError::conflict(
            "price_scheduled",
            format!(
                "A price from {} is already set for this currency; delete it first.",
                later.valid_from.format("%Y-%m-%d %H:%M UTC")
            ),
        ));
    }
    if let Some(replaced) = earlier.iter().find(|p| p.applies_at(valid_from)) {
        diesel::update(credit_prices::table.find(&replaced.id))
            .set(credit_prices::valid_until.eq(Some(valid_from)))
            .execute(conn)?;
    }
    let id = new_id();
    diesel::insert_into(credit_prices::table)
        .values((
            credit_prices::id.eq(&id),
            credit_prices::currency.eq(&currency),
            credit_prices::reseller_id.eq(&reseller_id),
            credit_prices::unit_price_minor.eq(unit_price),
            credit_prices::valid_from.eq(valid_from),
            credit_prices::valid_until.eq(valid_until),
            credit_prices::created_at.eq(at),
        ))
        .execute(conn)?;
    audit::record(
        conn,
        actor,
        "price.created",
        ("credit_price", &id),
        AuditScope {
            reseller_id: reseller_id.clone(),
            client_id: None,
        },
        serde_json::json!({
            "currency": currency,
            "unit_price_minor": unit_price,
            "valid_from": valid_from.and_utc(),
            "valid_until": valid_until.map(|t| t.and_utc()),
        }),
    )?;
    let name = reseller_name(conn, reseller_id.as_deref())?;
    Ok(get(conn, &id)?.to_dto(name, at))
}

/// Deletes a price that has not started yet; the price it would have replaced applies again
/// for as long as the deleted one would have.
pub fn delete(conn: &mut DbConnection, actor: &AuditActor, id: &str) -> Result<(), ApiError> {
    one_change_at_a_time(conn)?;
    let price = get(conn, id)?;
    if price.status(now()) != PriceStatus::Scheduled {
        return Err(ApiError::conflict(
            "price_started",
            "This price has started: invoices may use it. Add a newer price instead.",
        ));
    }
    let replaced = line(conn, &price.currency, price.reseller_id.as_deref())?
        .into_iter()
        .find(|p| p.valid_until == Some(price.valid_from));
    if let Some(replaced) = replaced {
        diesel::update(credit_prices::table.find(&replaced.id))
            .set(credit_prices::valid_until.eq(price.valid_until))
            .execute(conn)?;
    }
    diesel::delete(credit_prices::table.find(id)).execute(conn)?;
    audit::record(
        conn,
        actor,
        "price.deleted",
        ("credit_price", id),
        AuditScope {
            reseller_id: price.reseller_id.clone(),
            client_id: None,
        },
        serde_json::json!({
            "currency": price.currency,
            "unit_price_minor": price.unit_price_minor,
            "valid_from": price.valid_from.and_utc(),
        }),
    )?;
    Ok(())
}

/// Price changes read the line they change, then write it: two at once could both close the
/// same price. Writing the settings row first makes them take turns (a row lock on
/// PostgreSQL; SQLite runs one writing transaction at a time anyway).
fn one_change_at_a_time(conn: &mut DbConnection) -> Result<(), ApiError> {
    diesel::update(settings::table.find(1))
        .set(settings::updated_at.eq(settings::updated_at))
        .execute(conn)?;
    Ok(())
}

fn reseller_name(
    conn: &mut DbConnection,
    reseller_id: Option<&str>,
) -> Result<Option<String>, ApiError> {
    match reseller_id {
        Some(id) => Ok(Some(
            resellers::table
                .find(id)
                .select(resellers::name)
                .first(conn)?,
        )),
        None => Ok(None),
    }
}

pub fn unit_price(price: i64) -> Result<i64, FieldIssue> {
    if (0..=MAX_UNIT_PRICE_MINOR).contains(&price) {
        Ok(price)
    } else {
        Err(FieldIssue::new(
            "out_of_range",
            format!("Use a price from 0 to {MAX_UNIT_PRICE_MINOR} minor units."),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 5, 1)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
    }

    fn row(from: u32, until: Option<u32>) -> PriceRow {
        PriceRow {
            id: "p".into(),
            currency: "GBP".into(),
            reseller_id: None,
            unit_price_minor: 500,
            valid_from: at(from),
            valid_until: until.map(at),
            created_at: at(0),
        }
    }

    #[test]
    fn a_price_applies_from_its_start_until_its_end() {
        let price = row(10, Some(12));
        assert_eq!(price.status(at(9)), PriceStatus::Scheduled);
        assert_eq!(price.status(at(10)), PriceStatus::Current);
        assert_eq!(price.status(at(11)), PriceStatus::Current);
        assert_eq!(price.status(at(12)), PriceStatus::Ended);
        assert_eq!(row(10, None).status(at(23)), PriceStatus::Current);
    }
}
