//! Platform settings: the main currency (its list price comes from `domain::prices`) and the
//! default credit threshold; and the stored JWT signing key (`app_secrets`), for when none is
//! configured.

use credence_shared::admin::{CreditPriceCreate, Settings, SettingsPatch};
use diesel::prelude::*;

use crate::db::schema::{app_secrets, settings};
use crate::db::{now, DbConnection};
use crate::domain::audit::{self, AuditActor, AuditScope};
use crate::domain::{prices, values};
use crate::error::{ApiError, FieldIssue, Validator};
use crate::secrets::{is_sealed, SealingKey};

pub fn get(conn: &mut DbConnection) -> Result<Settings, ApiError> {
    let (currency, default_credit_threshold, updated_at) = settings::table
        .find(1)
        .select((
            settings::currency,
            settings::default_credit_threshold,
            settings::updated_at,
        ))
        .first::<(String, i64, chrono::NaiveDateTime)>(conn)?;
    let list_price_minor = prices::list_price_now(conn, &currency)?
        .map(|p| p.unit_price_minor)
        .unwrap_or_default();
    Ok(Settings {
        list_price_minor,
        currency,
        default_credit_threshold,
        updated_at: updated_at.and_utc(),
    })
}

pub fn update(
    conn: &mut DbConnection,
    actor: &AuditActor,
    patch: &SettingsPatch,
) -> Result<Settings, ApiError> {
    let mut v = Validator::new();
    let price = patch
        .list_price_minor
        .and_then(|p| v.check("list_price_minor", prices::unit_price(p)));
    let currency = patch
        .currency
        .as_deref()
        .and_then(|c| v.check("currency", values::currency(c)));
    let threshold = patch.default_credit_threshold.and_then(|t| {
        v.check(
            "default_credit_threshold",
            if (0..=1_000_000).contains(&t) {
                Ok(t)
            } else {
                Err(FieldIssue::new(
                    "out_of_range",
                    "Use a threshold from 0 to 1000000 credits.",
                ))
            },
        )
    });
    // A new main currency needs a list price: one already set, or the one in this change.
    let currency = match price {
        Some(_) => currency,
        None => prices::check_priced(conn, &mut v, "currency", None, currency)?,
    };
    v.finish()?;
    let before = get(conn)?;
    let currency = currency.unwrap_or(before.currency.clone());
    let current = prices::list_price_now(conn, &currency)?.map(|p| p.unit_price_minor);
    if let Some(price) = price.filter(|p| current != Some(*p)) {
        prices::add(
            conn,
            actor,
            &CreditPriceCreate {
                currency: currency.clone(),
                unit_price_minor: price,
                ..CreditPriceCreate::default()
            },
        )?;
    }
    diesel::update(settings::table.find(1))
        .set((
            settings::currency.eq(currency),
            settings::default_credit_threshold
                .eq(threshold.unwrap_or(before.default_credit_threshold)),
            settings::updated_at.eq(now()),
        ))
        .execute(conn)?;
    let after = get(conn)?;
    audit::record(
        conn,
        actor,
        "settings.updated",
        ("settings", "1"),
        AuditScope::default(),
        serde_json::json!({ "before": before, "after": after }),
    )?;
    Ok(after)
}

/// The JWT signing key kept in `app_secrets`: the stored one, else `generate()` is stored and
/// returned, so a restart (or another process on the same database) logs nobody out. If
/// another process stores its key first, that one is returned.
pub fn signing_key(
    conn: &mut DbConnection,
    generate: impl FnOnce() -> String,
) -> Result<String, ApiError> {
    stored_secret(
        conn,
        "jwt_signing_key",
        crate::secrets::master_key(),
        generate,
    )
}

/// The key that seals mail bodies in the outbox (`domain::outbox`), generated on first use and
/// kept in `app_secrets` like the signing key.
pub fn outbox_key(conn: &mut DbConnection) -> Result<SealingKey, ApiError> {
    sealing_key(conn, "outbox_key")
}

/// The key that seals webhook signing secrets (`domain::webhooks`), kept like the outbox key.
pub fn webhook_key(conn: &mut DbConnection) -> Result<SealingKey, ApiError> {
    sealing_key(conn, "webhook_key")
}

/// A sealing key kept in `app_secrets` under `name`, generated on first use.
fn sealing_key(conn: &mut DbConnection, name: &str) -> Result<SealingKey, ApiError> {
    let text = stored_secret(conn, name, crate::secrets::master_key(), || {
        SealingKey::generate().1
    })?;
    SealingKey::from_stored(&text)
        .ok_or_else(|| ApiError::internal(format!("app_secrets.{name} is not a key")))
}

/// A secret kept in `app_secrets` under `name`. With a master key (`CREDENCE_SECRET_KEY`) it is
/// stored sealed (a clear one from before is sealed in place when read); without one it is
/// stored in clear, and the database (the SQLite file: mode 0600, owned by the service user)
/// must be readable only by the service.
pub fn stored_secret(
    conn: &mut DbConnection,
    name: &str,
    master: Option<&SealingKey>,
    generate: impl FnOnce() -> String,
) -> Result<String, ApiError> {
    let read = |conn: &mut DbConnection| -> Result<Option<String>, ApiError> {
        let Some(stored) = app_secrets::table
            .find(name)
            .select(app_secrets::value)
            .first::<String>(conn)
            .optional()?
        else {
            return Ok(None);
        };
        if !is_sealed(&stored) {
            if let Some(master) = master {
                diesel::update(
                    app_secrets::table
                        .find(name)
                        .filter(app_secrets::value.eq(&stored)),
                )
                .set(app_secrets::value.eq(master.seal(&stored)))
                .execute(conn)?;
            }
            return Ok(Some(stored));
        }
        let master = master.ok_or_else(|| {
            ApiError::internal(format!(
                "app_secrets.{name} is sealed: set CREDENCE_SECRET_KEY to the key it was sealed with"
            ))
        })?;
        master.open(&stored).map(Some).ok_or_else(|| {
            ApiError::internal(format!(
                "app_secrets.{name} does not open with this CREDENCE_SECRET_KEY"
            ))
        })
    };
    if let Some(secret) = read(conn)? {
        return Ok(secret);
    }
    let generated = generate();
    let stored = match master {
        Some(master) => master.seal(&generated),
        None => generated.clone(),
    };
    // In a savepoint: on PostgreSQL a failed INSERT would abort the caller's transaction.
    let inserted = conn.transaction(|c| {
        diesel::insert_into(app_secrets::table)
            .values((
                app_secrets::name.eq(name),
                app_secrets::value.eq(&stored),
                app_secrets::created_at.eq(now()),
            ))
            .execute(c)
    });
    match inserted {
        Ok(_) => Ok(generated),
        // Another process won the race: use its secret.
        Err(_) => {
            read(conn)?.ok_or_else(|| ApiError::internal(format!("app_secrets.{name} vanished")))
        }
    }
}
