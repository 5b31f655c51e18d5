//! Who a mail comes from, who a reply reaches, and where its links point: decided here, once,
//! from the recipient's tenant, and stored with the queued mail (`outbox::enqueue`), so the
//! worker only sends it.
//!
//! | recipient | From name | From address | Reply-To | links |
//! |---|---|---|---|---|
//! | vendor staff | the platform mailbox (`CREDENCE_MAIL_FROM`) | platform | none | public URL |
//! | reseller staff | the reseller's default skin's product name | the reseller's `mail_from`, else platform | vendor support (`CREDENCE_SUPPORT_EMAIL`) | reseller's host |
//! | client users | the client's skin's product name | the reseller's `mail_from`, else platform | the reseller's contact email | reseller's host |
//! | candidates | the client's skin's product name | the reseller's `mail_from`, else platform | the project's support email, else the client's contact email | reseller's host |
//!
//! A skin without a product name gives way to the reseller's name, never to the vendor's; the
//! reseller's host is its custom host while it is set and the reseller active, else
//! `CREDENCE_PUBLIC_URL`. Names go into headers: control characters (CR, LF) never reach them.

use credence_shared::ResellerStatus;

use crate::db::DbConnection;
use crate::domain::clients::ClientRow;
use crate::domain::links::Links;
use crate::domain::resellers::{self, ResellerRow};
use crate::domain::users::UserRow;
use crate::domain::{brands, clients};
use crate::error::ApiError;

/// The sender identity of one mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sender {
    /// The From display name; `None`: the platform mailbox's own (mail to the vendor).
    pub name: Option<String>,
    /// The From address; `None`: the platform address.
    pub address: Option<String>,
    pub reply_to: Option<String>,
    /// Where the mail's links point.
    pub links: Links,
}

/// Mail to a user, by the tenant they belong to.
pub fn for_user(conn: &mut DbConnection, base: &Links, user: &UserRow) -> Result<Sender, ApiError> {
    if let Some(client_id) = &user.client_id {
        let client = clients::get(conn, client_id)?;
        return for_client_user(conn, base, &client);
    }
    match &user.reseller_id {
        Some(reseller_id) => for_reseller_staff(conn, base, reseller_id),
        None => Ok(for_vendor(base)),
    }
}

/// Mail to the vendor's own staff: the platform mailbox as configured.
pub fn for_vendor(base: &Links) -> Sender {
    Sender {
        name: None,
        address: None,
        reply_to: None,
        links: base.clone(),
    }
}

/// Mail to a reseller's staff: the reseller's default skin; replies go to the vendor's support.
pub fn for_reseller_staff(
    conn: &mut DbConnection,
    base: &Links,
    reseller_id: &str,
) -> Result<Sender, ApiError> {
    let reseller = resellers::get(conn, reseller_id)?;
    let brand = resellers::default_brand_of(conn, reseller_id)?;
    Ok(Sender {
        name: Some(display_name(&brand.product_name, &reseller.name)),
        address: reseller.mail_from.clone(),
        reply_to: base.vendor_support.clone(),
        links: links_of(base, &reseller),
    })
}

/// Mail to one of a client's users: the client's skin; replies go to the reseller.
pub fn for_client_user(
    conn: &mut DbConnection,
    base: &Links,
    client: &ClientRow,
) -> Result<Sender, ApiError> {
    let mut sender = client_sender(conn, base, client)?;
    sender.reply_to = Some(resellers::get(conn, &client.reseller_id)?.contact_email);
    Ok(sender)
}

/// Mail to a candidate: the client's skin; replies go to the project's support contact, else
/// to the client's contact.
pub fn for_candidate(
    conn: &mut DbConnection,
    base: &Links,
    client: &ClientRow,
    project_support_email: Option<&str>,
) -> Result<Sender, ApiError> {
    let mut sender = client_sender(conn, base, client)?;
    sender.reply_to = Some(
        project_support_email
            .filter(|e| !e.trim().is_empty())
            .unwrap_or(&client.contact_email)
            .to_string(),
    );
    Ok(sender)
}

fn client_sender(
    conn: &mut DbConnection,
    base: &Links,
    client: &ClientRow,
) -> Result<Sender, ApiError> {
    let reseller = resellers::get(conn, &client.reseller_id)?;
    let brand = brands::get(conn, &client.brand_id)?;
    Ok(Sender {
        name: Some(display_name(&brand.product_name, &reseller.name)),
        address: reseller.mail_from.clone(),
        reply_to: None,
        links: links_of(base, &reseller),
    })
}

/// Where the links of mail in a reseller's tenant point (`links_of`).
pub fn links_for_reseller(
    conn: &mut DbConnection,
    base: &Links,
    reseller_id: &str,
) -> Result<Links, ApiError> {
    Ok(links_of(base, &resellers::get(conn, reseller_id)?))
}

/// The reseller's custom host while it is set and the reseller active (as `GET /branding`
/// serves it), else the public URL.
fn links_of(base: &Links, reseller: &ResellerRow) -> Links {
    match &reseller.custom_host {
        Some(host) if reseller.status == ResellerStatus::Active && !host.trim().is_empty() => {
            base.on_host(host.trim())
        }
        _ => base.clone(),
    }
}

/// The skin's product name, else the reseller's name; one line, no control characters.
pub fn display_name(product_name: &str, reseller_name: &str) -> String {
    let product = one_line(product_name);
    if product.is_empty() {
        one_line(reseller_name)
    } else {
        product
    }
}

/// `s` with every control character (CR, LF, tab, ...) a space, and runs of spaces one.
pub fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_line_breaks_and_fall_back_to_the_reseller() {
        assert_eq!(
            display_name("Acme\r\nBcc: x@evil.example", "R"),
            "Acme Bcc: x@evil.example"
        );
        assert_eq!(display_name(" \n ", "Partner Ltd"), "Partner Ltd");
        assert_eq!(display_name("Assess", "Partner Ltd"), "Assess");
    }
}
