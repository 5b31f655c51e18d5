//! Consent and the privacy notice: nothing of a test is taken before the candidate confirmed
//! the notice (start, answers and submit answer 409 `consent_required` and change nothing);
//! the consent is kept once, with its time and the notice's version, shown to the client and
//! in the export; the notice names the client and the reseller's brand, never the vendor; a
//! client edits its text and contact (validated, 404 for another tenant, `null` resets).

use credence_api::db::schema::{answers, assessments, audit_events, invitations};
use credence_shared::admin::Brand;
use credence_shared::assess::{Candidate, CandidateMe};
use credence_shared::privacy::{CandidateExport, ClientPrivacyNotice, PrivacyNotice};
use diesel::prelude::*;
use serde_json::json;

use crate::app::Backend;
use crate::assessments_world::{consent, keys, world, World};
use crate::both_backends;
use crate::fixtures::reseller_with_user;

both_backends!(
    nothing_of_a_test_is_taken_before_the_candidate_consents,
    the_notice_names_the_client_and_the_resellers_brand_never_the_vendor,
    a_clients_notice_is_edited_validated_and_reset,
);

/// The vendor's own name: never in anything a candidate sees.
const VENDOR: &str = "Credence";

async fn invited_without_consent(w: &World, email: &str) -> (Candidate, String) {
    let p = w.project(&["numerical"], json!({})).await;
    let candidate = w.invited(&p, email).await;
    let token = w.candidate_token_without_consent(email, "invitation").await;
    (candidate, token)
}

fn consent_events(w: &World) -> i64 {
    let mut conn = w.app.conn();
    audit_events::table
        .filter(audit_events::action.eq("invitation.consented"))
        .count()
        .get_result(&mut *conn)
        .unwrap()
}

async fn nothing_of_a_test_is_taken_before_the_candidate_consents(backend: Backend) {
    let w = world(backend, 5).await;
    let (candidate, token) = invited_without_consent(&w, "careful@cand.example").await;
    let me: CandidateMe = w.candidate_me(&token).await;
    assert_eq!(me.privacy_notice.consented_at, None);
    let aid = me.assessments[0].id.clone();
    let start = format!("/candidate/assessments/{aid}/start");
    let save = format!("/candidate/assessments/{aid}/answers");
    let submit = format!("/candidate/assessments/{aid}/submit");
    w.app
        .post(&start, Some(&token), json!({}))
        .await
        .assert_problem(409, "consent_required");
    let (status, started_at): (String, Option<chrono::NaiveDateTime>) = {
        let mut conn = w.app.conn();
        assessments::table
            .find(&aid)
            .select((assessments::status, assessments::started_at))
            .first(&mut *conn)
            .unwrap()
    };
    assert_eq!((status.as_str(), started_at), ("not_started", None));
    // A test left in progress without a consent (started before consent was asked for) takes
    // no answers and cannot be submitted either.
    {
        let mut conn = w.app.conn();
        diesel::update(assessments::table.find(&aid))
            .set((
                assessments::status.eq("in_progress"),
                assessments::started_at.eq(Some(chrono::Utc::now().naive_utc())),
            ))
            .execute(&mut *conn)
            .unwrap();
    }
    let key = keys(&w.app, &me.assessments[0].test.id);
    let (q, right, _) = &key[0];
    w.app
        .put(
            &save,
            Some(&token),
            json!({ "answers": [{ "question_id": q, "option_id": right }] }),
        )
        .await
        .assert_problem(409, "consent_required");
    w.app
        .post(&submit, Some(&token), json!({}))
        .await
        .assert_problem(409, "consent_required");
    {
        let mut conn = w.app.conn();
        let saved: i64 = answers::table
            .filter(answers::assessment_id.eq(&aid))
            .count()
            .get_result(&mut *conn)
            .unwrap();
        assert_eq!(saved, 0, "no answer is stored without consent");
        let status: String = assessments::table
            .find(&aid)
            .select(assessments::status)
            .first(&mut *conn)
            .unwrap();
        assert_eq!(status, "in_progress", "nothing was submitted");
        // Back to the state a fresh invitation is in.
        diesel::update(assessments::table.find(&aid))
            .set((
                assessments::status.eq("not_started"),
                assessments::started_at.eq(None::<chrono::NaiveDateTime>),
            ))
            .execute(&mut *conn)
            .unwrap();
    }
    let seen: Candidate = w
        .app
        .get(
            &format!("/candidates/{}", candidate.id),
            Some(&w.client_user),
        )
        .await
        .json();
    assert_eq!(seen.consented_at, None);
    assert_eq!(seen.invitations[0].consented_at, None);
    // A consent to a notice other than the one shown now is refused, and keeps nothing.
    w.app
        .post(
            "/candidate/consent",
            Some(&token),
            json!({ "version": "0".repeat(64) }),
        )
        .await
        .assert_problem(409, "notice_changed");
    assert_eq!(consent_events(&w), 0);
    let given: PrivacyNotice = w
        .app
        .post(
            "/candidate/consent",
            Some(&token),
            json!({ "version": me.privacy_notice.version }),
        )
        .await
        .expect(200);
    let at = given.consented_at.expect("the consent's time");
    assert_eq!(given.version, me.privacy_notice.version);
    // Idempotent: a second confirmation keeps the first time and writes no second event.
    let again = consent(&w.app, &token).await;
    assert_eq!(again.consented_at, Some(at));
    assert_eq!(consent_events(&w), 1);
    let read: PrivacyNotice = w
        .app
        .get("/candidate/privacy-notice", Some(&token))
        .await
        .json();
    assert_eq!(read.consented_at, Some(at));
    assert_eq!(
        w.candidate_me(&token).await.privacy_notice.consented_at,
        Some(at)
    );
    // Now the test starts and takes answers.
    w.app
        .post(&start, Some(&token), json!({}))
        .await
        .assert_status(200);
    w.app
        .put(
            &save,
            Some(&token),
            json!({ "answers": [{ "question_id": q, "option_id": right }] }),
        )
        .await
        .assert_status(204);
    // The client (and its reseller) see when; the export has the time and the version.
    for reader in [&w.client_user, &w.reseller] {
        let seen: Candidate = w
            .app
            .get(&format!("/candidates/{}", candidate.id), Some(reader))
            .await
            .json();
        assert_eq!(seen.consented_at, Some(at));
        assert_eq!(seen.invitations[0].consented_at, Some(at));
    }
    let export: CandidateExport = w
        .app
        .get(
            &format!("/candidates/{}/export", candidate.id),
            Some(&w.client_user),
        )
        .await
        .json();
    assert_eq!(export.invitations[0].consented_at, Some(at));
    assert_eq!(
        export.invitations[0].consent_notice_version.as_deref(),
        Some(given.version.as_str())
    );
    let own: CandidateExport = w.app.get("/candidate/me/export", Some(&token)).await.json();
    assert_eq!(own.invitations[0].consented_at, Some(at));
    // Anonymisation keeps the time (it names nobody).
    w.app
        .post(
            &format!("/candidates/{}/erasure", candidate.id),
            Some(&w.client_user),
            json!({ "reason": "Asked by email" }),
        )
        .await
        .assert_status(200);
    let kept: Option<chrono::NaiveDateTime> = {
        let mut conn = w.app.conn();
        invitations::table
            .filter(invitations::candidate_id.eq(&candidate.id))
            .select(invitations::consented_at)
            .first(&mut *conn)
            .unwrap()
    };
    assert_eq!(kept.map(|t| t.and_utc()), Some(at));
}

async fn the_notice_names_the_client_and_the_resellers_brand_never_the_vendor(backend: Backend) {
    let w = world(backend, 5).await;
    let admin = w.app.admin_token().await;
    let skin: Brand = w
        .app
        .post(
            "/admin/brands",
            Some(&admin),
            json!({ "name": "Partner skin", "product_name": "Partner Assess", "primary_color": "#123456", "accent_color": "#654321", "background_color": "#ffffff", "text_color": "#111111" }),
        )
        .await
        .expect(201);
    let reseller_id = w.client.reseller_id.clone();
    let default_skin = w.client.brand_id.clone();
    w.app
        .patch(
            &format!("/admin/resellers/{reseller_id}"),
            Some(&admin),
            json!({ "brand_ids": [default_skin, skin.id] }),
        )
        .await
        .assert_status(200);
    w.app
        .patch(
            &format!("/clients/{}", w.client.id),
            Some(&w.reseller),
            json!({ "brand_id": skin.id }),
        )
        .await
        .assert_status(200);
    let (_, token) = invited_without_consent(&w, "reader@cand.example").await;
    let reply = w.app.get("/candidate/me", Some(&token)).await;
    let me: CandidateMe = reply.json();
    let n = &me.privacy_notice;
    assert_eq!(n.controller, "Hiring Co");
    assert_eq!(n.processor, "Partner Assess");
    assert_eq!(n.contact_email, "casey@client.example");
    assert_eq!(n.retention_days, 730);
    assert_eq!(n.retention, "730 days (2 years) after your last activity");
    assert!(n.purpose.contains("Hiring Co"), "{}", n.purpose);
    assert!(
        n.text.contains("Hiring Co") && n.text.contains("Partner Assess"),
        "{}",
        n.text
    );
    assert_eq!(n.version.len(), 64);
    assert!(
        !reply.text().contains(VENDOR),
        "the test area names the vendor: {}",
        reply.text()
    );
    // The client's own retention period is the one the notice states.
    w.app
        .put(
            &format!("/clients/{}/retention", w.client.id),
            Some(&w.client_user),
            json!({ "days": 90 }),
        )
        .await
        .assert_status(200);
    let me = w.candidate_me(&token).await;
    assert_eq!(me.privacy_notice.retention_days, 90);
    assert_ne!(me.privacy_notice.version, n.version);
}

async fn a_clients_notice_is_edited_validated_and_reset(backend: Backend) {
    let w = world(backend, 5).await;
    let path = format!("/clients/{}/privacy-notice", w.client.id);
    let before: ClientPrivacyNotice = w.app.get(&path, Some(&w.client_user)).await.json();
    assert_eq!(before.text, None);
    assert_eq!(before.contact_email, None);
    assert_eq!(before.default_contact_email, "casey@client.example");
    assert!(before.default_text.contains("Hiring Co"));
    assert_eq!(before.preview.text, before.default_text);
    assert_eq!(before.preview.contact_email, "casey@client.example");
    // Bad input: every bad field in one 422, and nothing changes.
    let bad = w
        .app
        .put(
            &path,
            Some(&w.client_user),
            json!({ "text": "Too short", "contact_email": "not an email" }),
        )
        .await;
    bad.assert_problem(422, "validation_failed");
    let mut fields = bad.error_fields();
    fields.sort();
    assert_eq!(fields, ["contact_email", "text"]);
    w.app
        .put(
            &path,
            Some(&w.client_user),
            json!({ "text": "x".repeat(5001) }),
        )
        .await
        .assert_problem(422, "validation_failed");
    w.app
        .put(&path, Some(&w.client_user), json!({ "text": "   " }))
        .await
        .assert_problem(422, "validation_failed");
    let unchanged: ClientPrivacyNotice = w.app.get(&path, Some(&w.client_user)).await.json();
    assert_eq!(unchanged, before);
    // A candidate opens the notice, then the client changes it: the old version is refused.
    let (_, token) = invited_without_consent(&w, "late@cand.example").await;
    let shown = w.candidate_me(&token).await.privacy_notice;
    let text = "Hiring Co keeps your answers for the hiring round only.\r\nAsk us anything.";
    let saved: ClientPrivacyNotice = w
        .app
        .put(
            &path,
            Some(&w.client_user),
            json!({ "text": text, "contact_email": "Privacy@Hiring.example" }),
        )
        .await
        .expect(200);
    assert_eq!(
        saved.text.as_deref(),
        Some("Hiring Co keeps your answers for the hiring round only.\nAsk us anything.")
    );
    assert_eq!(
        saved.contact_email.as_deref(),
        Some("privacy@hiring.example")
    );
    let now = w.candidate_me(&token).await.privacy_notice;
    assert_eq!(Some(now.text.as_str()), saved.text.as_deref());
    assert_eq!(now.contact_email, "privacy@hiring.example");
    assert_eq!(now.version, saved.preview.version);
    assert_ne!(now.version, shown.version);
    w.app
        .post(
            "/candidate/consent",
            Some(&token),
            json!({ "version": shown.version }),
        )
        .await
        .assert_problem(409, "notice_changed");
    let given: PrivacyNotice = w
        .app
        .post(
            "/candidate/consent",
            Some(&token),
            json!({ "version": now.version }),
        )
        .await
        .expect(200);
    assert!(given.consented_at.is_some());
    // The reseller edits its client's notice too; another tenant gets 404 and changes nothing.
    w.app
        .put(
            &path,
            Some(&w.reseller),
            json!({ "text": "Hiring Co's notice, as the reseller wrote it.", "contact_email": "privacy@hiring.example" }),
        )
        .await
        .assert_status(200);
    let admin = w.app.admin_token().await;
    let (_, stranger) = reseller_with_user(&w.app, &admin, "Other Partners").await;
    let theirs = w.app.create_client(&stranger, "Other Co", 0).await;
    let (_, other_user) = w
        .app
        .client_user(&stranger, Some(&theirs.id), "hr@other.example")
        .await;
    for token in [&stranger, &other_user] {
        w.app
            .get(&path, Some(token))
            .await
            .assert_problem(404, "not_found");
        w.app
            .put(&path, Some(token), json!({ "text": null }))
            .await
            .assert_problem(404, "not_found");
    }
    w.app
        .get(
            &format!("/clients/{}/privacy-notice", theirs.id),
            Some(&w.client_user),
        )
        .await
        .assert_problem(404, "not_found");
    let still: ClientPrivacyNotice = w.app.get(&path, Some(&w.client_user)).await.json();
    assert_eq!(
        still.text.as_deref(),
        Some("Hiring Co's notice, as the reseller wrote it.")
    );
    // `null` goes back to the defaults.
    let reset: ClientPrivacyNotice = w
        .app
        .put(
            &path,
            Some(&w.client_user),
            json!({ "text": null, "contact_email": null }),
        )
        .await
        .expect(200);
    assert_eq!(reset.text, None);
    assert_eq!(reset.contact_email, None);
    assert_eq!(reset.preview.text, reset.default_text);
    assert_eq!(reset.preview.contact_email, "casey@client.example");
    assert_eq!(reset.preview.version, before.preview.version);
    let mut conn = w.app.conn();
    let edits: i64 = audit_events::table
        .filter(audit_events::action.eq("client.privacy_notice_updated"))
        .count()
        .get_result(&mut *conn)
        .unwrap();
    assert_eq!(edits, 3);
}
