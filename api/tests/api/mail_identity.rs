//! White-label mail (issue #8): every mail comes from the recipient's brand (the client's skin
//! for client users and candidates, the reseller's for its staff), from the reseller's own
//! address when the vendor set one (else the platform address), with a Reply-To of the right
//! person, and links on the reseller's custom host while it is set and active. The vendor's
//! name appears nowhere in mail to clients or candidates.

use std::collections::BTreeSet;

use credence_api::db::schema::{brands, outbox};
use credence_shared::admin::{Brand, Reseller};
use credence_shared::assess::{Candidate, CandidateMe, CandidateSession, Project, TestSummary};
use credence_shared::reseller::{Client, ClientUser};
use credence_shared::Page;
use diesel::prelude::*;
use serde_json::json;

use crate::app::{spawn_app_with, Backend, Options, TestApp};
use crate::assessments_world::keys;
use crate::both_backends;
use crate::smtp::SmtpSink;

both_backends!(
    every_mail_of_a_hosted_reseller_comes_from_its_brand_address_and_host,
    without_an_address_or_host_mail_comes_from_the_platform_address_and_public_url,
    the_smtp_headers_carry_the_sender_and_names_cannot_inject_headers,
    a_suspended_resellers_host_is_not_used_for_links,
    only_the_vendor_sets_a_resellers_mail_from,
);

const PRODUCT: &str = "Northwind Assess";
const VENDOR_SUPPORT: &str = "help@vendor.example";
const RESELLER_SUPPORT: &str = "help@partner.example";
const STAFF: &str = "staff@partner.example";
const HR: &str = "hr@client.example";
const HR_NEW: &str = "hr.new@client.example";
const CLIENT_CONTACT: &str = "casey@client.example";
const PROJECT_SUPPORT: &str = "support@client.example";
const CANDIDATE: &str = "cand@mail.example";
const CANDIDATE_NO_SUPPORT: &str = "cand2@mail.example";

/// Every kind of mail the platform sends.
const ALL_KINDS: [&str; 9] = [
    "email_change",
    "email_change_notice",
    "invitation",
    "low_credit",
    "password_reset",
    "quick_start_guide",
    "reminder",
    "report_summary",
    "welcome",
];

/// A queued mail as the tests read it, bodies opened.
#[derive(Debug)]
struct Mail {
    kind: String,
    to: String,
    from_name: Option<String>,
    from_address: Option<String>,
    reply_to: Option<String>,
    subject: String,
    text: String,
    html: String,
}

fn mails(app: &TestApp) -> Vec<Mail> {
    let mut conn = app.conn();
    type Row = (
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        String,
        String,
        String,
    );
    let rows: Vec<Row> = outbox::table
        .order(outbox::id.asc())
        .select((
            outbox::kind,
            outbox::to_address,
            outbox::from_name,
            outbox::from_address,
            outbox::reply_to,
            outbox::subject,
            outbox::text_body,
            outbox::html_body,
        ))
        .load(&mut *conn)
        .unwrap();
    rows.into_iter()
        .map(
            |(kind, to, from_name, from_address, reply_to, subject, text, html)| Mail {
                kind,
                to,
                from_name,
                from_address,
                reply_to,
                subject,
                text: crate::outbox::open(&mut conn, &text),
                html: crate::outbox::open(&mut conn, &html),
            },
        )
        .collect()
}

/// Every absolute URL in a text (up to a space, quote or angle bracket).
fn urls(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find("http") {
        let tail = &rest[i..];
        if tail.starts_with("http://") || tail.starts_with("https://") {
            let end = tail
                .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>'))
                .unwrap_or(tail.len());
            out.push(tail[..end].to_string());
            rest = &tail[end..];
        } else {
            rest = &tail[4..];
        }
    }
    out
}

/// The setting of one world: a reseller with its own skin, optionally its own From address
/// and custom host.
struct Setup {
    mail_from: Option<&'static str>,
    custom_host: Option<&'static str>,
    env: Vec<(&'static str, String)>,
}

struct World {
    app: TestApp,
    admin: String,
    reseller: Reseller,
    staff: String,
    client: Client,
    hr: ClientUser,
    hr_token: String,
}

async fn brand(app: &TestApp, admin: &str, product_name: &str) -> Brand {
    app.post(
        "/admin/brands",
        Some(admin),
        json!({ "name": format!("{product_name} skin"), "product_name": product_name, "primary_color": "#123456", "accent_color": "#654321", "background_color": "#ffffff", "text_color": "#111111" }),
    )
    .await
    .expect(201)
}

async fn world(backend: Backend, setup: Setup) -> World {
    let mut env: std::collections::HashMap<&'static str, String> =
        [("CREDENCE_SUPPORT_EMAIL", VENDOR_SUPPORT.to_string())].into();
    env.extend(setup.env);
    let app = spawn_app_with(
        backend,
        Options {
            env,
            ..Default::default()
        },
    )
    .await;
    let admin = app.admin_token().await;
    let skin = brand(&app, &admin, PRODUCT).await;
    let reseller: Reseller = app
        .post(
            "/admin/resellers",
            Some(&admin),
            json!({ "name": "Partner Ltd", "contact_email": RESELLER_SUPPORT, "discount_percent": 10, "currency": "GBP", "custom_host": setup.custom_host, "mail_from": setup.mail_from, "brand_ids": [skin.id] }),
        )
        .await
        .expect(201);
    assert_eq!(reseller.mail_from.as_deref(), setup.mail_from);
    let (_, staff) = app.reseller_user(&admin, &reseller.id, STAFF).await;
    let client: Client = app
        .post(
            "/clients",
            Some(&staff),
            json!({ "name": "Hiring Co", "contact_name": "Casey Contact", "contact_email": CLIENT_CONTACT, "brand_id": skin.id, "initial_credits": 12, "credit_threshold": 10 }),
        )
        .await
        .expect(201);
    let (hr, hr_token) = app.client_user(&staff, Some(&client.id), HR).await;
    World {
        app,
        admin,
        reseller,
        staff,
        client,
        hr,
        hr_token,
    }
}

impl World {
    /// Makes the platform send every kind of mail to the world's people.
    async fn send_every_kind(&self) {
        let app = &self.app;
        // Low credit (to the client user and the reseller's staff): 12 - 5 = 7, below 10.
        app.post(
            &format!("/clients/{}/credit-adjustments", self.client.id),
            Some(&self.staff),
            json!({ "credits": 5, "reason": "test" }),
        )
        .await
        .assert_status(201);
        // Password resets for a client user and a reseller user.
        for email in [HR, STAFF] {
            app.post("/auth/password/forgot", None, json!({ "email": email }))
                .await
                .assert_status(202);
        }
        // The Quick Start Guide.
        app.post(
            &format!("/client-users/{}/send-guide", self.hr.id),
            Some(&self.staff),
            json!({}),
        )
        .await
        .assert_status(202);
        // Invitations: a project with a support contact, one without; and a resend.
        let catalogue: Page<TestSummary> = app.get("/tests", Some(&self.hr_token)).await.json();
        let test = &catalogue.data[0];
        let tests = json!([{ "test_id": test.id, "norm_group_id": test.norm_groups[0].id }]);
        let supported: Project = app
            .post(
                "/projects",
                Some(&self.hr_token),
                json!({ "name": "Graduate intake", "tests": tests, "support_name": "Pat Support", "support_email": PROJECT_SUPPORT, "report_email": HR }),
            )
            .await
            .expect(201);
        let bare: Project = app
            .post(
                "/projects",
                Some(&self.hr_token),
                json!({ "name": "Bare project", "tests": tests, "reminder_after_days": 1 }),
            )
            .await
            .expect(201);
        let invite = |project: &Project, email: &str| {
            app.post(
                "/candidates",
                Some(&self.hr_token),
                json!({ "project_id": project.id, "first_name": "Casey", "last_name": "Candidate", "email": email }),
            )
        };
        let candidate: Candidate = invite(&supported, CANDIDATE).await.expect(201);
        let unstarted: Candidate = invite(&bare, CANDIDATE_NO_SUPPORT).await.expect(201);
        // A reminder to the candidate who has not started, a day later.
        app.age_mail(&unstarted.invitations[0].id, 1);
        app.run_reminders().await;
        assert_eq!(app.outbox_count(CANDIDATE_NO_SUPPORT, "reminder"), 1);
        app.post(
            &format!("/invitations/{}/resend", candidate.invitations[0].id),
            Some(&self.hr_token),
            json!({}),
        )
        .await
        .assert_status(202);
        // The candidate completes the project: the report goes to "email reports to".
        self.complete(test, CANDIDATE).await;
        // An email change: confirm at the new address, notice at the old one.
        app.patch(
            &format!("/client-users/{}", self.hr.id),
            Some(&self.staff),
            json!({ "email": HR_NEW }),
        )
        .await
        .assert_status(200);
    }

    /// Signs the candidate in with the newest mailed link, answers every question and submits.
    async fn complete(&self, test: &TestSummary, email: &str) {
        let app = &self.app;
        let text = app.mail_text(email, "invitation");
        let start = text.find("/test?token=").expect("a magic link") + "/test?token=".len();
        let token: String = text[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        let session: CandidateSession = app
            .post(
                "/candidate/sessions",
                None,
                json!({ "invitation_token": token }),
            )
            .await
            .expect(200);
        crate::assessments_world::consent(app, &session.access_token).await;
        let me: CandidateMe = app
            .get("/candidate/me", Some(&session.access_token))
            .await
            .json();
        let aid = &me.assessments[0].id;
        app.post(
            &format!("/candidate/assessments/{aid}/start"),
            Some(&session.access_token),
            json!({}),
        )
        .await
        .assert_status(200);
        let answers: Vec<_> = keys(app, &test.id)
            .into_iter()
            .map(|(q, _, option)| json!({ "question_id": q, "option_id": option }))
            .collect();
        app.put(
            &format!("/candidate/assessments/{aid}/answers"),
            Some(&session.access_token),
            json!({ "answers": answers }),
        )
        .await
        .assert_status(204);
        app.post(
            &format!("/candidate/assessments/{aid}/submit"),
            Some(&session.access_token),
            json!({}),
        )
        .await
        .assert_status(200);
    }
}

/// Who reads a mail, by its address.
#[derive(Debug, PartialEq)]
enum Reader {
    Staff,
    ClientUser,
    Candidate,
}

fn reader(to: &str) -> Reader {
    match to {
        STAFF => Reader::Staff,
        HR | HR_NEW => Reader::ClientUser,
        CANDIDATE | CANDIDATE_NO_SUPPORT => Reader::Candidate,
        other => panic!("unexpected mail to {other}"),
    }
}

/// Checks every queued mail of a world against the rules, with `address` the expected stored
/// From address and `base` where every link must point.
fn check_every_mail(app: &TestApp, address: Option<&str>, base: &str) {
    let all = mails(app);
    let kinds: BTreeSet<&str> = all.iter().map(|m| m.kind.as_str()).collect();
    assert_eq!(
        kinds,
        BTreeSet::from(ALL_KINDS),
        "every kind of mail was sent"
    );
    for m in &all {
        let who = reader(&m.to);
        let what = format!("{} to {}", m.kind, m.to);
        assert_eq!(m.from_name.as_deref(), Some(PRODUCT), "From name of {what}");
        assert_eq!(m.from_address.as_deref(), address, "From address of {what}");
        let reply_to = match (&who, m.to.as_str()) {
            (Reader::Staff, _) => VENDOR_SUPPORT,
            (Reader::ClientUser, _) => RESELLER_SUPPORT,
            (Reader::Candidate, CANDIDATE) => PROJECT_SUPPORT,
            (Reader::Candidate, _) => CLIENT_CONTACT,
        };
        assert_eq!(m.reply_to.as_deref(), Some(reply_to), "Reply-To of {what}");
        let links: Vec<String> = urls(&m.text).into_iter().chain(urls(&m.html)).collect();
        // Every mail but the notice of an email change carries a link.
        assert!(
            !links.is_empty() || m.kind == "email_change_notice",
            "{what} has links"
        );
        for link in &links {
            assert!(
                link.starts_with(&format!("{base}/")),
                "{what}: {link} is not on {base}"
            );
        }
        if who != Reader::Staff {
            for part in [&m.subject, &m.text, &m.html] {
                assert!(
                    !part.contains("Credence"),
                    "{what} names the vendor: {part}"
                );
            }
        }
    }
    // The mails that carry a one-time link or a page carry it on the base.
    let text_of = |kind: &str, to: &str| {
        all.iter()
            .rev()
            .find(|m| m.kind == kind && m.to == to)
            .unwrap_or_else(|| panic!("a {kind} mail to {to}"))
            .text
            .clone()
    };
    assert!(text_of("welcome", HR).contains(&format!("{base}/set-password?token=")));
    assert!(text_of("password_reset", STAFF).contains(&format!("{base}/set-password?token=")));
    assert!(text_of("email_change", HR_NEW).contains(&format!("{base}/confirm-email?token=")));
    assert!(text_of("invitation", CANDIDATE).contains(&format!("{base}/test?token=")));
    assert!(text_of("reminder", CANDIDATE_NO_SUPPORT).contains(&format!("{base}/test?token=")));
    assert!(text_of("low_credit", HR).contains(&format!("{base}/client/credits")));
    assert!(text_of("low_credit", STAFF).contains(&format!("{base}/reseller/clients/")));
    assert!(text_of("quick_start_guide", HR).contains(&format!("{base}/client/quick-start")));
    assert!(text_of("report_summary", HR).contains(&format!("{base}/client/candidates/")));
}

async fn every_mail_of_a_hosted_reseller_comes_from_its_brand_address_and_host(backend: Backend) {
    let w = world(
        backend,
        Setup {
            mail_from: Some("mail@partner.example"),
            custom_host: Some("assess.partner.example"),
            env: vec![],
        },
    )
    .await;
    w.send_every_kind().await;
    check_every_mail(
        &w.app,
        Some("mail@partner.example"),
        "https://assess.partner.example",
    );
    // Nothing in client or candidate mail names the vendor, not even its public host.
    for m in mails(&w.app) {
        if reader(&m.to) != Reader::Staff {
            for part in [&m.subject, &m.text, &m.html] {
                assert!(
                    !part.to_lowercase().contains("credence"),
                    "{} to {} names the vendor",
                    m.kind,
                    m.to
                );
            }
        }
    }
    let _ = (&w.admin, &w.reseller);
}

async fn without_an_address_or_host_mail_comes_from_the_platform_address_and_public_url(
    backend: Backend,
) {
    let w = world(
        backend,
        Setup {
            mail_from: None,
            custom_host: None,
            env: vec![],
        },
    )
    .await;
    w.send_every_kind().await;
    check_every_mail(&w.app, None, "http://credence.test");
    // Mail to the vendor's own staff keeps the platform mailbox and the public URL.
    w.app
        .post(
            "/auth/password/forgot",
            None,
            json!({ "email": crate::app::ADMIN_EMAIL }),
        )
        .await
        .assert_status(202);
    let admin_mail = mails(&w.app)
        .into_iter()
        .find(|m| m.to == crate::app::ADMIN_EMAIL)
        .expect("the vendor's reset mail");
    assert_eq!(admin_mail.from_name, None);
    assert_eq!(admin_mail.from_address, None);
    assert_eq!(admin_mail.reply_to, None);
    assert!(admin_mail
        .text
        .contains("http://credence.test/set-password?token="));
}

/// The header block of a received message (up to the first empty line), unfolded.
fn headers(data: &str) -> String {
    let head = data.split("\n\n").next().unwrap_or_default();
    head.replace("\r\n", "\n")
        .replace("\n ", " ")
        .replace("\n\t", " ")
}

fn header<'a>(head: &'a str, name: &str) -> Vec<&'a str> {
    head.lines()
        .filter(|l| {
            l.len() > name.len()
                && l[..name.len()].eq_ignore_ascii_case(name)
                && l.as_bytes()[name.len()] == b':'
        })
        .collect()
}

async fn the_smtp_headers_carry_the_sender_and_names_cannot_inject_headers(backend: Backend) {
    let sink = SmtpSink::start().await;
    let w = world(
        backend,
        Setup {
            mail_from: Some("mail@partner.example"),
            custom_host: Some("assess.partner.example"),
            env: vec![("CREDENCE_SMTP_URL", sink.url())],
        },
    )
    .await;
    // Welcome mails to the staff and the client user are on their way; the guide follows.
    w.app
        .post(
            &format!("/client-users/{}/send-guide", w.hr.id),
            Some(&w.staff),
            json!({}),
        )
        .await
        .assert_status(202);
    sink.wait_for(3).await;
    let staff = headers(&sink.messages_to(STAFF)[0].data);
    assert_eq!(
        header(&staff, "From"),
        [format!("From: \"{PRODUCT}\" <mail@partner.example>")],
        "{staff}"
    );
    assert_eq!(
        header(&staff, "Reply-To"),
        [format!("Reply-To: {VENDOR_SUPPORT}")],
        "{staff}"
    );
    // One Message-ID per queued mail, from the outbox row (the same on a second attempt).
    let ids: BTreeSet<String> = sink
        .messages_to(HR)
        .iter()
        .chain(sink.messages_to(STAFF).iter())
        .map(|m| header(&headers(&m.data), "Message-ID").concat())
        .collect();
    assert_eq!(ids.len(), 3, "{ids:?}");
    assert!(
        ids.iter().all(|id| id.ends_with("@partner.example>")),
        "{ids:?}"
    );
    for received in sink.messages_to(HR) {
        let head = headers(&received.data);
        assert_eq!(
            header(&head, "From"),
            [format!("From: \"{PRODUCT}\" <mail@partner.example>")],
            "{head}"
        );
        assert_eq!(
            header(&head, "Reply-To"),
            [format!("Reply-To: {RESELLER_SUPPORT}")],
            "{head}"
        );
        assert!(!received.data.contains("Credence"), "{}", received.data);
    }

    // A product name with a line break (the API refuses one; say one got in anyway) cannot
    // add a header: the name is queued on one line and sent quoted.
    {
        let mut conn = w.app.conn();
        diesel::update(brands::table.filter(brands::product_name.eq(PRODUCT)))
            .set(brands::product_name.eq("Evil\r\nBcc: victim@evil.example"))
            .execute(&mut *conn)
            .unwrap();
    }
    w.app
        .post(
            &format!("/client-users/{}/send-guide", w.hr.id),
            Some(&w.staff),
            json!({}),
        )
        .await
        .assert_status(202);
    let received = sink.wait_for(4).await;
    let evil = headers(&received[3].data);
    assert!(header(&evil, "Bcc").is_empty(), "{evil}");
    assert_eq!(received[3].to, [HR], "no other recipient");
    // The name travels as one encoded word.
    let from = header(&evil, "From");
    let encoded = from[0]
        .strip_prefix("From: =?utf-8?b?")
        .and_then(|rest| rest.strip_suffix("?= <mail@partner.example>"))
        .unwrap_or_else(|| panic!("{evil}"));
    use base64::Engine;
    let name = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .unwrap();
    assert_eq!(
        String::from_utf8(name).unwrap(),
        "Evil Bcc: victim@evil.example"
    );
}

async fn a_suspended_resellers_host_is_not_used_for_links(backend: Backend) {
    let w = world(
        backend,
        Setup {
            mail_from: None,
            custom_host: Some("assess.partner.example"),
            env: vec![],
        },
    )
    .await;
    let welcome = w.app.mail_text(HR, "welcome");
    assert!(
        welcome.contains("https://assess.partner.example/set-password?token="),
        "{welcome}"
    );
    w.app
        .patch(
            &format!("/admin/resellers/{}", w.reseller.id),
            Some(&w.admin),
            json!({ "status": "suspended" }),
        )
        .await
        .assert_status(200);
    w.app
        .post(
            &format!("/admin/resellers/{}/users", w.reseller.id),
            Some(&w.admin),
            json!({ "name": "Late Joiner", "email": "late@partner.example" }),
        )
        .await
        .assert_status(201);
    let late = w.app.mail_text("late@partner.example", "welcome");
    assert!(
        late.contains("http://credence.test/set-password?token="),
        "{late}"
    );
    assert!(!late.contains("assess.partner.example"), "{late}");
}

async fn only_the_vendor_sets_a_resellers_mail_from(backend: Backend) {
    let w = world(
        backend,
        Setup {
            mail_from: None,
            custom_host: None,
            env: vec![],
        },
    )
    .await;
    let path = format!("/admin/resellers/{}", w.reseller.id);
    for bad in [
        "not-an-address",
        "a@b",
        "Mail <mail@partner.example>",
        "x@y.example\r\nBcc: z@evil.example",
    ] {
        let reply = w
            .app
            .patch(&path, Some(&w.admin), json!({ "mail_from": bad }))
            .await;
        reply.assert_problem(422, "validation_failed");
        assert_eq!(reply.error_fields(), ["mail_from"], "{bad}");
    }
    let set: Reseller = w
        .app
        .patch(
            &path,
            Some(&w.admin),
            json!({ "mail_from": " Mail@Partner.example " }),
        )
        .await
        .expect(200);
    assert_eq!(set.mail_from.as_deref(), Some("mail@partner.example"));
    // Mail queued from now on comes from it.
    w.app
        .post(
            &format!("/client-users/{}/send-guide", w.hr.id),
            Some(&w.staff),
            json!({}),
        )
        .await
        .assert_status(202);
    let guide = mails(&w.app)
        .into_iter()
        .rfind(|m| m.kind == "quick_start_guide")
        .unwrap();
    assert_eq!(guide.from_address.as_deref(), Some("mail@partner.example"));
    // Resellers and client users cannot change it.
    for token in [&w.staff, &w.hr_token] {
        w.app
            .patch(&path, Some(token), json!({ "mail_from": "x@evil.example" }))
            .await
            .assert_status(403);
    }
    let seen: Reseller = w.app.get(&path, Some(&w.admin)).await.json();
    assert_eq!(seen.mail_from.as_deref(), Some("mail@partner.example"));
    // An empty string goes back to the platform address.
    let cleared: Reseller = w
        .app
        .patch(&path, Some(&w.admin), json!({ "mail_from": "" }))
        .await
        .expect(200);
    assert_eq!(cleared.mail_from, None);
}
