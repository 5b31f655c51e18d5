//! The vendor edits the test catalogue: a new credit cost applies to new invitations only
//! (earlier ones keep their charge and refund it), an inactive test is not offered for new
//! projects while existing ones keep it, and refusals change nothing.

use credence_shared::admin::{AuditEvent, CatalogueTest};
use credence_shared::assess::{Candidate, Invitation, Project, TestSummary};
use credence_shared::Page;
use serde_json::json;

use crate::app::Backend;
use crate::assessments_world::{world, World};
use crate::both_backends;

both_backends!(
    a_new_cost_applies_to_new_invitations_only,
    an_inactive_test_is_not_offered_for_new_projects,
    refused_edits_change_nothing,
);

async fn admin_tests(w: &World, admin: &str) -> Vec<CatalogueTest> {
    w.app
        .get("/admin/tests", Some(admin))
        .await
        .json::<Page<CatalogueTest>>()
        .data
}

fn of<'a>(tests: &'a [CatalogueTest], category: &str) -> &'a CatalogueTest {
    tests.iter().find(|t| t.category == category).unwrap()
}

async fn test_events(w: &World, admin: &str) -> Vec<AuditEvent> {
    w.app
        .get("/audit-events?limit=200", Some(admin))
        .await
        .json::<Page<AuditEvent>>()
        .data
        .into_iter()
        .filter(|e| e.action == "test.updated")
        .collect()
}

async fn cancel(w: &World, candidate: &Candidate) -> Invitation {
    let id = &candidate.invitations[0].id;
    w.app
        .post(
            &format!("/invitations/{id}/cancel"),
            Some(&w.client_user),
            json!({}),
        )
        .await
        .expect(200)
}

async fn a_new_cost_applies_to_new_invitations_only(backend: Backend) {
    let w = world(backend, 20).await;
    let admin = w.app.admin_token().await;
    let p = w.project(&["numerical", "verbal"], json!({})).await;
    let before = w.invited(&p, "before@cand.example").await;
    assert_eq!(before.invitations[0].credits_charged, 2);
    assert_eq!(w.balance(), 18);

    let numerical = of(&admin_tests(&w, &admin).await, "numerical").clone();
    assert_eq!((numerical.credit_cost, numerical.active), (1, true));
    let edited: CatalogueTest = w
        .app
        .patch(
            &format!("/admin/tests/{}", numerical.id),
            Some(&admin),
            json!({ "credit_cost": 5 }),
        )
        .await
        .expect(200);
    assert_eq!(
        (edited.credit_cost, edited.name.as_str()),
        (5, numerical.name.as_str())
    );
    // Everyone sees the new cost.
    let catalogue: Page<TestSummary> = w.app.get("/tests", Some(&w.client_user)).await.json();
    let listed = catalogue
        .data
        .iter()
        .find(|t| t.id == numerical.id)
        .unwrap();
    assert_eq!(listed.credit_cost, 5);

    // A new invitation is charged the new cost; the one made before keeps its charge.
    let after = w.invited(&p, "after@cand.example").await;
    assert_eq!(after.invitations[0].credits_charged, 6);
    assert_eq!(w.balance(), 12);
    // Cancelling the earlier invitation refunds what it was charged (2), not today's 6.
    assert_eq!(cancel(&w, &before).await.status.as_str(), "cancelled");
    assert_eq!(w.balance(), 14);
    // The later one refunds its own 6.
    cancel(&w, &after).await;
    assert_eq!(w.balance(), 20);
    let refunds: Vec<i64> = w
        .app
        .ledger(&w.client_user, &w.client.id)
        .await
        .iter()
        .filter(|e| e.kind.as_str() == "refund")
        .map(|e| e.delta)
        .collect();
    let mut refunds = refunds;
    refunds.sort();
    assert_eq!(refunds, [2, 6]);

    // The change is audited with before and after.
    let events = test_events(&w, &admin).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].object_id.as_ref(), Some(&numerical.id));
    assert_eq!(events[0].details["before"]["credit_cost"], 1);
    assert_eq!(events[0].details["after"]["credit_cost"], 5);
    assert_eq!(events[0].actor_name.as_deref(), Some("Test Admin"));
}

async fn an_inactive_test_is_not_offered_for_new_projects(backend: Backend) {
    let w = world(backend, 10).await;
    let admin = w.app.admin_token().await;
    // A project with the verbal test exists before the vendor withdraws it.
    let existing = w.project(&["verbal"], json!({})).await;
    let verbal = of(&admin_tests(&w, &admin).await, "verbal").clone();
    let norm = existing.tests[0].norm_group_id.clone();
    let edited: CatalogueTest = w
        .app
        .patch(
            &format!("/admin/tests/{}", verbal.id),
            Some(&admin),
            json!({ "active": false }),
        )
        .await
        .expect(200);
    assert!(!edited.active);

    // Hidden from the catalogue clients and resellers see; the vendor still lists it.
    for token in [&w.client_user, &w.reseller] {
        let catalogue: Page<TestSummary> = w.app.get("/tests", Some(token)).await.json();
        assert!(!catalogue.data.is_empty());
        assert!(catalogue.data.iter().all(|t| t.id != verbal.id));
    }
    assert!(!of(&admin_tests(&w, &admin).await, "verbal").active);

    // A new project cannot use it…
    let refused = w
        .app
        .post(
            "/projects",
            Some(&w.client_user),
            json!({ "name": "Too late", "tests": [{ "test_id": verbal.id, "norm_group_id": norm }] }),
        )
        .await;
    refused.assert_problem(422, "validation_failed");
    assert_eq!(refused.error_fields(), ["tests[0].test_id"]);
    assert_eq!(refused.problem().errors[0].code, "test_inactive");
    let projects: Page<Project> = w.app.get("/projects", Some(&w.client_user)).await.json();
    assert_eq!(projects.data.len(), 1, "nothing was created");

    // …while the project that has it keeps it, can be saved with it and still invites.
    let kept: Project = w
        .app
        .patch(
            &format!("/projects/{}", existing.id),
            Some(&w.client_user),
            json!({ "tests": [{ "test_id": verbal.id, "norm_group_id": norm }] }),
        )
        .await
        .expect(200);
    assert_eq!(kept.tests[0].test_id, verbal.id);
    let invited = w.invited(&existing, "still@cand.example").await;
    assert_eq!(invited.invitations[0].credits_charged, 1);
    assert_eq!(w.balance(), 9);

    // Made active again, it is offered again.
    w.app
        .patch(
            &format!("/admin/tests/{}", verbal.id),
            Some(&admin),
            json!({ "active": true }),
        )
        .await
        .assert_status(200);
    let catalogue: Page<TestSummary> = w.app.get("/tests", Some(&w.client_user)).await.json();
    assert!(catalogue.data.iter().any(|t| t.id == verbal.id));
    let events = test_events(&w, &admin).await;
    assert_eq!(events.len(), 2);
    assert!(events
        .iter()
        .any(|e| e.details["before"]["active"] == true && e.details["after"]["active"] == false));
}

async fn refused_edits_change_nothing(backend: Backend) {
    let w = world(backend, 0).await;
    let admin = w.app.admin_token().await;
    let before = admin_tests(&w, &admin).await;
    assert_eq!(before.len(), 4);
    let id = of(&before, "inductive").id.clone();
    let path = format!("/admin/tests/{id}");

    // Every bad field is named.
    let bad = w
        .app
        .patch(
            &path,
            Some(&admin),
            json!({ "name": "  ", "category": "astrology", "credit_cost": 1001, "active": false }),
        )
        .await;
    bad.assert_problem(422, "validation_failed");
    assert_eq!(bad.error_fields(), ["name", "category", "credit_cost"]);
    let negative = w
        .app
        .patch(&path, Some(&admin), json!({ "credit_cost": -1 }))
        .await;
    negative.assert_problem(422, "validation_failed");
    assert_eq!(negative.error_fields(), ["credit_cost"]);

    // Only the vendor may list or edit.
    for token in [&w.reseller, &w.client_user] {
        w.app
            .get("/admin/tests", Some(token))
            .await
            .assert_problem(403, "forbidden");
        w.app
            .patch(&path, Some(token), json!({ "credit_cost": 7 }))
            .await
            .assert_problem(403, "forbidden");
    }
    w.app
        .patch(
            "/admin/tests/01900000-0000-7000-8000-000000000000",
            Some(&admin),
            json!({ "credit_cost": 7 }),
        )
        .await
        .assert_problem(404, "not_found");

    assert_eq!(admin_tests(&w, &admin).await, before);
    assert!(test_events(&w, &admin).await.is_empty());

    // The edges of the range are fine, and a category is normalised.
    let zero: CatalogueTest = w
        .app
        .patch(
            &path,
            Some(&admin),
            json!({ "credit_cost": 0, "category": " Inductive ", "name": "Abstract Reasoning" }),
        )
        .await
        .expect(200);
    assert_eq!(
        (zero.credit_cost, zero.category.as_str(), zero.name.as_str()),
        (0, "inductive", "Abstract Reasoning")
    );
    let top: CatalogueTest = w
        .app
        .patch(&path, Some(&admin), json!({ "credit_cost": 1000 }))
        .await
        .expect(200);
    assert_eq!(top.credit_cost, 1000);
}
