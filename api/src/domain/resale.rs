//! Resale prices: what a reseller charges its clients per credit, in the reseller's currency.
//!
//! A reseller has a default price and may give a client its own. Each change adds a row to
//! `resale_prices` (the newest row of each kind is in effect; a client row with no price means
//! "the default again"), so the history stays and nothing is rewritten. A credit order copies
//! the price in effect when it is placed (`orders::place`); statements read that copy.
//! Reseller staff only: client users are never shown a resale price.

use credence_shared::resale::{ResalePrice, ResalePriceSet};
use diesel::prelude::*;

use crate::db::schema::resale_prices;
use crate::db::{new_id, now, DbConnection};
use crate::domain::audit::{self, AuditActor, AuditScope};
use crate::domain::clients::ClientRow;
use crate::domain::prices;
use crate::error::{ApiError, Validator};

/// The newest row for the reseller's default (`client_id` None) or for one client: `None` when
/// there is no row, `Some(None)` when the newest row removed the price.
fn newest(
    conn: &mut DbConnection,
    reseller_id: &str,
    client_id: Option<&str>,
) -> Result<Option<Option<i64>>, ApiError> {
    let mut query = resale_prices::table
        .filter(resale_prices::reseller_id.eq(reseller_id.to_string()))
        .select(resale_prices::unit_price_minor)
        .order((resale_prices::created_at.desc(), resale_prices::id.desc()))
        .into_boxed();
    query = match client_id {
        Some(id) => query.filter(resale_prices::client_id.eq(id.to_string())),
        None => query.filter(resale_prices::client_id.is_null()),
    };
    Ok(query.first::<Option<i64>>(conn).optional()?)
}

/// The reseller's default price per credit, if set.
pub fn default_price(conn: &mut DbConnection, reseller_id: &str) -> Result<Option<i64>, ApiError> {
    Ok(newest(conn, reseller_id, None)?.flatten())
}

/// The client's own price, if set.
pub fn client_price(conn: &mut DbConnection, client: &ClientRow) -> Result<Option<i64>, ApiError> {
    Ok(newest(conn, &client.reseller_id, Some(&client.id))?.flatten())
}

/// What a credit ordered for the client now is resold at: its own price, else the default.
pub fn price_now(conn: &mut DbConnection, client: &ClientRow) -> Result<Option<i64>, ApiError> {
    match client_price(conn, client)? {
        Some(price) => Ok(Some(price)),
        None => default_price(conn, &client.reseller_id),
    }
}

pub fn reseller_view(conn: &mut DbConnection, reseller_id: &str) -> Result<ResalePrice, ApiError> {
    let default = default_price(conn, reseller_id)?;
    Ok(ResalePrice {
        currency: crate::domain::orders::reseller_currency(conn, reseller_id)?,
        default_unit_price_minor: default,
        client_unit_price_minor: None,
        unit_price_minor: default,
    })
}

pub fn client_view(conn: &mut DbConnection, client: &ClientRow) -> Result<ResalePrice, ApiError> {
    let default = default_price(conn, &client.reseller_id)?;
    let own = client_price(conn, client)?;
    Ok(ResalePrice {
        currency: crate::domain::orders::reseller_currency(conn, &client.reseller_id)?,
        default_unit_price_minor: default,
        client_unit_price_minor: own,
        unit_price_minor: own.or(default),
    })
}

fn checked(input: &ResalePriceSet) -> Result<Option<i64>, ApiError> {
    let mut v = Validator::new();
    let price = match input.unit_price_minor {
        Some(p) => v.check("unit_price_minor", prices::unit_price(p)),
        None => None,
    };
    v.finish()?;
    Ok(price)
}

/// Sets (or with `null` removes) the reseller's default price; audited, reseller scope only.
pub fn set_default(
    conn: &mut DbConnection,
    actor: &AuditActor,
    reseller_id: &str,
    input: &ResalePriceSet,
) -> Result<ResalePrice, ApiError> {
    let price = checked(input)?;
    let before = default_price(conn, reseller_id)?;
    add_row(conn, actor, reseller_id, None, price)?;
    audit::record(
        conn,
        actor,
        "resale_price.updated",
        ("reseller", reseller_id),
        AuditScope {
            reseller_id: Some(reseller_id.to_string()),
            client_id: None,
        },
        serde_json::json!({ "before": before, "after": price }),
    )?;
    reseller_view(conn, reseller_id)
}

/// Sets (or with `null` removes) one client's own price. Audited in the reseller's scope only,
/// so the client's users never read it in their audit log.
pub fn set_for_client(
    conn: &mut DbConnection,
    actor: &AuditActor,
    client: &ClientRow,
    input: &ResalePriceSet,
) -> Result<ResalePrice, ApiError> {
    let price = checked(input)?;
    let before = client_price(conn, client)?;
    add_row(conn, actor, &client.reseller_id, Some(&client.id), price)?;
    audit::record(
        conn,
        actor,
        "resale_price.updated",
        ("client", &client.id),
        AuditScope {
            reseller_id: Some(client.reseller_id.clone()),
            client_id: None,
        },
        serde_json::json!({ "client_code": client.code, "before": before, "after": price }),
    )?;
    client_view(conn, client)
}

fn add_row(
    conn: &mut DbConnection,
    actor: &AuditActor,
    reseller_id: &str,
    client_id: Option<&str>,
    price: Option<i64>,
) -> Result<(), ApiError> {
    diesel::insert_into(resale_prices::table)
        .values((
            resale_prices::id.eq(new_id()),
            resale_prices::reseller_id.eq(reseller_id),
            resale_prices::client_id.eq(client_id),
            resale_prices::unit_price_minor.eq(price),
            resale_prices::actor_id.eq(&actor.user_id),
            resale_prices::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}
