//! `credence seed-demo`: on an empty database, demo logins (and data) so a newcomer sees a
//! living product. A database that already has users is left as it is.

use credence_shared::admin::ResellerCreate;
use diesel::prelude::*;

use crate::auth::password;
use crate::config::Config;
use crate::db::schema::users;
use crate::db::{now, Db};
use crate::domain::audit::AuditActor;
use crate::domain::{brands, resellers};

pub const ADMIN_EMAIL: &str = "admin@credence.local";
pub const ADMIN_PASSWORD: &str = "credence-admin-demo";
pub const RESELLER_EMAIL: &str = "reseller@credence.local";
pub const RESELLER_PASSWORD: &str = "credence-reseller-demo";

/// Returns the text to print: the logins, or why nothing was done.
pub fn seed(config: &Config) -> Result<String, String> {
    let db = Db::connect(&config.database_url)?;
    let mut conn = db.get().map_err(|e| e.to_string())?;
    let existing: i64 = users::table.count().get_result(&mut *conn).map_err(|e| e.to_string())?;
    let logins = format!(
        "  vendor admin:  {ADMIN_EMAIL} / {ADMIN_PASSWORD}\n  reseller user: {RESELLER_EMAIL} / {RESELLER_PASSWORD}\n"
    );
    if existing > 0 {
        return Ok(format!("The database already has users; demo data left unchanged. Demo logins (if seeded earlier):\n{logins}"));
    }
    let cost = config.password_hashing;
    conn.transaction(|conn| {
        crate::domain::users::upsert_admin(conn, ADMIN_EMAIL, "Avery Admin", ADMIN_PASSWORD, cost)?;
        let default_brand = brands::default_brand(conn)?;
        let reseller = resellers::create(
            conn,
            &AuditActor::system(),
            &ResellerCreate {
                name: "Demo Reseller Ltd".into(),
                contact_email: RESELLER_EMAIL.into(),
                discount_percent: Some(20.0),
                currency: "GBP".into(),
                custom_host: None,
                brand_ids: vec![default_brand.id.clone()],
            },
        )?;
        let at = now();
        diesel::insert_into(users::table)
            .values((
                users::id.eq(crate::db::new_id()),
                users::email.eq(RESELLER_EMAIL),
                users::name.eq("Riley Reseller"),
                users::role.eq("reseller"),
                users::reseller_id.eq(Some(&reseller.id)),
                users::job_title.eq(Some("Account manager")),
                users::password_hash.eq(Some(password::hash(RESELLER_PASSWORD, cost))),
                users::status.eq("active"),
                users::created_at.eq(at),
                users::updated_at.eq(at),
            ))
            .execute(conn)?;
        Ok::<_, crate::error::ApiError>(())
    })
    .map_err(|e| e.to_string())?;
    Ok(format!("Demo data created. Sign in with:\n{logins}"))
}
