//! Custom hosts: a reseller asks for a host, the vendor approves or rejects it, the reseller
//! withdraws or removes it; host names are checked (IDNA to punycode, no port, IP, wildcard,
//! platform host or another reseller's host); the DNS check resolves the name (never connects)
//! and compares it with the platform's addresses.

use credence_shared::admin::{AuditEvent, Branding, Reseller};
use credence_shared::reseller::CustomHost;
use credence_shared::{HostCheckResult, HostStatus, Page};
use reqwest::Method;
use serde_json::json;

use crate::app::{spawn_app, spawn_app_with, Backend, Options, TestApp};
use crate::both_backends;
use crate::fixtures::reseller_with_user;

both_backends!(
    host_names_are_checked_and_stored_in_ascii,
    hosts_are_unique_across_resellers_counting_requests,
    the_vendor_approves_or_rejects_and_the_reseller_withdraws_or_removes,
    only_the_resellers_staff_and_the_vendor_reach_its_custom_host,
    the_dns_check_resolves_the_host_and_compares_it_with_the_platform,
);

/// The platform (`http://credence.test`) and the names the checks resolve, fixed for the test
/// server; `.invalid` names go to the system resolver, which never finds them (RFC 6761).
async fn app_with_dns(backend: Backend) -> TestApp {
    let mut options = Options::default();
    options.env.insert(
        "CREDENCE_DNS_OVERRIDES",
        "credence.test=192.0.2.10 2001:db8::10, portal.first.example=192.0.2.10, \
         elsewhere.first.example=198.51.100.7 192.0.2.10"
            .into(),
    );
    spawn_app_with(backend, options).await
}

async fn request(app: &TestApp, token: &str, host: &str) -> crate::reply::Reply {
    app.post(
        "/reseller/custom-host",
        Some(token),
        json!({ "host": host }),
    )
    .await
}

fn field_code(reply: &crate::reply::Reply) -> (String, String) {
    let problem = reply.assert_problem(422, "validation_failed");
    assert_eq!(problem.errors.len(), 1, "{}", reply.text());
    (
        problem.errors[0].field.clone(),
        problem.errors[0].code.clone(),
    )
}

/// The reseller whose skin `/branding` shows on `host`, if any.
async fn branded_for(app: &TestApp, host: &str) -> Option<String> {
    let reply = app
        .send(
            app.request(Method::GET, "/branding", None)
                .header("host", host),
        )
        .await;
    reply.json::<Branding>().reseller_name
}

async fn audit_actions(app: &TestApp, token: &str) -> Vec<(String, serde_json::Value)> {
    let page: Page<AuditEvent> = app
        .get("/audit-events?limit=200", Some(token))
        .await
        .expect(200);
    page.data
        .into_iter()
        .filter(|e| e.action.starts_with("custom_host."))
        .map(|e| (e.action, e.details))
        .collect()
}

async fn host_names_are_checked_and_stored_in_ascii(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (_, staff) = reseller_with_user(&app, &admin, "First").await;

    for (raw, code) in [
        ("", "required"),
        ("assess.first.example:8443", "host_port"),
        ("192.0.2.7", "host_ip"),
        ("[2001:db8::1]", "host_ip"),
        ("2001:db8::1", "host_ip"),
        ("*.first.example", "host_wildcard"),
        ("https://assess.first.example/path", "invalid_host"),
        ("localhost", "invalid_host"),
        ("-assess.first.example", "invalid_host"),
        ("credence.test", "platform_host"),
        ("CREDENCE.test.", "platform_host"),
    ] {
        let reply = request(&app, &staff, raw).await;
        assert_eq!(
            field_code(&reply),
            ("host".to_string(), code.to_string()),
            "{raw}"
        );
    }
    // Nothing was asked for.
    let none: CustomHost = app
        .get("/reseller/custom-host", Some(&staff))
        .await
        .expect(200);
    assert_eq!(
        (none.status, none.requested_host, none.dns_record),
        (HostStatus::NoHost, None, None)
    );

    // An international name is kept as its lower-case punycode.
    let asked: CustomHost = request(&app, &staff, " Prüfung.First.Example. ")
        .await
        .expect(200);
    assert_eq!(
        asked.requested_host.as_deref(),
        Some("xn--prfung-4ya.first.example")
    );
    assert_eq!(asked.status, HostStatus::Requested);
    assert_eq!(asked.active_host, None);
    let record = asked.dns_record.expect("a DNS record to create");
    assert_eq!(
        (
            record.record_type.as_str(),
            record.name.as_str(),
            record.value.as_str()
        ),
        ("CNAME", "xn--prfung-4ya.first.example", "credence.test")
    );
}

async fn hosts_are_unique_across_resellers_counting_requests(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (first, first_staff) = reseller_with_user(&app, &admin, "First").await;
    let (second, second_staff) = reseller_with_user(&app, &admin, "Second").await;

    // A waiting request holds its host against other resellers' requests and the vendor.
    request(&app, &first_staff, "assess.shared.example")
        .await
        .assert_status(200);
    let taken = request(&app, &second_staff, "Assess.Shared.Example").await;
    assert_eq!(field_code(&taken), ("host".into(), "taken".into()));
    let patch = app
        .patch(
            &format!("/admin/resellers/{}", second.id),
            Some(&admin),
            json!({ "custom_host": "assess.shared.example" }),
        )
        .await;
    assert_eq!(field_code(&patch), ("custom_host".into(), "taken".into()));
    // The vendor may not give anyone the platform's host either.
    let platform = app
        .patch(
            &format!("/admin/resellers/{}", second.id),
            Some(&admin),
            json!({ "custom_host": "credence.test" }),
        )
        .await;
    assert_eq!(
        field_code(&platform),
        ("custom_host".into(), "platform_host".into())
    );

    // A host in use (set by the vendor) is taken too; the vendor's PATCH still works.
    let set: Reseller = app
        .patch(
            &format!("/admin/resellers/{}", first.id),
            Some(&admin),
            json!({ "custom_host": "portal.first.example" }),
        )
        .await
        .expect(200);
    assert_eq!(set.custom_host.as_deref(), Some("portal.first.example"));
    // First's request still waits beside its host in use.
    assert_eq!(set.host_status, HostStatus::Requested);
    let taken = request(&app, &second_staff, "portal.first.example").await;
    assert_eq!(field_code(&taken), ("host".into(), "taken".into()));
    // Asking for one's own host in use is pointless.
    let own = request(&app, &first_staff, "portal.first.example").await;
    assert_eq!(field_code(&own), ("host".into(), "already_active".into()));

    // A withdrawn request frees its host.
    app.delete("/reseller/custom-host/request", Some(&first_staff))
        .await
        .assert_status(200);
    let freed: CustomHost = request(&app, &second_staff, "assess.shared.example")
        .await
        .expect(200);
    assert_eq!(freed.status, HostStatus::Requested);
}

async fn the_vendor_approves_or_rejects_and_the_reseller_withdraws_or_removes(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (reseller, staff) = reseller_with_user(&app, &admin, "First").await;
    let admin_path = format!("/admin/resellers/{}", reseller.id);

    // Nothing to decide yet.
    app.post(
        &format!("{admin_path}/custom-host/approve"),
        Some(&admin),
        json!({}),
    )
    .await
    .assert_problem(409, "no_host_request");

    request(&app, &staff, "assess.first.example")
        .await
        .assert_status(200);
    // The vendor's list shows the request waiting.
    let listed: Reseller = app.get(&admin_path, Some(&admin)).await.expect(200);
    assert_eq!(
        (
            listed.host_status,
            listed.requested_host.as_deref(),
            listed.custom_host
        ),
        (HostStatus::Requested, Some("assess.first.example"), None)
    );

    assert_eq!(branded_for(&app, "assess.first.example").await, None);

    // Rejected with a reason the reseller sees; nothing is in use.
    let rejected: CustomHost = app
        .post(
            &format!("{admin_path}/custom-host/reject"),
            Some(&admin),
            json!({ "reason": "Use a subdomain of your main domain." }),
        )
        .await
        .expect(200);
    assert_eq!(rejected.status, HostStatus::Rejected);
    let seen: CustomHost = app
        .get("/reseller/custom-host", Some(&staff))
        .await
        .expect(200);
    assert_eq!(
        (
            seen.status,
            seen.requested_host.as_deref(),
            seen.rejection_reason.as_deref(),
            seen.active_host
        ),
        (
            HostStatus::Rejected,
            Some("assess.first.example"),
            Some("Use a subdomain of your main domain."),
            None
        )
    );
    // A rejected request cannot be approved.
    app.post(
        &format!("{admin_path}/custom-host/approve"),
        Some(&admin),
        json!({}),
    )
    .await
    .assert_problem(409, "no_host_request");

    // A new request replaces it; the vendor approves it and it is the reseller's host.
    request(&app, &staff, "portal.first.example")
        .await
        .assert_status(200);
    let approved: CustomHost = app
        .post(
            &format!("{admin_path}/custom-host/approve"),
            Some(&admin),
            json!({}),
        )
        .await
        .expect(200);
    assert_eq!(
        (
            approved.status,
            approved.active_host.as_deref(),
            approved.requested_host,
            approved.rejection_reason
        ),
        (
            HostStatus::Approved,
            Some("portal.first.example"),
            None,
            None
        )
    );
    let vendor_view: Reseller = app.get(&admin_path, Some(&admin)).await.expect(200);
    assert_eq!(
        vendor_view.custom_host.as_deref(),
        Some("portal.first.example")
    );
    // The approved host shows the reseller's skin; a host merely asked for never did.
    assert_eq!(
        branded_for(&app, "portal.first.example").await.as_deref(),
        Some("First")
    );
    assert_eq!(branded_for(&app, "assess.first.example").await, None);

    // A replacement request leaves the host in use until it is approved; withdrawing it too.
    let replacing: CustomHost = request(&app, &staff, "new.first.example").await.expect(200);
    assert_eq!(
        (
            replacing.status,
            replacing.active_host.as_deref(),
            replacing.requested_host.as_deref()
        ),
        (
            HostStatus::Requested,
            Some("portal.first.example"),
            Some("new.first.example")
        )
    );
    let withdrawn: CustomHost = app
        .delete("/reseller/custom-host/request", Some(&staff))
        .await
        .expect(200);
    assert_eq!(
        (
            withdrawn.status,
            withdrawn.active_host.as_deref(),
            withdrawn.requested_host
        ),
        (HostStatus::Approved, Some("portal.first.example"), None)
    );
    app.delete("/reseller/custom-host/request", Some(&staff))
        .await
        .assert_problem(409, "no_host_request");

    // Removing the host: links and branding go back to the platform's.
    let removed: CustomHost = app
        .delete("/reseller/custom-host", Some(&staff))
        .await
        .expect(200);
    assert_eq!(
        (removed.status, removed.active_host, removed.dns_record),
        (HostStatus::NoHost, None, None)
    );
    let vendor_view: Reseller = app.get(&admin_path, Some(&admin)).await.expect(200);
    assert_eq!(vendor_view.custom_host, None);
    assert_eq!(branded_for(&app, "portal.first.example").await, None);
    app.delete("/reseller/custom-host", Some(&staff))
        .await
        .assert_problem(409, "no_custom_host");

    // The vendor's PATCH sets a host as before, and it counts as approved.
    let patched: Reseller = app
        .patch(
            &admin_path,
            Some(&admin),
            json!({ "custom_host": "Vendor.First.Example" }),
        )
        .await
        .expect(200);
    assert_eq!(
        (patched.custom_host.as_deref(), patched.host_status),
        (Some("vendor.first.example"), HostStatus::Approved)
    );
    // The vendor removes it too.
    let gone: CustomHost = app
        .delete(&format!("{admin_path}/custom-host"), Some(&admin))
        .await
        .expect(200);
    assert_eq!((gone.status, gone.active_host), (HostStatus::NoHost, None));

    // Every step is in the reseller's audit trail, in order.
    let mut actions: Vec<String> = audit_actions(&app, &staff)
        .await
        .into_iter()
        .map(|(a, _)| a)
        .collect();
    actions.reverse();
    assert_eq!(
        actions,
        [
            "custom_host.requested",
            "custom_host.rejected",
            "custom_host.requested",
            "custom_host.approved",
            "custom_host.requested",
            "custom_host.withdrawn",
            "custom_host.removed",
            "custom_host.removed",
        ]
    );
}

async fn only_the_resellers_staff_and_the_vendor_reach_its_custom_host(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (first, first_staff) = reseller_with_user(&app, &admin, "First").await;
    let (_, second_staff) = reseller_with_user(&app, &admin, "Second").await;
    request(&app, &first_staff, "assess.first.example")
        .await
        .assert_status(200);

    // Another reseller sees only its own (empty) custom host, and none of the vendor's paths.
    let theirs: CustomHost = app
        .get("/reseller/custom-host", Some(&second_staff))
        .await
        .expect(200);
    assert_eq!(
        (theirs.status, theirs.requested_host),
        (HostStatus::NoHost, None)
    );
    let first_path = format!("/admin/resellers/{}/custom-host", first.id);
    app.get(&first_path, Some(&second_staff))
        .await
        .assert_status(403);
    for action in ["approve", "reject", "check"] {
        app.post(
            &format!("{first_path}/{action}"),
            Some(&second_staff),
            json!({}),
        )
        .await
        .assert_status(403);
    }
    app.delete(&first_path, Some(&second_staff))
        .await
        .assert_status(403);
    // Another reseller's audit trail says nothing of it.
    assert!(audit_actions(&app, &second_staff).await.is_empty());

    // A client user reaches none of it.
    let client = app.create_client(&first_staff, "Acme", 0).await;
    let (_, client_token) = app
        .client_user(&first_staff, Some(&client.id), "cleo@acme.example")
        .await;
    app.get("/reseller/custom-host", Some(&client_token))
        .await
        .assert_status(403);
    request(&app, &client_token, "client.acme.example")
        .await
        .assert_status(403);
    app.post(
        "/reseller/custom-host/check",
        Some(&client_token),
        json!({}),
    )
    .await
    .assert_status(403);
    app.delete("/reseller/custom-host/request", Some(&client_token))
        .await
        .assert_status(403);
    app.delete("/reseller/custom-host", Some(&client_token))
        .await
        .assert_status(403);
    app.get(&first_path, Some(&client_token))
        .await
        .assert_status(403);

    // No token, no access; an unknown reseller is 404 to the vendor.
    app.get("/reseller/custom-host", None)
        .await
        .assert_status(401);
    app.post(
        "/admin/resellers/no-such-reseller/custom-host/approve",
        Some(&admin),
        json!({}),
    )
    .await
    .assert_problem(404, "not_found");

    // The request is still there, untouched.
    let mine: CustomHost = app
        .get("/reseller/custom-host", Some(&first_staff))
        .await
        .expect(200);
    assert_eq!(mine.requested_host.as_deref(), Some("assess.first.example"));
}

async fn the_dns_check_resolves_the_host_and_compares_it_with_the_platform(backend: Backend) {
    let app = app_with_dns(backend).await;
    let admin = app.admin_token().await;
    let (reseller, staff) = reseller_with_user(&app, &admin, "First").await;

    // Nothing to check yet.
    app.post("/reseller/custom-host/check", Some(&staff), json!({}))
        .await
        .assert_problem(409, "no_custom_host");

    // A name that resolves only to the platform's addresses points here.
    request(&app, &staff, "portal.first.example")
        .await
        .assert_status(200);
    let here: CustomHost = app
        .post("/reseller/custom-host/check", Some(&staff), json!({}))
        .await
        .expect(200);
    let check = here.last_check.expect("the check is kept");
    assert_eq!(
        (check.host.as_str(), check.result, check.addresses),
        (
            "portal.first.example",
            HostCheckResult::PointsHere,
            vec!["192.0.2.10".to_string()]
        )
    );
    // The result is kept with the request.
    let kept: CustomHost = app
        .get("/reseller/custom-host", Some(&staff))
        .await
        .expect(200);
    assert_eq!(
        kept.last_check.map(|c| c.result),
        Some(HostCheckResult::PointsHere)
    );

    // One address that is not the platform's: points elsewhere, with what it found.
    request(&app, &staff, "elsewhere.first.example")
        .await
        .assert_status(200);
    let replaced: CustomHost = app
        .get("/reseller/custom-host", Some(&staff))
        .await
        .expect(200);
    assert_eq!(
        replaced.last_check, None,
        "a check of another host is not shown"
    );
    let elsewhere: CustomHost = app
        .post(
            &format!("/admin/resellers/{}/custom-host/check", reseller.id),
            Some(&admin),
            json!({}),
        )
        .await
        .expect(200);
    let check = elsewhere.last_check.expect("the vendor's check is kept");
    assert_eq!(check.result, HostCheckResult::PointsElsewhere);
    let mut addresses = check.addresses.clone();
    addresses.sort();
    assert_eq!(addresses, ["192.0.2.10", "198.51.100.7"]);

    // A name that does not resolve (the system resolver, `.invalid`): not found.
    request(&app, &staff, "portal.nowhere.invalid")
        .await
        .assert_status(200);
    let missing: CustomHost = app
        .post("/reseller/custom-host/check", Some(&staff), json!({}))
        .await
        .expect(200);
    let check = missing.last_check.expect("kept");
    assert_eq!(
        (check.host.as_str(), check.result, check.addresses.len()),
        ("portal.nowhere.invalid", HostCheckResult::NotFound, 0)
    );

    let checks: Vec<serde_json::Value> = audit_actions(&app, &staff)
        .await
        .into_iter()
        .filter(|(a, _)| a == "custom_host.checked")
        .map(|(_, d)| d["result"].clone())
        .collect();
    assert_eq!(
        checks,
        [
            json!("not_found"),
            json!("points_elsewhere"),
            json!("points_here")
        ]
    );
}
