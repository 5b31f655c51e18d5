//! Candidate self-registration with a project's access key: known emails, throttling, the
//! client's daily cap, and names.

use credence_shared::assess::{Project, RegistrationAccepted};
use serde_json::json;

use crate::app::{spawn_app_with, Backend, Options};
use crate::assessments_world::{world, World};
use crate::both_backends;
use crate::reply::Reply;

both_backends!(
    self_registration_with_an_access_key,
    registering_a_known_email_opens_nothing_and_tells_nothing,
    self_registration_is_throttled_across_processes,
    the_daily_self_registration_cap_is_the_clients,
    self_registration_refuses_urls_in_names,
);

async fn register(w: &World, key: &str, first: &str, last: &str, email: &str) -> Reply {
    w.app
        .post(
            "/candidate/sessions",
            None,
            json!({ "access_key": key, "first_name": first, "last_name": last, "email": email }),
        )
        .await
}

async fn self_registration_with_an_access_key(backend: Backend) {
    let w = world(backend, 4).await;
    let p = w
        .project(&["numerical"], json!({ "access_key_enabled": true }))
        .await;
    let key = p.access_key.as_deref().unwrap();
    let missing = w
        .app
        .post("/candidate/sessions", None, json!({ "access_key": key }))
        .await;
    assert_eq!(missing.error_fields(), ["first_name", "last_name", "email"]);
    let wrong = register(&w, "WRNG-KEYS-XXXX", "S", "R", "s@r.example").await;
    assert_eq!(wrong.error_fields(), ["access_key"]);
    let registered = register(&w, &key.to_lowercase(), "Sam", "Self", "sam@self.example").await;
    let accepted: RegistrationAccepted = registered.expect(202);
    assert_eq!(accepted.status, "check_email");
    assert!(!registered.text().contains("access_token"));
    assert_eq!(
        w.balance(),
        3,
        "self-registration charges like an invitation"
    );
    // The link is in the candidate's inbox, and opens their assessment.
    assert_eq!(w.app.outbox_count("sam@self.example", "invitation"), 1);
    let token = w.candidate_token("sam@self.example").await;
    let me = w.candidate_me(&token).await;
    assert_eq!(me.candidate.email, "sam@self.example");
    // Registering again with the same email gets the same answer, no session, no charge, and
    // (within the cool-down) no second mail.
    let again = register(&w, key, "Sam", "Self", "sam@self.example").await;
    assert_eq!(again.status.as_u16(), 202);
    assert_eq!(again.text(), registered.text());
    assert_eq!(w.app.outbox_count("sam@self.example", "invitation"), 1);
    assert_eq!(w.balance(), 3);
    w.app
        .patch(
            &format!("/projects/{}", p.id),
            Some(&w.client_user),
            json!({ "access_key_enabled": false }),
        )
        .await;
    let closed = register(&w, key, "N", "O", "no@self.example").await;
    assert_eq!(closed.error_fields(), ["access_key"]);
}

/// Knowing a candidate's email opens nothing and tells nothing: the registrant gets exactly the
/// answer a new email gets, and the candidate gets their own link (their name unchanged).
async fn registering_a_known_email_opens_nothing_and_tells_nothing(backend: Backend) {
    let w = world(backend, 10).await;
    let p = w
        .project(&["numerical"], json!({ "access_key_enabled": true }))
        .await;
    let key = p.access_key.as_deref().unwrap();
    assert_eq!(key.len(), 14, "12 random characters: {key}");
    w.invited(&p, "known@cand.example").await;
    assert_eq!(w.app.outbox_count("known@cand.example", "invitation"), 1);
    let balance = w.balance();
    let new = register(&w, key, "New", "Person", "new@cand.example").await;
    let known = register(&w, key, "Mallory", "Attacker", "known@cand.example").await;
    assert_eq!((new.status.as_u16(), known.status.as_u16()), (202, 202));
    assert_eq!(new.text(), known.text(), "the same body for a known email");
    assert_eq!(new.header("content-type"), known.header("content-type"));
    // The known person was mailed their own (fresh) link; nobody else got a session.
    assert_eq!(w.app.outbox_count("known@cand.example", "invitation"), 2);
    assert_eq!(w.balance(), balance - 1, "only the new person was charged");
    let token = w.candidate_token("known@cand.example").await;
    let me = w.candidate_me(&token).await;
    assert_eq!(
        (
            me.candidate.first_name.as_str(),
            me.candidate.last_name.as_str()
        ),
        ("Casey", "Candidate"),
        "the registrant's name never replaces the candidate's"
    );
    // A repeat within the cool-down mails nobody again.
    register(&w, key, "Mallory", "Attacker", "known@cand.example")
        .await
        .assert_status(202);
    assert_eq!(w.app.outbox_count("known@cand.example", "invitation"), 2);
}

/// 30 attempts per IP per 10 minutes, counted in the database: a second process on the same
/// database refuses the 31st too, and a right key does not help once the budget is spent.
async fn self_registration_is_throttled_across_processes(backend: Backend) {
    let w = world(backend, 10).await;
    let p = w
        .project(&["numerical"], json!({ "access_key_enabled": true }))
        .await;
    let key = p.access_key.clone().unwrap();
    for n in 0..30 {
        let guess = register(
            &w,
            &format!("GUES-SNUM-{n:04}"),
            "G",
            "Uess",
            "g@uess.example",
        )
        .await;
        assert_eq!(guess.error_fields(), ["access_key"], "attempt {n}");
    }
    let refused = register(&w, &key, "Real", "Person", "real@cand.example").await;
    refused.assert_problem(429, "rate_limited");
    let retry: u64 = refused.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=600).contains(&retry), "{retry}");
    let second = spawn_app_with(
        w.app.backend,
        Options {
            database_url: Some(w.app.database_url.clone()),
            ..Options::default()
        },
    )
    .await;
    second
        .post(
            "/candidate/sessions",
            None,
            json!({ "access_key": key, "first_name": "Real", "last_name": "Person", "email": "real@cand.example" }),
        )
        .await
        .assert_problem(429, "rate_limited");
    assert_eq!(w.app.outbox_count("real@cand.example", "invitation"), 0);
}

/// The client sets a daily cap per project; when it is reached every registration (a known
/// email too) is a clear 429 with `Retry-After`.
async fn the_daily_self_registration_cap_is_the_clients(backend: Backend) {
    let w = world(backend, 10).await;
    let p = w
        .project(&["numerical"], json!({ "access_key_enabled": true }))
        .await;
    assert_eq!(p.self_registration_daily_cap, 50, "a sensible default");
    let key = p.access_key.clone().unwrap();
    let path = format!("/projects/{}", p.id);
    let bad = w
        .app
        .patch(
            &path,
            Some(&w.client_user),
            json!({ "self_registration_daily_cap": -1 }),
        )
        .await;
    assert_eq!(bad.error_fields(), ["self_registration_daily_cap"]);
    let capped: Project = w
        .app
        .patch(
            &path,
            Some(&w.client_user),
            json!({ "self_registration_daily_cap": 2 }),
        )
        .await
        .expect(200);
    assert_eq!(capped.self_registration_daily_cap, 2);
    register(&w, &key, "One", "Person", "one@cand.example")
        .await
        .assert_status(202);
    register(&w, &key, "Two", "Person", "two@cand.example")
        .await
        .assert_status(202);
    let third = register(&w, &key, "Three", "Person", "three@cand.example").await;
    let problem = third.assert_problem(429, "self_registration_cap_reached");
    assert!(problem.detail.unwrap_or_default().contains("today"));
    let retry: u64 = third.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=86_400).contains(&retry), "{retry}");
    register(&w, &key, "One", "Person", "one@cand.example")
        .await
        .assert_problem(429, "self_registration_cap_reached");
    assert_eq!(w.app.outbox_count("three@cand.example", "invitation"), 0);
    assert_eq!(w.balance(), 8, "two registrations charged");
    // Raising the cap lets the next one in.
    w.app
        .patch(
            &path,
            Some(&w.client_user),
            json!({ "self_registration_daily_cap": 3 }),
        )
        .await
        .assert_status(200);
    register(&w, &key, "Three", "Person", "three@cand.example")
        .await
        .assert_status(202);
}

/// Names go into mail: no web addresses in them.
async fn self_registration_refuses_urls_in_names(backend: Backend) {
    let w = world(backend, 10).await;
    let p = w
        .project(&["numerical"], json!({ "access_key_enabled": true }))
        .await;
    let key = p.access_key.clone().unwrap();
    for (first, last, fields) in [
        ("Visit http", "Smith", vec!["first_name"]),
        ("Ann", "www.cheap-pills.example", vec!["last_name"]),
        ("evil://x", "HTTPS Link", vec!["first_name", "last_name"]),
    ] {
        let refused = register(&w, &key, first, last, "spam@cand.example").await;
        assert_eq!(refused.error_fields(), fields, "{first} {last}");
        assert_eq!(refused.problem().errors[0].code, "name_contains_url");
    }
    assert_eq!(w.app.outbox_count("spam@cand.example", "invitation"), 0);
    register(&w, &key, "Anne-Marie", "O'Neil", "spam@cand.example")
        .await
        .assert_status(202);
}
