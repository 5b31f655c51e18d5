//! Custom hosts: a reseller asks for a host, the vendor approves it (it becomes the reseller's
//! `custom_host`, which links and branding use) or rejects it; the reseller may withdraw a
//! request or remove its host. A host is unique across resellers, counting the hosts in use
//! and the requests waiting, and never the platform's own. The DNS check compares what the
//! host resolves to with the platform's addresses (the caller resolves; nothing connects).

use std::net::IpAddr;

use credence_shared::reseller::{CustomHost, DnsRecord, HostCheck};
use credence_shared::{HostCheckResult, HostStatus};
use diesel::prelude::*;

use crate::db::schema::{clients, resellers};
use crate::db::{now, DbConnection};
use crate::domain::audit::{self, AuditActor, AuditScope};
use crate::domain::resellers::{get, ResellerRow};
use crate::domain::users::UserRow;
use crate::domain::values::{host, optional_text};
use crate::error::{ApiError, Validator};

/// The platform's side: the names no reseller may take and the CNAME target.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Platform {
    /// `CREDENCE_PUBLIC_URL`'s host.
    pub public_host: String,
    /// What a custom host should be a CNAME of (`CREDENCE_HOST_TARGET`).
    pub target: String,
}

/// Checks a host for `field` into `v`: its form (`values::host`), not the platform's, not
/// another reseller's (in use or requested). `Some(None)` is "no host".
pub fn check_host(
    conn: &mut DbConnection,
    v: &mut Validator,
    field: &str,
    raw: &str,
    reseller_id: &str,
    platform: &Platform,
) -> Result<Option<Option<String>>, ApiError> {
    let Some(parsed) = v.check(field, host(raw)) else {
        return Ok(None);
    };
    if let Some(h) = &parsed {
        if h == &platform.public_host || h == &platform.target {
            v.add(
                field,
                "platform_host",
                "This is the platform's own host; use a host of your own domain.",
            );
        } else if taken(conn, h, reseller_id)? {
            v.add(
                field,
                "taken",
                "Another reseller uses or has asked for this host.",
            );
        }
    }
    Ok(Some(parsed))
}

/// Whether another reseller uses `host` or has asked for it.
fn taken(conn: &mut DbConnection, host: &str, except: &str) -> Result<bool, ApiError> {
    let n: i64 = resellers::table
        .filter(resellers::id.ne(except))
        .filter(
            resellers::custom_host.eq(host).or(resellers::requested_host
                .eq(host)
                .and(resellers::host_status.eq(HostStatus::Requested.as_str()))),
        )
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// The record that points a host at `target`: a CNAME of a name, an A or AAAA record of an
/// address (a platform reached by its IP address).
fn record_type(target: &str) -> &'static str {
    match target.parse::<IpAddr>() {
        Ok(IpAddr::V4(_)) => "A",
        Ok(IpAddr::V6(_)) => "AAAA",
        Err(_) => "CNAME",
    }
}

/// The reseller's custom host as its portal and the vendor see it.
pub fn view(row: &ResellerRow, platform: &Platform) -> CustomHost {
    let shown = row.requested_host.clone().or(row.custom_host.clone());
    let last_check = match (
        &row.host_checked_host,
        &row.host_check_result,
        row.host_checked_at,
    ) {
        (Some(checked), Some(result), Some(at)) if Some(checked) == shown.as_ref() => {
            HostCheckResult::parse(result).map(|result| HostCheck {
                host: checked.clone(),
                result,
                addresses: row
                    .host_check_addresses
                    .as_deref()
                    .unwrap_or_default()
                    .split_whitespace()
                    .map(str::to_string)
                    .collect(),
                checked_at: at.and_utc(),
            })
        }
        _ => None,
    };
    CustomHost {
        active_host: row.custom_host.clone(),
        requested_host: row.requested_host.clone(),
        status: row.host_status,
        rejection_reason: row.host_rejection_reason.clone(),
        requested_at: row.host_requested_at.map(|t| t.and_utc()),
        dns_record: shown.map(|name| DnsRecord {
            record_type: record_type(&platform.target).to_string(),
            name,
            value: platform.target.clone(),
        }),
        last_check,
    }
}

pub fn get_view(
    conn: &mut DbConnection,
    reseller_id: &str,
    platform: &Platform,
) -> Result<CustomHost, ApiError> {
    Ok(view(&get(conn, reseller_id)?, platform))
}

fn record(
    conn: &mut DbConnection,
    actor: &AuditActor,
    action: &str,
    reseller_id: &str,
    details: serde_json::Value,
) -> Result<(), ApiError> {
    audit::record(
        conn,
        actor,
        action,
        ("reseller", reseller_id),
        AuditScope {
            reseller_id: Some(reseller_id.to_string()),
            client_id: None,
        },
        details,
    )
}

/// The reseller asks for `raw` (replacing a request waiting or rejected).
pub fn request(
    conn: &mut DbConnection,
    actor: &AuditActor,
    reseller_id: &str,
    raw: &str,
    platform: &Platform,
) -> Result<CustomHost, ApiError> {
    let row = get(conn, reseller_id)?;
    let mut v = Validator::new();
    let checked = check_host(conn, &mut v, "host", raw, reseller_id, platform)?;
    if let Some(None) = checked {
        v.add("host", "required", "Enter a host name.");
    }
    if let Some(Some(h)) = &checked {
        if row.custom_host.as_ref() == Some(h) {
            v.add("host", "already_active", "This host is already yours.");
        }
    }
    v.finish()?;
    let Some(Some(requested)) = checked else {
        return Err(ApiError::internal("validated host missing"));
    };
    diesel::update(resellers::table.find(reseller_id))
        .set((
            resellers::requested_host.eq(&requested),
            resellers::host_status.eq(HostStatus::Requested.as_str()),
            resellers::host_requested_at.eq(now()),
            resellers::host_rejection_reason.eq(None::<String>),
            resellers::updated_at.eq(now()),
        ))
        .execute(conn)?;
    record(
        conn,
        actor,
        "custom_host.requested",
        reseller_id,
        serde_json::json!({ "host": requested, "replaces": row.requested_host }),
    )?;
    get_view(conn, reseller_id, platform)
}

/// The status once no request is pending: `approved` with a host in use, else `none`.
fn settled(custom_host: &Option<String>) -> HostStatus {
    if custom_host.is_some() {
        HostStatus::Approved
    } else {
        HostStatus::NoHost
    }
}

/// The reseller withdraws its request (waiting or rejected); a host in use stays.
pub fn withdraw(
    conn: &mut DbConnection,
    actor: &AuditActor,
    reseller_id: &str,
    platform: &Platform,
) -> Result<CustomHost, ApiError> {
    let row = get(conn, reseller_id)?;
    let Some(requested) = row.requested_host.clone() else {
        return Err(ApiError::conflict(
            "no_host_request",
            "There is no custom host request.",
        ));
    };
    clear_request(conn, reseller_id, settled(&row.custom_host))?;
    record(
        conn,
        actor,
        "custom_host.withdrawn",
        reseller_id,
        serde_json::json!({ "host": requested }),
    )?;
    get_view(conn, reseller_id, platform)
}

fn clear_request(
    conn: &mut DbConnection,
    reseller_id: &str,
    status: HostStatus,
) -> Result<(), ApiError> {
    diesel::update(resellers::table.find(reseller_id))
        .set((
            resellers::requested_host.eq(None::<String>),
            resellers::host_status.eq(status.as_str()),
            resellers::host_requested_at.eq(None::<chrono::NaiveDateTime>),
            resellers::host_rejection_reason.eq(None::<String>),
            resellers::updated_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Removes the host in use and any request: links and branding go back to the platform's.
pub fn remove(
    conn: &mut DbConnection,
    actor: &AuditActor,
    reseller_id: &str,
    platform: &Platform,
) -> Result<CustomHost, ApiError> {
    let row = get(conn, reseller_id)?;
    if row.custom_host.is_none() && row.requested_host.is_none() {
        return Err(ApiError::conflict(
            "no_custom_host",
            "There is no custom host to remove.",
        ));
    }
    diesel::update(resellers::table.find(reseller_id))
        .set(resellers::custom_host.eq(None::<String>))
        .execute(conn)?;
    clear_request(conn, reseller_id, HostStatus::NoHost)?;
    record(
        conn,
        actor,
        "custom_host.removed",
        reseller_id,
        serde_json::json!({ "host": row.custom_host, "request": row.requested_host }),
    )?;
    get_view(conn, reseller_id, platform)
}

fn pending(row: &ResellerRow) -> Result<String, ApiError> {
    match (&row.requested_host, row.host_status) {
        (Some(h), HostStatus::Requested) => Ok(h.clone()),
        _ => Err(ApiError::conflict(
            "no_host_request",
            "There is no custom host request waiting for a decision.",
        )),
    }
}

/// The vendor approves the waiting request: its host becomes the one in use.
pub fn approve(
    conn: &mut DbConnection,
    actor: &AuditActor,
    reseller_id: &str,
    platform: &Platform,
) -> Result<CustomHost, ApiError> {
    let row = get(conn, reseller_id)?;
    let requested = pending(&row)?;
    // Unique among hosts in use and requests waiting, so still free; checked again all the same.
    if taken(conn, &requested, reseller_id)? {
        return Err(ApiError::field(
            "host",
            "taken",
            "Another reseller uses or has asked for this host.",
        ));
    }
    diesel::update(resellers::table.find(reseller_id))
        .set(resellers::custom_host.eq(Some(&requested)))
        .execute(conn)?;
    clear_request(conn, reseller_id, HostStatus::Approved)?;
    record(
        conn,
        actor,
        "custom_host.approved",
        reseller_id,
        serde_json::json!({ "host": requested, "replaces": row.custom_host }),
    )?;
    get_view(conn, reseller_id, platform)
}

/// The vendor rejects the waiting request, with an optional reason the reseller sees.
pub fn reject(
    conn: &mut DbConnection,
    actor: &AuditActor,
    reseller_id: &str,
    reason: Option<&str>,
    platform: &Platform,
) -> Result<CustomHost, ApiError> {
    let row = get(conn, reseller_id)?;
    let mut v = Validator::new();
    let reason = v.check("reason", optional_text(reason.unwrap_or_default(), 500));
    v.finish()?;
    let requested = pending(&row)?;
    let reason = reason.flatten();
    diesel::update(resellers::table.find(reseller_id))
        .set((
            resellers::host_status.eq(HostStatus::Rejected.as_str()),
            resellers::host_rejection_reason.eq(&reason),
            resellers::updated_at.eq(now()),
        ))
        .execute(conn)?;
    record(
        conn,
        actor,
        "custom_host.rejected",
        reseller_id,
        serde_json::json!({ "host": requested, "reason": reason }),
    )?;
    get_view(conn, reseller_id, platform)
}

/// After the vendor set `custom_host` directly (`PATCH /admin/resellers/{id}`): a request for
/// that very host is settled, and the status says whether a host is in use.
pub fn after_vendor_set(conn: &mut DbConnection, reseller_id: &str) -> Result<(), ApiError> {
    let row = get(conn, reseller_id)?;
    if row.requested_host.is_some() && row.requested_host == row.custom_host {
        return clear_request(conn, reseller_id, HostStatus::Approved);
    }
    if row.host_status == HostStatus::Requested {
        return Ok(());
    }
    if row.host_status == HostStatus::Rejected && row.custom_host.is_none() {
        return Ok(());
    }
    if row.host_status != settled(&row.custom_host) {
        clear_request(conn, reseller_id, settled(&row.custom_host))?;
    }
    Ok(())
}

/// The host a DNS check looks at: the requested one, else the one in use.
pub fn host_to_check(conn: &mut DbConnection, reseller_id: &str) -> Result<String, ApiError> {
    let row = get(conn, reseller_id)?;
    row.requested_host.or(row.custom_host).ok_or_else(|| {
        ApiError::conflict(
            "no_custom_host",
            "Request a custom host before checking its DNS.",
        )
    })
}

/// What the check concludes: a host resolving only to the platform's addresses points here.
pub fn verdict(found: &[IpAddr], platform: &[IpAddr]) -> HostCheckResult {
    if found.is_empty() {
        HostCheckResult::NotFound
    } else if found.iter().all(|a| platform.contains(a)) {
        HostCheckResult::PointsHere
    } else {
        HostCheckResult::PointsElsewhere
    }
}

/// Stores a check of `checked` (what it resolved to, against the platform's addresses).
pub fn record_check(
    conn: &mut DbConnection,
    actor: &AuditActor,
    reseller_id: &str,
    checked: &str,
    found: &[IpAddr],
    platform_addresses: &[IpAddr],
    platform: &Platform,
) -> Result<CustomHost, ApiError> {
    get(conn, reseller_id)?;
    let result = verdict(found, platform_addresses);
    let addresses: Vec<String> = found.iter().map(IpAddr::to_string).collect();
    diesel::update(resellers::table.find(reseller_id))
        .set((
            resellers::host_checked_host.eq(checked),
            resellers::host_check_result.eq(result.as_str()),
            resellers::host_check_addresses.eq(addresses.join(" ")),
            resellers::host_checked_at.eq(now()),
        ))
        .execute(conn)?;
    record(
        conn,
        actor,
        "custom_host.checked",
        reseller_id,
        serde_json::json!({ "host": checked, "result": result, "addresses": addresses }),
    )?;
    get_view(conn, reseller_id, platform)
}

/// The host a request asked for, as custom hosts are stored: no port, no trailing dot,
/// lower case. `None` for no host or an unusable one.
pub fn request_host(raw: Option<&str>) -> Option<String> {
    let raw = raw?;
    let name = raw.split(':').next().unwrap_or(raw);
    let name = name.strip_suffix('.').unwrap_or(name);
    optional_text(name, 253)
        .ok()
        .flatten()
        .map(|h| h.to_lowercase())
}

/// The reseller whose (approved) custom host `host` is, whatever that reseller's status.
pub fn owner_of_host(
    conn: &mut DbConnection,
    host: Option<&str>,
) -> Result<Option<String>, ApiError> {
    let Some(host) = request_host(host) else {
        return Ok(None);
    };
    Ok(resellers::table
        .filter(resellers::custom_host.eq(host))
        .select(resellers::id)
        .first::<String>(conn)
        .optional()?)
}

/// **Who may sign in on a host.** A reseller's custom host is that reseller's alone: its staff
/// and its clients' users sign in there, nobody else — not another reseller's people (they
/// would see a brand that is not theirs) and not the vendor's staff (the vendor's portal is
/// the platform's). Every other host (the platform's, or one no reseller has) admits everyone;
/// there a client user gets their own skin after signing in. A refusal is answered as a wrong
/// password is, so a host tells nobody who has an account elsewhere.
pub fn admits(
    conn: &mut DbConnection,
    host: Option<&str>,
    user: &UserRow,
) -> Result<bool, ApiError> {
    let Some(owner) = owner_of_host(conn, host)? else {
        return Ok(true);
    };
    let reseller = match (&user.client_id, &user.reseller_id) {
        (Some(client_id), _) => Some(
            clients::table
                .find(client_id)
                .select(clients::reseller_id)
                .first::<String>(conn)?,
        ),
        (None, reseller_id) => reseller_id.clone(),
    };
    Ok(reseller.as_deref() == Some(owner.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_a_cname_target_and_an_address_an_a_or_aaaa_record() {
        assert_eq!(record_type("app.credence.example"), "CNAME");
        assert_eq!(record_type("192.0.2.1"), "A");
        assert_eq!(record_type("2001:db8::1"), "AAAA");
    }

    #[test]
    fn the_verdict_wants_only_platform_addresses() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let platform = [ip("192.0.2.1"), ip("2001:db8::1")];
        assert_eq!(verdict(&[], &platform), HostCheckResult::NotFound);
        assert_eq!(
            verdict(&[ip("192.0.2.1"), ip("2001:db8::1")], &platform),
            HostCheckResult::PointsHere
        );
        assert_eq!(
            verdict(&[ip("192.0.2.1"), ip("198.51.100.7")], &platform),
            HostCheckResult::PointsElsewhere
        );
        assert_eq!(
            verdict(&[ip("192.0.2.1")], &[]),
            HostCheckResult::PointsElsewhere
        );
    }

    #[test]
    fn request_hosts_are_compared_as_stored() {
        use super::request_host;
        for raw in [
            "Assess.Alpha.Example",
            "assess.alpha.example:8443",
            "assess.alpha.example.",
        ] {
            assert_eq!(
                request_host(Some(raw)).as_deref(),
                Some("assess.alpha.example"),
                "{raw}"
            );
        }
        assert_eq!(request_host(Some("")), None);
        assert_eq!(request_host(None), None);
    }
}
