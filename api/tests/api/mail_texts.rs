//! Editable emails (issue #8): a reseller words the invitation, reminder and completion mails
//! per skin; a client words a project's invitation; drafts are previewed and sent as tests;
//! unknown variables are refused and values are escaped in the HTML part.

use credence_shared::admin::Branding;
use credence_shared::assess::{CandidateMe, Project};
use credence_shared::mail_texts::{MailPreview, MailTestSent, MailText, ProjectInvitationText};
use serde_json::json;

use crate::app::Backend;
use crate::assessments_world::{keys, test_id, world, World};
use crate::both_backends;
use crate::fixtures::reseller_with_user;

both_backends!(
    a_resellers_wording_goes_into_its_clients_candidate_mails,
    bad_wording_is_refused_whole_and_changes_nothing,
    a_project_words_its_own_invitation,
    texts_stay_inside_their_tenant,
    a_draft_is_previewed_and_sent_as_a_test,
);

const CANDIDATE: &str = "casey@mail.example";

async fn default_brand(w: &World) -> String {
    w.app
        .get("/branding", None)
        .await
        .json::<Branding>()
        .brand
        .id
}

impl World {
    /// The candidate signs in with the link of their newest mail of `kind`, answers every
    /// question and submits.
    async fn complete(&self, email: &str, kind: &str) {
        let app = &self.app;
        let token = self.candidate_token_from(email, kind).await;
        let me: CandidateMe = self.candidate_me(&token).await;
        let catalogue = self.catalogue().await;
        let (test, _) = test_id(&catalogue, "personality");
        let aid = &me.assessments[0].id;
        app.post(
            &format!("/candidate/assessments/{aid}/start"),
            Some(&token),
            json!({}),
        )
        .await
        .assert_status(200);
        let answers: Vec<_> = keys(app, &test)
            .into_iter()
            .map(|(q, _, option)| json!({ "question_id": q, "option_id": option }))
            .collect();
        app.put(
            &format!("/candidate/assessments/{aid}/answers"),
            Some(&token),
            json!({ "answers": answers }),
        )
        .await
        .assert_status(204);
        app.post(
            &format!("/candidate/assessments/{aid}/submit"),
            Some(&token),
            json!({}),
        )
        .await
        .assert_status(200);
    }

    async fn set_text(&self, brand: &str, kind: &str, subject: &str, body: &str) -> MailText {
        self.app
            .put(
                &format!("/mail-texts/{brand}/{kind}"),
                Some(&self.reseller),
                json!({ "subject": subject, "body": body }),
            )
            .await
            .expect(200)
    }
}

async fn a_resellers_wording_goes_into_its_clients_candidate_mails(backend: Backend) {
    let w = world(backend, 100).await;
    let brand = default_brand(&w).await;
    let text = w
        .set_text(
            &brand,
            "invitation",
            "{candidate_first_name}, {client_name} would like to assess you",
            "Dear {candidate_first_name} {candidate_last_name},\n\nPlease take {project_name} before {deadline}.\n\nClick {link} to begin.\n\n{support_contact}",
        )
        .await;
    assert!(text.customized);
    assert!(text.variables.contains(&"deadline".to_string()));
    w.set_text(
        &brand,
        "reminder",
        "Still waiting: {project_name}",
        "Hi {candidate_first_name}, a gentle nudge.",
    )
    .await;
    w.set_text(
        &brand,
        "completion",
        "{candidate_last_name} is done",
        "Results for {project_name}:\n\n{results}",
    )
    .await;
    let project: Project = w
        .project(
            &["personality"],
            json!({ "name": "Sales <b>& Co</b>", "reminder_after_days": 1 }),
        )
        .await;
    let candidate = w.invited(&project, CANDIDATE).await;

    let mail = w.app.mail_text(CANDIDATE, "invitation");
    assert!(mail.contains("Dear Casey Candidate,"), "{mail}");
    assert!(
        mail.contains("Please take Sales <b>& Co</b> before "),
        "{mail}"
    );
    assert!(mail.contains("Click http"), "{mail}");
    assert!(mail.contains("Questions? Contact Pat Support at support@hiring.example"));
    // The personal link closes every link mail, whatever the wording.
    assert!(mail.contains("This link is personal"));
    let (subject, html) = newest(&w, CANDIDATE, "invitation");
    assert_eq!(subject, "Casey, Hiring Co would like to assess you");
    assert!(html.contains("Sales &lt;b&gt;&amp; Co&lt;/b&gt;"), "{html}");
    assert!(!html.contains("<b>& Co"));

    w.app.age_mail(&candidate.invitations[0].id, 1);
    w.app.run_reminders().await;
    assert_eq!(
        newest(&w, CANDIDATE, "reminder").0,
        "Still waiting: Sales <b>& Co</b>"
    );
    assert!(w
        .app
        .mail_text(CANDIDATE, "reminder")
        .contains("Hi Casey, a gentle nudge."));

    // The reminder's link replaced the invitation's.
    w.complete(CANDIDATE, "reminder").await;
    let (subject, _) = newest(&w, "hr@hiring.example", "report_summary");
    assert_eq!(subject, "Candidate is done");
    let report = w.app.mail_text("hr@hiring.example", "report_summary");
    assert!(
        report.contains("Results for Sales <b>& Co</b>:"),
        "{report}"
    );
    assert!(report.contains("norms): "), "{report}");

    // Back to the default: the next invitation reads as before.
    let reset: MailText = w
        .app
        .delete(
            &format!("/mail-texts/{brand}/invitation"),
            Some(&w.reseller),
        )
        .await
        .expect(200);
    assert!(!reset.customized);
    assert_eq!(reset.subject, reset.default_subject);
    w.invited(&project, "second@mail.example").await;
    assert_eq!(
        newest(&w, "second@mail.example", "invitation").0,
        "Hiring Co invites you to an online assessment"
    );
}

/// The newest mail of a kind to someone: (subject, HTML part).
fn newest(w: &World, to: &str, kind: &str) -> (String, String) {
    use credence_api::db::schema::outbox;
    use diesel::prelude::*;
    let mut conn = w.app.conn();
    let (subject, html): (String, String) = outbox::table
        .filter(outbox::to_address.eq(to))
        .filter(outbox::kind.eq(kind))
        .order(outbox::id.desc())
        .select((outbox::subject, outbox::html_body))
        .first(&mut *conn)
        .unwrap();
    let html = crate::outbox::open(&mut conn, &html);
    (subject, html)
}

async fn bad_wording_is_refused_whole_and_changes_nothing(backend: Backend) {
    let w = world(backend, 10).await;
    let brand = default_brand(&w).await;
    let path = format!("/mail-texts/{brand}/invitation");
    for (body, fields) in [
        (
            json!({ "subject": "Hi {first_name}", "body": "Go to {lnk}" }),
            vec!["subject", "body"],
        ),
        (
            json!({ "subject": "{link}", "body": "ok" }),
            vec!["subject"],
        ),
        (json!({ "subject": "ok", "body": "a } b" }), vec!["body"]),
        (
            json!({ "subject": "two\nlines", "body": "ok" }),
            vec!["subject"],
        ),
        (
            json!({ "subject": " ", "body": "" }),
            vec!["subject", "body"],
        ),
        (
            json!({ "subject": "ok", "body": "x".repeat(5001) }),
            vec!["body"],
        ),
    ] {
        let reply = w.app.put(&path, Some(&w.reseller), body.clone()).await;
        reply.assert_problem(422, "validation_failed");
        assert_eq!(reply.error_fields(), fields, "{body}");
    }
    let problem = w
        .app
        .put(
            &path,
            Some(&w.reseller),
            json!({ "subject": "ok", "body": "{deadlin}" }),
        )
        .await
        .problem();
    assert!(problem.errors[0]
        .message
        .contains("Unknown variable {deadlin}"));
    assert!(problem.errors[0].message.contains("{deadline}"));
    // The completion report has no deadline.
    w.app
        .put(
            &format!("/mail-texts/{brand}/completion"),
            Some(&w.reseller),
            json!({ "subject": "ok", "body": "{deadline}" }),
        )
        .await
        .assert_problem(422, "validation_failed");
    let text: MailText = w.app.get(&path, Some(&w.reseller)).await.json();
    assert!(!text.customized);
    assert_eq!(text.subject, text.default_subject);
}

async fn a_project_words_its_own_invitation(backend: Backend) {
    let w = world(backend, 100).await;
    let own: Project = w
        .project(&["personality"], json!({ "name": "Own words" }))
        .await;
    let other: Project = w
        .project(&["personality"], json!({ "name": "Plain" }))
        .await;
    let path = format!("/projects/{}/invitation-text", own.id);
    let before: ProjectInvitationText = w.app.get(&path, Some(&w.client_user)).await.json();
    assert!(!before.customized);
    assert_eq!(before.subject, before.inherited_subject);

    w.app
        .put(
            &path,
            Some(&w.client_user),
            json!({ "subject": "{project_name}", "body": "{nope}" }),
        )
        .await
        .assert_problem(422, "validation_failed");
    let set: ProjectInvitationText = w
        .app
        .put(
            &path,
            Some(&w.client_user),
            json!({ "subject": "Join {project_name}", "body": "Hello {candidate_first_name}, see you soon." }),
        )
        .await
        .expect(200);
    assert!(set.customized);
    // The reseller's text for the skin changes; the project keeps its own.
    let brand = default_brand(&w).await;
    w.set_text(
        &brand,
        "invitation",
        "Reseller words",
        "Reseller body {link}",
    )
    .await;
    w.invited(&own, "own@mail.example").await;
    w.invited(&other, "other@mail.example").await;
    assert_eq!(
        newest(&w, "own@mail.example", "invitation").0,
        "Join Own words"
    );
    assert!(w
        .app
        .mail_text("own@mail.example", "invitation")
        .contains("Hello Casey, see you soon."));
    assert_eq!(
        newest(&w, "other@mail.example", "invitation").0,
        "Reseller words"
    );

    // The reseller sees the same project text; the reset goes back to the reseller's.
    let seen: ProjectInvitationText = w.app.get(&path, Some(&w.reseller)).await.json();
    assert_eq!(seen.subject, "Join {project_name}");
    let reset: ProjectInvitationText = w.app.delete(&path, Some(&w.client_user)).await.expect(200);
    assert!(!reset.customized);
    assert_eq!(reset.subject, "Reseller words");
}

async fn texts_stay_inside_their_tenant(backend: Backend) {
    let w = world(backend, 100).await;
    let project: Project = w.project(&["personality"], json!({})).await;
    let admin = w.app.admin_token().await;
    let (_, rival) = reseller_with_user(&w.app, &admin, "Rival Partners").await;
    let rival_client = w.app.create_client(&rival, "Rival Client", 0).await;
    let (_, rival_user) = w
        .app
        .client_user(&rival, Some(&rival_client.id), "hr@rival.example")
        .await;
    // A skin the rival may not use, another tenant's project, an unknown kind: not found.
    let skin = w
        .app
        .post(
            "/admin/brands",
            Some(&admin),
            json!({ "name": "Private skin", "product_name": "Private", "primary_color": "#123456", "accent_color": "#654321", "background_color": "#ffffff", "text_color": "#111111" }),
        )
        .await
        .expect::<credence_shared::admin::Brand>(201);
    w.app
        .get(&format!("/mail-texts/{}/invitation", skin.id), Some(&rival))
        .await
        .assert_problem(404, "not_found");
    w.app
        .put(
            &format!("/mail-texts/{}/invitation", skin.id),
            Some(&rival),
            json!({ "subject": "x", "body": "y" }),
        )
        .await
        .assert_problem(404, "not_found");
    let brand = default_brand(&w).await;
    w.app
        .get(&format!("/mail-texts/{brand}/welcome"), Some(&rival))
        .await
        .assert_problem(404, "not_found");
    for token in [&rival, &rival_user] {
        let path = format!("/projects/{}/invitation-text", project.id);
        w.app
            .get(&path, Some(token))
            .await
            .assert_problem(404, "not_found");
        w.app
            .put(&path, Some(token), json!({ "subject": "x", "body": "y" }))
            .await
            .assert_problem(404, "not_found");
        w.app
            .post(
                "/mail-texts/preview",
                Some(token),
                json!({ "kind": "invitation", "project_id": project.id, "subject": "x", "body": "y" }),
            )
            .await
            .assert_problem(404, "not_found");
    }
    // Each reseller's words are its own: the rival's change does not reach the first.
    w.app
        .put(
            &format!("/mail-texts/{brand}/invitation"),
            Some(&rival),
            json!({ "subject": "Rival words", "body": "{link}" }),
        )
        .await
        .assert_status(200);
    let mine: MailText = w
        .app
        .get(
            &format!("/mail-texts/{brand}/invitation"),
            Some(&w.reseller),
        )
        .await
        .json();
    assert!(!mine.customized);
    // Client users do not edit the reseller's texts.
    w.app
        .get("/mail-texts", Some(&w.client_user))
        .await
        .assert_problem(403, "forbidden");
    let all: Vec<MailText> = w.app.get("/mail-texts", Some(&w.reseller)).await.json();
    assert_eq!(all.len(), 3, "one skin, three kinds");
}

async fn a_draft_is_previewed_and_sent_as_a_test(backend: Backend) {
    let w = world(backend, 100).await;
    let draft = json!({ "kind": "invitation", "subject": "For {candidate_first_name}", "body": "<script>x</script> {project_name}\n\nGo: {link}" });
    let preview: MailPreview = w
        .app
        .post("/mail-texts/preview", Some(&w.reseller), draft.clone())
        .await
        .expect(200);
    assert_eq!(preview.subject, "For Alex");
    assert!(preview
        .text
        .contains("<script>x</script> Graduate Programme 2027"));
    assert!(preview.text.contains("Go: http"));
    assert!(preview.html.contains("&lt;script&gt;x&lt;/script&gt;"));
    assert!(!preview.html.contains("<script>"));
    // A client user previews with the client's own name and a real project.
    let project: Project = w
        .project(&["personality"], json!({ "name": "Real one" }))
        .await;
    let preview: MailPreview = w
        .app
        .post(
            "/mail-texts/preview",
            Some(&w.client_user),
            json!({ "kind": "invitation", "project_id": project.id, "subject": "{client_name}: {project_name}", "body": "{support_contact}" }),
        )
        .await
        .expect(200);
    assert_eq!(preview.subject, "Hiring Co: Real one");
    assert!(preview.text.contains("Pat Support"));
    w.app
        .post(
            "/mail-texts/preview",
            Some(&w.reseller),
            json!({ "kind": "reminder", "subject": "{oops}", "body": "x" }),
        )
        .await
        .assert_problem(422, "validation_failed");

    let sent: MailTestSent = w
        .app
        .post("/mail-texts/test", Some(&w.reseller), draft)
        .await
        .expect(202);
    let (subject, _) = newest(&w, &sent.to, "mail_text_test");
    assert_eq!(subject, "[Test] For Alex");
    assert!(w
        .app
        .mail_text(&sent.to, "mail_text_test")
        .contains("Graduate Programme 2027"));
}
