//! Brand skins: colours, logo and product name; one default skin exists from the first start.

use credence_shared::admin::{Brand, BrandCreate, BrandPatch, Branding};
use credence_shared::ResellerStatus;
use diesel::prelude::*;

use crate::db::schema::{brands, reseller_brands, resellers};
use crate::db::{new_id, now, DbConnection};
use crate::domain::audit::{self, AuditActor, AuditScope};
use crate::domain::values::{hex_color, required_text};
use crate::domain::{custom_hosts, into_page, logos, PageRequest};
use crate::error::{ApiError, Validator};

#[derive(Queryable, Debug, Clone)]
pub struct BrandRow {
    pub id: String,
    pub name: String,
    pub product_name: String,
    pub primary_color: String,
    pub accent_color: String,
    pub background_color: String,
    pub text_color: String,
    pub logo_id: Option<String>,
    pub is_default: bool,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

impl BrandRow {
    /// What the mail templates need of this skin.
    pub fn skin(&self) -> crate::mail::templates::Skin {
        crate::mail::templates::Skin {
            product_name: self.product_name.clone(),
            primary_color: self.primary_color.clone(),
            background_color: self.background_color.clone(),
            text_color: self.text_color.clone(),
            logo_id: self.logo_id.clone(),
        }
    }

    pub fn to_dto(&self) -> Brand {
        Brand {
            id: self.id.clone(),
            name: self.name.clone(),
            product_name: self.product_name.clone(),
            primary_color: self.primary_color.clone(),
            accent_color: self.accent_color.clone(),
            background_color: self.background_color.clone(),
            text_color: self.text_color.clone(),
            logo_url: self.logo_id.as_deref().map(logos::url),
            is_default: self.is_default,
            created_at: self.created_at.and_utc(),
            updated_at: self.updated_at.and_utc(),
        }
    }
}

pub fn list(
    conn: &mut DbConnection,
    page: &PageRequest,
) -> Result<credence_shared::Page<Brand>, ApiError> {
    let mut query = brands::table.into_boxed();
    crate::keyset!(query, brands, page);
    let rows: Vec<BrandRow> = query.load(conn)?;
    Ok(into_page(rows, page, |r| r.id.clone(), |r| r.to_dto()))
}

pub fn get(conn: &mut DbConnection, id: &str) -> Result<BrandRow, ApiError> {
    Ok(brands::table.find(id).first(conn)?)
}

pub fn default_brand(conn: &mut DbConnection) -> Result<BrandRow, ApiError> {
    Ok(brands::table
        .filter(brands::is_default.eq(true))
        .first(conn)?)
}

fn name_taken(conn: &mut DbConnection, name: &str, except: &str) -> Result<bool, ApiError> {
    let n: i64 = brands::table
        .filter(brands::name.eq(name))
        .filter(brands::id.ne(except))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

pub fn create(
    conn: &mut DbConnection,
    actor: &AuditActor,
    input: &BrandCreate,
) -> Result<BrandRow, ApiError> {
    let mut v = Validator::new();
    let name = v.check("name", required_text(&input.name, 100));
    let product_name = v.check("product_name", required_text(&input.product_name, 100));
    let primary = v.check("primary_color", hex_color(&input.primary_color));
    let accent = v.check("accent_color", hex_color(&input.accent_color));
    let background = v.check("background_color", hex_color(&input.background_color));
    let text = v.check("text_color", hex_color(&input.text_color));
    if let Some(name) = &name {
        if name_taken(conn, name, "")? {
            v.add(
                "name",
                "taken",
                "A brand skin with this name exists already.",
            );
        }
    }
    v.finish()?;
    let (Some(name), Some(product_name), Some(primary), Some(accent), Some(background), Some(text)) =
        (name, product_name, primary, accent, background, text)
    else {
        return Err(ApiError::internal("validated brand fields missing"));
    };
    let id = new_id();
    let at = now();
    diesel::insert_into(brands::table)
        .values((
            brands::id.eq(&id),
            brands::name.eq(name),
            brands::product_name.eq(product_name),
            brands::primary_color.eq(primary),
            brands::accent_color.eq(accent),
            brands::background_color.eq(background),
            brands::text_color.eq(text),
            brands::is_default.eq(false),
            brands::created_at.eq(at),
            brands::updated_at.eq(at),
        ))
        .execute(conn)?;
    let row = get(conn, &id)?;
    audit::record(
        conn,
        actor,
        "brand.created",
        ("brand", &id),
        AuditScope::default(),
        serde_json::json!({ "name": row.name }),
    )?;
    Ok(row)
}

pub fn update(
    conn: &mut DbConnection,
    actor: &AuditActor,
    id: &str,
    patch: &BrandPatch,
) -> Result<BrandRow, ApiError> {
    let before = get(conn, id)?;
    let mut v = Validator::new();
    let name = patch
        .name
        .as_deref()
        .and_then(|s| v.check("name", required_text(s, 100)));
    let product_name = patch
        .product_name
        .as_deref()
        .and_then(|s| v.check("product_name", required_text(s, 100)));
    let primary = patch
        .primary_color
        .as_deref()
        .and_then(|s| v.check("primary_color", hex_color(s)));
    let accent = patch
        .accent_color
        .as_deref()
        .and_then(|s| v.check("accent_color", hex_color(s)));
    let background = patch
        .background_color
        .as_deref()
        .and_then(|s| v.check("background_color", hex_color(s)));
    let text = patch
        .text_color
        .as_deref()
        .and_then(|s| v.check("text_color", hex_color(s)));
    if let Some(name) = &name {
        if name_taken(conn, name, id)? {
            v.add(
                "name",
                "taken",
                "A brand skin with this name exists already.",
            );
        }
    }
    v.finish()?;
    diesel::update(brands::table.find(id))
        .set((
            brands::name.eq(name.unwrap_or(before.name.clone())),
            brands::product_name.eq(product_name.unwrap_or(before.product_name.clone())),
            brands::primary_color.eq(primary.unwrap_or(before.primary_color.clone())),
            brands::accent_color.eq(accent.unwrap_or(before.accent_color.clone())),
            brands::background_color.eq(background.unwrap_or(before.background_color.clone())),
            brands::text_color.eq(text.unwrap_or(before.text_color.clone())),
            brands::updated_at.eq(now()),
        ))
        .execute(conn)?;
    let after = get(conn, id)?;
    audit::record(
        conn,
        actor,
        "brand.updated",
        ("brand", id),
        AuditScope::default(),
        serde_json::json!({ "before": before.to_dto(), "after": after.to_dto() }),
    )?;
    Ok(after)
}

pub fn set_logo(
    conn: &mut DbConnection,
    actor: &AuditActor,
    id: &str,
    logo: &logos::CleanLogo,
) -> Result<BrandRow, ApiError> {
    get(conn, id)?;
    let logo_id = logos::store(conn, logo)?;
    diesel::update(brands::table.find(id))
        .set((
            brands::logo_id.eq(Some(&logo_id)),
            brands::updated_at.eq(now()),
        ))
        .execute(conn)?;
    audit::record(
        conn,
        actor,
        "brand.logo_set",
        ("brand", id),
        AuditScope::default(),
        serde_json::json!({ "logo_id": logo_id }),
    )?;
    get(conn, id)
}

/// The skin for a request's host: the first skin of the reseller whose custom host it is,
/// else the default skin.
pub fn branding_for_host(
    conn: &mut DbConnection,
    host: Option<&str>,
) -> Result<Branding, ApiError> {
    if let Some(host) = custom_hosts::request_host(host) {
        let found = resellers::table
            .inner_join(reseller_brands::table.inner_join(brands::table))
            .filter(resellers::custom_host.eq(host))
            .filter(resellers::status.eq(ResellerStatus::Active.as_str()))
            .order(reseller_brands::position.asc())
            .select((resellers::name, brands::all_columns))
            .first::<(String, BrandRow)>(conn)
            .optional()?;
        if let Some((reseller_name, brand)) = found {
            return Ok(Branding {
                brand: brand.to_dto(),
                reseller_name: Some(reseller_name),
                client_name: None,
                client_logo_url: None,
            });
        }
    }
    Ok(Branding {
        brand: default_brand(conn)?.to_dto(),
        reseller_name: None,
        client_name: None,
        client_logo_url: None,
    })
}
