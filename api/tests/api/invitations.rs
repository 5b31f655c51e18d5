//! Invitations: charging credits or refusing with 402, parallel invites, cancelling and expiry
//! refunds, CSV import, what each ledger line says, and the invitation email.

use credence_api::db::schema::{invitations, outbox};
use credence_shared::assess::{Candidate, ImportReport, Invitation};
use credence_shared::reseller::{CreditOrder, LedgerEntry, LedgerReferenceKind};
use credence_shared::Page;
use diesel::prelude::*;
use serde_json::json;

use crate::app::{Backend, Options};
use crate::assessments_world::{world, world_with};
use crate::both_backends;
use crate::wait::wait_until;

both_backends!(
    inviting_charges_credits_or_refuses_with_402,
    parallel_invites_never_overdraw,
    cancelling_and_expiry_refund_unstarted_tests,
    csv_import_checks_credits_for_the_whole_batch,
    the_ledger_says_what_each_line_was_for,
    invitation_emails_keep_the_descriptions_line_breaks,
);

async fn inviting_charges_credits_or_refuses_with_402(backend: Backend) {
    let w = world(backend, 3).await;
    let p = w.project(&["numerical", "verbal"], json!({})).await;
    let invited = w.invited(&p, "first@cand.example").await;
    assert_eq!(invited.status.as_str(), "invited");
    assert_eq!(invited.invitations[0].credits_charged, 2);
    assert_eq!(invited.invitations[0].assessments.len(), 2);
    assert_eq!(w.balance(), 1);
    let short = w.invite(&p, "second@cand.example").await;
    short.assert_problem(402, "insufficient_credits");
    assert_eq!(w.balance(), 1, "nothing charged");
    let candidates: Page<Candidate> = w.app.get("/candidates", Some(&w.client_user)).await.json();
    assert_eq!(candidates.data.len(), 1, "nothing created");
    let client_id = &w.client.id;
    assert_eq!(w.app.ledger_sum(&w.client_user, client_id).await, 1);
    w.invite(&p, "first@cand.example")
        .await
        .assert_problem(409, "already_invited");
    // The invitation email: magic link, project, Reply-To the support contact.
    let mut conn = w.app.conn();
    let (text, reply_to): (String, Option<String>) = outbox::table
        .filter(outbox::to_address.eq("first@cand.example"))
        .select((outbox::text_body, outbox::reply_to))
        .first(&mut *conn)
        .unwrap();
    let text = crate::outbox::open(&mut conn, &text);
    assert!(
        text.contains("http://credence.test/test?token=")
            && text.contains("Graduate intake")
            && text.contains("Pat Support")
    );
    assert_eq!(reply_to.as_deref(), Some("support@hiring.example"));
    drop(conn);
    let bad = w
        .app
        .post(
            "/candidates",
            Some(&w.client_user),
            json!({ "project_id": p.id, "email": "x", "extra_time_percent": 150 }),
        )
        .await;
    assert_eq!(
        bad.error_fields(),
        ["first_name", "last_name", "email", "extra_time_percent"]
    );
    let foreign = w.app.post("/candidates", Some(&w.client_user), json!({ "project_id": "01900000-0000-7000-8000-000000000000", "first_name": "A", "last_name": "B", "email": "a@b.example" })).await;
    assert_eq!(foreign.error_fields(), ["project_id"]);
}

async fn parallel_invites_never_overdraw(backend: Backend) {
    let w = world(backend, 20).await;
    let p = w.project(&["numerical"], json!({})).await;
    let emails: Vec<String> = (0..50).map(|i| format!("c{i}@rush.example")).collect();
    let replies = futures_util::future::join_all(emails.iter().map(|e| w.invite(&p, e))).await;
    let ok = replies.iter().filter(|r| r.status == 201).count();
    let refused = replies
        .iter()
        .filter(|r| r.status == 402 && r.problem().code == "insufficient_credits")
        .count();
    assert_eq!(
        (ok, refused),
        (20, 30),
        "{:?}",
        replies
            .iter()
            .map(|r| r.status.as_u16())
            .collect::<Vec<_>>()
    );
    assert_eq!(w.balance(), 0);
    assert_eq!(w.app.ledger_sum(&w.client_user, &w.client.id).await, 0);
}

async fn cancelling_and_expiry_refund_unstarted_tests(backend: Backend) {
    let w = world_with(
        backend,
        10,
        Options {
            env: [("CREDENCE_HOUSEKEEPING_MS", "50".to_string())].into(),
            ..Default::default()
        },
    )
    .await;
    let p = w.project(&["numerical", "verbal"], json!({})).await;
    let one = w.invited(&p, "one@cand.example").await;
    let two = w.invited(&p, "two@cand.example").await;
    assert_eq!(w.balance(), 6);
    // One starts a test, then is cancelled: only the unstarted test comes back.
    let token = w.candidate_token("one@cand.example").await;
    let me = w.candidate_me(&token).await;
    w.app
        .post(
            &format!("/candidate/assessments/{}/start", me.assessments[0].id),
            Some(&token),
            json!({}),
        )
        .await
        .assert_status(200);
    let inv_one = one.invitations[0].id.as_str();
    let cancelled: Invitation = w
        .app
        .post(
            &format!("/invitations/{inv_one}/cancel"),
            Some(&w.client_user),
            json!({}),
        )
        .await
        .expect(200);
    assert_eq!(cancelled.status.as_str(), "cancelled");
    assert_eq!(w.balance(), 7);
    w.app
        .post(
            &format!("/invitations/{inv_one}/cancel"),
            Some(&w.client_user),
            json!({}),
        )
        .await
        .assert_problem(409, "invitation_closed");
    w.app
        .get("/candidate/me", Some(&token))
        .await
        .assert_problem(403, "assessment_unavailable");
    // The other expires untouched: both tests come back, once.
    let inv_two = two.invitations[0].id.clone();
    {
        let mut conn = w.app.conn();
        diesel::update(invitations::table.find(&inv_two))
            .set(
                invitations::expires_at
                    .eq(chrono::Utc::now().naive_utc() - chrono::Duration::seconds(1)),
            )
            .execute(&mut *conn)
            .unwrap();
    }
    wait_until(
        "the job expires the invitation",
        std::time::Duration::from_secs(3),
        || async {
            let mut conn = w.app.conn();
            let status: String = invitations::table
                .find(&inv_two)
                .select(invitations::status)
                .first(&mut *conn)
                .unwrap();
            (status == "expired").then_some(())
        },
    )
    .await;
    assert_eq!(w.balance(), 9);
    let ledger = w.app.ledger(&w.client_user, &w.client.id).await;
    let refunds: Vec<i64> = ledger
        .iter()
        .filter(|e| e.kind.as_str() == "refund")
        .map(|e| e.delta)
        .collect();
    assert_eq!(refunds, [2, 1]);
    assert_eq!(w.app.ledger_sum(&w.client_user, &w.client.id).await, 9);
}

async fn csv_import_checks_credits_for_the_whole_batch(backend: Backend) {
    let w = world(backend, 2).await;
    let p = w.project(&["numerical"], json!({})).await;
    let template = w
        .app
        .get("/candidates/import-template.csv", Some(&w.client_user))
        .await;
    assert!(String::from_utf8(template.bytes)
        .unwrap()
        .starts_with("first_name,last_name,email,phone,extra_time_percent\r\n"));
    let path = format!("/projects/{}/candidates/import", p.id);
    let csv = "first_name,last_name,email,phone,extra_time_percent\nAna,One,ana@imp.example,,\nBen,Two,ben@imp.example,,25\n,Three,bad-email,,200\nCleo,Four,cleo@imp.example,,\n";
    let import = |body: &'static str| {
        w.app.send(
            w.app
                .request(reqwest::Method::POST, &path, Some(&w.client_user))
                .header("content-type", "text/csv")
                .body(body),
        )
    };
    import(csv)
        .await
        .assert_problem(402, "insufficient_credits");
    assert_eq!(w.balance(), 2, "nothing charged");
    let candidates: Page<Candidate> = w.app.get("/candidates", Some(&w.client_user)).await.json();
    assert_eq!(candidates.data.len(), 0);
    let smaller = "first_name,last_name,email,extra_time_percent\nAna,One,ana@imp.example,\n,Three,bad-email,200\nBen,Two,ben@imp.example,25\nBen,Again,ben@imp.example,\n";
    let report: ImportReport = import(smaller).await.expect(200);
    assert_eq!(report.invited, 2);
    assert_eq!(report.rejected, 2);
    let rows = &report.rows;
    assert_eq!(rows[1].line, 3);
    let fields: Vec<_> = rows[1].errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["first_name", "email", "extra_time_percent"]);
    assert_eq!(rows[3].errors[0].code, "duplicate_row");
    assert_eq!(w.balance(), 0);
    let ben: Page<Candidate> = w
        .app
        .get("/candidates?q=ben", Some(&w.client_user))
        .await
        .json();
    assert_eq!(ben.data[0].extra_time_percent, 25);
    let wrong_type = w
        .app
        .send(
            w.app
                .request(reqwest::Method::POST, &path, Some(&w.client_user))
                .json(&json!({})),
        )
        .await;
    wrong_type.assert_problem(415, "unsupported_media_type");
    let no_header = w
        .app
        .send(
            w.app
                .request(reqwest::Method::POST, &path, Some(&w.client_user))
                .header("content-type", "text/csv")
                .body("a,b\n"),
        )
        .await;
    no_header.assert_problem(422, "validation_failed");
}

async fn the_ledger_says_what_each_line_was_for(backend: Backend) {
    let w = world(backend, 10).await;
    let p = w
        .project(&["numerical"], json!({ "name": "Graduate Scheme 2027" }))
        .await;
    let invited: Candidate = w.app.post("/candidates", Some(&w.client_user), json!({ "project_id": p.id, "first_name": "Jane", "last_name": "Doe", "email": "jane@cand.example" })).await.expect(201);
    let candidate_id = Some(invited.id.clone());
    let invitation = &invited.invitations[0].id;
    w.app
        .post(
            &format!("/invitations/{invitation}/cancel"),
            Some(&w.client_user),
            json!({}),
        )
        .await
        .assert_status(200);
    let order: CreditOrder = w.app.post("/credit-orders", Some(&w.reseller), json!({ "client_code": w.client.code, "credits": 5, "note": "Internal: sold at 9 GBP", "po_reference": "PO-4711" })).await.expect(201);
    let path = format!("/clients/{}/ledger", &w.client.id);
    let line = |ledger: &Page<LedgerEntry>, kind: &str| -> LedgerEntry {
        ledger
            .data
            .iter()
            .find(|e| e.kind.as_str() == kind)
            .unwrap_or_else(|| panic!("no {kind} line in {ledger:?}"))
            .clone()
    };

    // The reseller: every line in words, linked to the candidate or the order's invoice.
    let ledger: Page<LedgerEntry> = w.app.get(&path, Some(&w.reseller)).await.expect(200);
    let charge = line(&ledger, "invite_charge");
    assert_eq!(
        charge.description,
        "Invitation: Jane Doe — Graduate Scheme 2027"
    );
    assert_eq!(charge.reference_kind, Some(LedgerReferenceKind::Candidate));
    assert_eq!(charge.reference_id, candidate_id);
    let refund = line(&ledger, "refund");
    assert_eq!(
        refund.description,
        "Refund: cancelled invitation of Jane Doe — Graduate Scheme 2027"
    );
    assert_eq!(refund.reference_kind, Some(LedgerReferenceKind::Candidate));
    assert_eq!(refund.reference_id, candidate_id);
    let ordered = line(&ledger, "order");
    assert_eq!(ordered.description, "Credit order: 5 credits (PO PO-4711)");
    assert_eq!(ordered.reference_kind, Some(LedgerReferenceKind::Invoice));
    assert_eq!(ordered.reference_id, Some(order.invoice_id.clone()));
    assert_eq!(ordered.reason.as_deref(), Some("Internal: sold at 9 GBP"));
    let initial = line(&ledger, "initial");
    assert_eq!(initial.description, "Initial credits: 10 credits");

    // The client user: the same words for its own invitations, but never the reseller's note,
    // PO reference, invoice or prices.
    let reply = w.app.get(&path, Some(&w.client_user)).await;
    let ledger: Page<LedgerEntry> = reply.expect(200);
    let charge = line(&ledger, "invite_charge");
    assert_eq!(
        charge.description,
        "Invitation: Jane Doe — Graduate Scheme 2027"
    );
    assert_eq!(charge.reference_kind, Some(LedgerReferenceKind::Candidate));
    let ordered = line(&ledger, "order");
    assert_eq!(ordered.description, "Credit order: 5 credits");
    assert_eq!(ordered.reason, None, "{ordered:?}");
    assert_eq!(ordered.reference_kind, None, "{ordered:?}");
    assert_eq!(ordered.reference_id, None, "{ordered:?}");
    let text = reply.text();
    for secret in ["Internal", "PO-4711", "amount", "price", "discount"] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
}

async fn invitation_emails_keep_the_descriptions_line_breaks(backend: Backend) {
    let w = world(backend, 10).await;
    let p = w
        .project(
            &["numerical"],
            json!({ "description": "Two tests.\r\nAllow <40> minutes." }),
        )
        .await;
    assert_eq!(
        p.description.as_deref(),
        Some("Two tests.\nAllow <40> minutes.")
    );
    w.invited(&p, "lines@cand.example").await;
    let mut conn = w.app.conn();
    let (text, html): (String, String) = outbox::table
        .filter(outbox::to_address.eq("lines@cand.example"))
        .select((outbox::text_body, outbox::html_body))
        .first(&mut *conn)
        .unwrap();
    let (text, html) = (
        crate::outbox::open(&mut conn, &text),
        crate::outbox::open(&mut conn, &html),
    );
    assert!(text.contains("Two tests.\nAllow <40> minutes."), "{text}");
    assert!(
        html.contains("Two tests.<br>Allow &lt;40&gt; minutes."),
        "{html}"
    );
}
