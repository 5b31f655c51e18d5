//! Reminders (issue #8): a project may remind invited candidates who have not started, N days
//! after the last invitation or reminder mail, at most M times, never after expiry, never for
//! started, cancelled or expired invitations, inactive projects or candidates, suspended resellers; the job is safe
//! with several processes; the candidate shows when each reminder went.

use chrono::{Duration, Utc};
use credence_api::db::schema::{
    audit_events, clients, invitation_reminders, invitations, resellers,
};
use credence_api::domain::links::Links;
use credence_shared::assess::{Candidate, CandidateSession, Project};
use diesel::prelude::*;
use serde_json::json;

use crate::app::{Backend, Options, TestApp};
use crate::assessments_world::{world_with, World};
use crate::both_backends;

both_backends!(
    reminder_settings_are_validated,
    a_reminder_goes_after_n_days_at_most_m_times_with_a_working_link,
    no_reminder_for_started_closed_expired_or_inactive,
    a_reminder_is_sent_once_when_the_job_runs_twice,
    a_suspended_resellers_candidates_are_not_reminded,
);

impl TestApp {
    /// One round of the reminder job against the app's database (as another process would);
    /// how many reminders this round sent.
    pub async fn run_reminders(&self) -> usize {
        credence_api::jobs::reminders::round(&self.db, &Links::new("http://credence.test"))
            .await
            .expect("the reminder round runs")
    }

    /// Moves the invitation's last mail `days` (and a minute) into the past.
    pub fn age_mail(&self, invitation_id: &str, days: i64) {
        let mut conn = self.conn();
        let at = Utc::now().naive_utc() - Duration::days(days) - Duration::minutes(1);
        diesel::update(invitations::table.find(invitation_id))
            .set(invitations::mailed_at.eq(Some(at)))
            .execute(&mut *conn)
            .unwrap();
    }

    fn reminders_recorded(&self, invitation_id: &str) -> i64 {
        let mut conn = self.conn();
        invitation_reminders::table
            .filter(invitation_reminders::invitation_id.eq(invitation_id))
            .count()
            .get_result(&mut *conn)
            .unwrap()
    }
}

/// The token of the newest mail of `kind` to `email`.
fn token_in(app: &TestApp, email: &str, kind: &str) -> String {
    let text = app.mail_text(email, kind);
    let start = text.find("/test?token=").expect("a magic link") + "/test?token=".len();
    text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

/// The assessment world with the server's own reminder job quiet after its first round at
/// start (nothing is due then): the test runs every round itself, as another process would.
async fn world(backend: Backend, credits: i64) -> World {
    world_with(
        backend,
        credits,
        Options {
            env: [("CREDENCE_HOUSEKEEPING_MS", "3600000".to_string())].into(),
            ..Default::default()
        },
    )
    .await
}

async fn candidate(w: &World, id: &str) -> Candidate {
    w.app
        .get(&format!("/candidates/{id}"), Some(&w.client_user))
        .await
        .json()
}

async fn reminder_settings_are_validated(backend: Backend) {
    let w = world(backend, 0).await;
    let catalogue = w.catalogue().await;
    let (t, n) = crate::assessments_world::test_id(&catalogue, "numerical");
    let tests = json!([{ "test_id": t, "norm_group_id": n }]);
    for (days, max, fields) in [
        (json!(0), json!(1), vec!["reminder_after_days"]),
        (json!(31), json!(1), vec!["reminder_after_days"]),
        (json!(3), json!(0), vec!["reminder_max"]),
        (
            json!(-1),
            json!(6),
            vec!["reminder_after_days", "reminder_max"],
        ),
    ] {
        let bad = w
            .app
            .post(
                "/projects",
                Some(&w.client_user),
                json!({ "name": "P", "tests": tests, "reminder_after_days": days, "reminder_max": max }),
            )
            .await;
        bad.assert_problem(422, "validation_failed");
        assert_eq!(bad.error_fields(), fields, "{days} days, {max} at most");
    }
    // Off unless chosen, one reminder at most by default.
    let plain = w.project(&["numerical"], json!({})).await;
    assert_eq!((plain.reminder_after_days, plain.reminder_max), (None, 1));
    let p = w
        .project(
            &["numerical"],
            json!({ "reminder_after_days": 30, "reminder_max": 5 }),
        )
        .await;
    assert_eq!((p.reminder_after_days, p.reminder_max), (Some(30), 5));
    let path = format!("/projects/{}", p.id);
    for (body, field) in [
        (json!({ "reminder_after_days": 0 }), "reminder_after_days"),
        (json!({ "reminder_max": 6 }), "reminder_max"),
    ] {
        let bad = w.app.patch(&path, Some(&w.client_user), body).await;
        bad.assert_problem(422, "validation_failed");
        assert_eq!(bad.error_fields(), vec![field]);
    }
    let edited: Project = w
        .app
        .patch(
            &path,
            Some(&w.client_user),
            json!({ "reminder_after_days": 1, "reminder_max": 2 }),
        )
        .await
        .expect(200);
    assert_eq!(
        (edited.reminder_after_days, edited.reminder_max),
        (Some(1), 2)
    );
    let off: Project = w
        .app
        .patch(
            &path,
            Some(&w.client_user),
            json!({ "clear_reminder_after_days": true }),
        )
        .await
        .expect(200);
    assert_eq!((off.reminder_after_days, off.reminder_max), (None, 2));
    let read: Project = w.app.get(&path, Some(&w.client_user)).await.json();
    assert_eq!(read, off);
}

async fn a_reminder_goes_after_n_days_at_most_m_times_with_a_working_link(backend: Backend) {
    let w = world(backend, 100).await;
    let p = w
        .project(
            &["numerical"],
            json!({ "reminder_after_days": 3, "reminder_max": 2 }),
        )
        .await;
    let email = "slow@mail.example";
    let c = w.invited(&p, email).await;
    let invitation = c.invitations[0].id.clone();
    let first_link = token_in(&w.app, email, "invitation");
    let balance = w.balance();

    // Not yet: two days after the invitation.
    w.app.age_mail(&invitation, 2);
    w.app.run_reminders().await;
    assert_eq!(
        w.app.outbox_count(email, "reminder"),
        0,
        "not due after 2 of 3 days"
    );

    // Three days after: one reminder, recorded, audited, free.
    w.app.age_mail(&invitation, 3);
    w.app.run_reminders().await;
    assert_eq!(w.app.outbox_count(email, "reminder"), 1, "due after 3 days");
    assert_eq!(w.app.reminders_recorded(&invitation), 1);
    assert_eq!(w.balance(), balance, "a reminder costs no credits");
    let audited: i64 = {
        let mut conn = w.app.conn();
        audit_events::table
            .filter(audit_events::action.eq("invitation.reminded"))
            .filter(audit_events::object_id.eq(&invitation))
            .count()
            .get_result(&mut *conn)
            .unwrap()
    };
    assert_eq!(audited, 1, "the reminder is audit-logged");

    // The mail says it is a reminder, with the deadline and a fresh link on the public URL.
    let text = w.app.mail_text(email, "reminder");
    assert!(text.contains("This is a reminder"), "{text}");
    let deadline = c.invitations[0].expires_at.format("%-d %B %Y").to_string();
    assert!(
        text.contains(&deadline),
        "the deadline {deadline} in {text}"
    );
    assert!(text.contains("http://credence.test/test?token="), "{text}");
    let fresh = token_in(&w.app, email, "reminder");
    assert_ne!(fresh, first_link);
    w.app
        .post(
            "/candidate/sessions",
            None,
            json!({ "invitation_token": first_link }),
        )
        .await
        .assert_problem(401, "invalid_invitation");
    let session: CandidateSession = w
        .app
        .post(
            "/candidate/sessions",
            None,
            json!({ "invitation_token": fresh }),
        )
        .await
        .expect(200);
    let me = w.candidate_me(&session.access_token).await;
    assert_eq!(me.project.name, p.name, "the link opens the test area");

    // The clock starts again from the reminder: nothing more at once.
    w.app.run_reminders().await;
    assert_eq!(w.app.outbox_count(email, "reminder"), 1);

    // A second reminder three days later, then no third (at most 2).
    w.app.age_mail(&invitation, 3);
    w.app.run_reminders().await;
    assert_eq!(w.app.outbox_count(email, "reminder"), 2);
    w.app.age_mail(&invitation, 10);
    w.app.run_reminders().await;
    assert_eq!(
        w.app.outbox_count(email, "reminder"),
        2,
        "at most reminder_max"
    );
    assert_eq!(w.app.reminders_recorded(&invitation), 2);

    // The candidate shows both reminders, oldest first.
    let shown = candidate(&w, &c.id).await;
    let reminded = &shown.invitations[0].reminded_at;
    assert_eq!(reminded.len(), 2, "{shown:?}");
    assert!(reminded[0] <= reminded[1]);
    assert!(reminded.iter().all(|t| *t > c.created_at));
    // The list shows them too.
    let page: credence_shared::Page<Candidate> =
        w.app.get("/candidates", Some(&w.client_user)).await.json();
    let listed = page.data.iter().find(|x| x.id == c.id).unwrap();
    assert_eq!(&listed.invitations[0].reminded_at, reminded);
}

async fn no_reminder_for_started_closed_expired_or_inactive(backend: Backend) {
    let w = world(backend, 100).await;
    let app = &w.app;
    let on = json!({ "reminder_after_days": 1, "reminder_max": 3 });
    let p = w.project(&["numerical"], on.clone()).await;
    let dormant = w.project(&["numerical"], on).await;
    let off = w.project(&["numerical"], json!({})).await;
    let mut invitations = vec![];
    for (project, email) in [
        (&p, "due@mail.example"),
        (&p, "started@mail.example"),
        (&p, "cancelled@mail.example"),
        (&p, "expired@mail.example"),
        (&p, "inactive@mail.example"),
        (&dormant, "dormant@mail.example"),
        (&off, "off@mail.example"),
    ] {
        let c = w.invited(project, email).await;
        invitations.push((email, c.id.clone(), c.invitations[0].id.clone()));
    }
    let id_of = |email: &str| invitations.iter().find(|i| i.0 == email).unwrap().clone();

    // Started: the candidate began a test.
    let token = w.candidate_token("started@mail.example").await;
    let me = w.candidate_me(&token).await;
    app.post(
        &format!("/candidate/assessments/{}/start", me.assessments[0].id),
        Some(&token),
        json!({}),
    )
    .await
    .assert_status(200);
    // Cancelled.
    app.post(
        &format!("/invitations/{}/cancel", id_of("cancelled@mail.example").2),
        Some(&w.client_user),
        json!({}),
    )
    .await
    .assert_status(200);
    // Past its expiry (whether or not housekeeping has closed it yet).
    {
        let mut conn = app.conn();
        diesel::update(invitations::table.find(id_of("expired@mail.example").2))
            .set(invitations::expires_at.eq(Utc::now().naive_utc() - Duration::minutes(1)))
            .execute(&mut *conn)
            .unwrap();
    }
    // A deactivated candidate, an inactive project.
    app.patch(
        &format!("/candidates/{}", id_of("inactive@mail.example").1),
        Some(&w.client_user),
        json!({ "active": false }),
    )
    .await
    .assert_status(200);
    app.patch(
        &format!("/projects/{}", dormant.id),
        Some(&w.client_user),
        json!({ "active": false }),
    )
    .await
    .assert_status(200);

    for (_, _, invitation) in &invitations {
        app.age_mail(invitation, 5);
    }
    let due = {
        let mut conn = app.conn();
        credence_api::domain::candidates::due_reminders(&mut conn).unwrap()
    };
    assert_eq!(due, vec![id_of("due@mail.example").2], "only the due one");
    app.run_reminders().await;
    for (email, _, invitation) in &invitations {
        let expected = i64::from(*email == "due@mail.example");
        assert_eq!(app.outbox_count(email, "reminder"), expected, "{email}");
        assert_eq!(app.reminders_recorded(invitation), expected, "{email}");
    }
}

async fn a_reminder_is_sent_once_when_the_job_runs_twice(backend: Backend) {
    let w = world(backend, 100).await;
    let p = w
        .project(
            &["numerical"],
            json!({ "reminder_after_days": 1, "reminder_max": 5 }),
        )
        .await;
    let emails: Vec<String> = (0..4).map(|i| format!("twice{i}@mail.example")).collect();
    let mut ids = vec![];
    for e in &emails {
        ids.push(w.invited(&p, e).await.invitations[0].id.clone());
    }
    for id in &ids {
        w.app.age_mail(id, 2);
    }
    // Two rounds at once (two processes), then another one.
    let (a, b) = futures_util::future::join(w.app.run_reminders(), w.app.run_reminders()).await;
    assert_eq!(
        a + b,
        ids.len(),
        "each due reminder sent by exactly one of the rounds"
    );
    w.app.run_reminders().await;
    for (e, id) in emails.iter().zip(&ids) {
        assert_eq!(w.app.outbox_count(e, "reminder"), 1, "{e}: one reminder");
        assert_eq!(w.app.reminders_recorded(id), 1, "{e}");
    }
}

/// A suspended reseller's clients send nothing in its name, reminders included; once it is
/// active again the reminder goes.
async fn a_suspended_resellers_candidates_are_not_reminded(backend: Backend) {
    let w = world(backend, 100).await;
    let app = &w.app;
    let p = w
        .project(
            &["numerical"],
            json!({ "reminder_after_days": 1, "reminder_max": 1 }),
        )
        .await;
    let c = w.invited(&p, "paused@mail.example").await;
    let invitation = c.invitations[0].id.clone();
    app.age_mail(&invitation, 5);
    let set_reseller_status = |status: &str| {
        let mut conn = app.conn();
        let reseller_id: String = clients::table
            .find(&w.client.id)
            .select(clients::reseller_id)
            .first(&mut *conn)
            .unwrap();
        diesel::update(resellers::table.find(reseller_id))
            .set(resellers::status.eq(status))
            .execute(&mut *conn)
            .unwrap();
    };
    set_reseller_status("suspended");
    app.run_reminders().await;
    assert_eq!(app.outbox_count("paused@mail.example", "reminder"), 0);
    assert_eq!(app.reminders_recorded(&invitation), 0);
    set_reseller_status("active");
    app.run_reminders().await;
    assert_eq!(app.outbox_count("paused@mail.example", "reminder"), 1);
    assert_eq!(app.reminders_recorded(&invitation), 1);
}
