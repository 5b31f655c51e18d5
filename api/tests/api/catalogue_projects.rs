//! The test catalogue and projects: validation, tenant scoping and access keys.

use credence_shared::assess::{Project, TestSummary};
use credence_shared::Page;
use serde_json::json;

use crate::app::Backend;
use crate::assessments_world::{test_id, world};
use crate::both_backends;

both_backends!(
    the_catalogue_lists_every_test_with_norm_groups,
    projects_are_validated_scoped_and_keyed,
);

async fn the_catalogue_lists_every_test_with_norm_groups(backend: Backend) {
    let w = world(backend, 0).await;
    let reply = w.app.get("/tests", Some(&w.client_user)).await;
    let catalogue: Page<TestSummary> = reply.json();
    let by = |c: &str| catalogue.data.iter().find(|t| t.category == c).unwrap();
    assert!(by("numerical").question_count >= 12);
    assert!(by("verbal").question_count >= 12);
    assert!(by("inductive").question_count >= 10);
    assert!(by("personality").question_count >= 30);
    assert!(!by("personality").timed);
    for t in &catalogue.data {
        assert!(t.norm_groups.len() >= 2);
        assert!(t.credit_cost >= 1);
        if t.kind.as_str() == "aptitude" {
            assert!(t.timed && t.duration_seconds.unwrap() > 0);
        }
    }
    assert!(
        !reply.text().contains("correct"),
        "correct answers never leave the server"
    );
    assert_eq!(w.app.get("/tests", Some(&w.reseller)).await.status, 200);
}

async fn projects_are_validated_scoped_and_keyed(backend: Backend) {
    let w = world(backend, 0).await;
    let catalogue = w.catalogue().await;
    let (num, num_norm) = test_id(&catalogue, "numerical");
    let (verbal, _) = test_id(&catalogue, "verbal");
    let bad = w.app.post("/projects", Some(&w.client_user), json!({ "tests": [{ "test_id": verbal, "norm_group_id": num_norm }, { "test_id": "nope", "norm_group_id": num_norm }], "expires_at": "2001-01-01T00:00:00Z", "support_email": "not-an-email" })).await;
    bad.assert_problem(422, "validation_failed");
    assert_eq!(
        bad.error_fields(),
        [
            "name",
            "tests[0].norm_group_id",
            "tests[1].test_id",
            "expires_at",
            "support_email"
        ]
    );
    let empty = w
        .app
        .post(
            "/projects",
            Some(&w.client_user),
            json!({ "name": "X", "tests": [] }),
        )
        .await;
    assert_eq!(empty.error_fields(), ["tests"]);
    let no_client = w
        .app
        .post(
            "/projects",
            Some(&w.reseller),
            json!({ "name": "X", "tests": [{ "test_id": num, "norm_group_id": num_norm }] }),
        )
        .await;
    assert_eq!(no_client.error_fields(), ["client_id"]);
    let by_reseller = w.app.post("/projects", Some(&w.reseller), json!({ "client_id": w.client.id, "name": "Set up by the reseller", "tests": [{ "test_id": num, "norm_group_id": num_norm }] })).await;
    assert_eq!(by_reseller.expect::<Project>(201).client_name, "Hiring Co");

    let p = w
        .project(
            &["numerical", "personality"],
            json!({ "access_key_enabled": true }),
        )
        .await;
    assert_eq!(p.credit_cost, 2);
    assert_eq!(p.tests.len(), 2);
    let key = p.access_key.clone().unwrap();
    assert_eq!(
        p.self_registration_url,
        Some(format!("http://credence.test/test/register?key={key}"))
    );
    let id = p.id.as_str();
    let regenerated: Project = w
        .app
        .patch(
            &format!("/projects/{id}"),
            Some(&w.client_user),
            json!({ "regenerate_access_key": true }),
        )
        .await
        .json();
    assert_ne!(regenerated.access_key, Some(key));
    let disabled: Project = w
        .app
        .patch(
            &format!("/projects/{id}"),
            Some(&w.client_user),
            json!({ "access_key_enabled": false }),
        )
        .await
        .json();
    assert!(disabled.access_key.is_none() && disabled.self_registration_url.is_none());
    let expiring = w
        .app
        .patch(
            &format!("/projects/{id}"),
            Some(&w.client_user),
            json!({ "expires_at": "2031-06-30T17:00:00Z", "name": "Graduate intake 2027" }),
        )
        .await;
    // The wire format of the time, not only its value.
    assert_eq!(expiring.body["expires_at"], "2031-06-30T17:00:00Z");
    let expiring: Project = expiring.json();
    assert_eq!(
        expiring.expires_at,
        Some("2031-06-30T17:00:00Z".parse().unwrap())
    );
    assert!(!expiring.locked);
    let projects = |token: String| {
        let app = &w.app;
        async move {
            app.get("/projects", Some(&token))
                .await
                .json::<Page<Project>>()
                .data
        }
    };
    assert_eq!(projects(w.client_user.clone()).await.len(), 2);
    assert_eq!(projects(w.reseller.clone()).await.len(), 2);
    // Another client of the same reseller cannot see it.
    let other = w.app.create_client(&w.reseller, "Other Co", 0).await;
    let (_, outsider) = w
        .app
        .client_user(&w.reseller, Some(&other.id), "hr@other.example")
        .await;
    w.app
        .get(&format!("/projects/{id}"), Some(&outsider))
        .await
        .assert_problem(404, "not_found");
    w.app
        .patch(
            &format!("/projects/{id}"),
            Some(&outsider),
            json!({ "name": "x" }),
        )
        .await
        .assert_problem(404, "not_found");
    assert_eq!(projects(outsider.clone()).await.len(), 0);
}
