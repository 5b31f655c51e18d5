//! The assessment areas' shared world: a reseller, a client with credits and one of its users,
//! and helpers to build projects, invite candidates, sign them in and read the answer keys.

use credence_api::db::schema::{outbox, question_options, questions};
use credence_shared::assess::{Candidate, CandidateMe, CandidateSession, Project, TestSummary};
use credence_shared::privacy::PrivacyNotice;
use credence_shared::reseller::Client;
use credence_shared::Page;
use diesel::prelude::*;
use serde_json::{json, Value};

use crate::app::{spawn_app_with, Backend, Options, TestApp};
use crate::fixtures::reseller_with_user;
use crate::reply::Reply;

pub struct World {
    pub app: TestApp,
    pub reseller: String,
    pub client_user: String,
    pub client: Client,
}

pub async fn world(backend: Backend, credits: i64) -> World {
    world_with(backend, credits, Options::default()).await
}

pub async fn world_with(backend: Backend, credits: i64, options: Options) -> World {
    let app = spawn_app_with(backend, options).await;
    let admin = app.admin_token().await;
    let (_, reseller) = reseller_with_user(&app, &admin, "Assessing Partners").await;
    let client = app.create_client(&reseller, "Hiring Co", credits).await;
    let (_, client_user) = app
        .client_user(&reseller, Some(&client.id), "hr@hiring.example")
        .await;
    World {
        app,
        reseller,
        client_user,
        client,
    }
}

/// The candidate confirms their invitation's privacy notice.
pub async fn consent(app: &TestApp, token: &str) -> PrivacyNotice {
    app.post("/candidate/consent", Some(token), json!({}))
        .await
        .expect(200)
}

/// (test id, its first norm group's id) of the catalogue's test of this category.
pub fn test_id(catalogue: &Page<TestSummary>, category: &str) -> (String, String) {
    let t = catalogue
        .data
        .iter()
        .find(|t| t.category == category)
        .unwrap();
    (t.id.clone(), t.norm_groups[0].id.clone())
}

impl World {
    pub async fn catalogue(&self) -> Page<TestSummary> {
        self.app.get("/tests", Some(&self.client_user)).await.json()
    }

    pub async fn project(&self, categories: &[&str], extra: Value) -> Project {
        let catalogue = self.catalogue().await;
        let tests: Vec<Value> = categories
            .iter()
            .map(|c| {
                let (t, n) = test_id(&catalogue, c);
                json!({ "test_id": t, "norm_group_id": n })
            })
            .collect();
        let mut input = json!({ "name": "Graduate intake", "description": "Our 2027 graduate programme.", "tests": tests, "support_name": "Pat Support", "support_email": "support@hiring.example", "report_email": "hr@hiring.example" });
        for (k, v) in extra.as_object().unwrap() {
            input[k] = v.clone();
        }
        self.app
            .post("/projects", Some(&self.client_user), input)
            .await
            .expect(201)
    }

    pub async fn invite(&self, project: &Project, email: &str) -> Reply {
        self.app.post("/candidates", Some(&self.client_user), json!({ "project_id": project.id, "first_name": "Casey", "last_name": "Candidate", "email": email })).await
    }

    /// Invites a candidate, asserting success.
    pub async fn invited(&self, project: &Project, email: &str) -> Candidate {
        self.invite(project, email).await.expect(201)
    }

    /// The candidate's view of their invitation.
    pub async fn candidate_me(&self, token: &str) -> CandidateMe {
        self.app.get("/candidate/me", Some(token)).await.json()
    }

    /// The magic-link token mailed to `email`.
    pub fn magic_token(&self, email: &str) -> String {
        self.magic_token_in(email, "invitation")
    }

    /// The magic-link token in the newest mail of `kind` (invitation, reminder) to `email`.
    pub fn magic_token_in(&self, email: &str, kind: &str) -> String {
        let mut conn = self.app.conn();
        let text: String = outbox::table
            .filter(outbox::to_address.eq(email))
            .filter(outbox::kind.eq(kind))
            .order(outbox::id.desc())
            .select(outbox::text_body)
            .first(&mut *conn)
            .unwrap();
        let text = crate::outbox::open(&mut conn, &text);
        let start = text.find("/test?token=").unwrap() + "/test?token=".len();
        text[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect()
    }

    pub async fn candidate_token(&self, email: &str) -> String {
        self.candidate_token_from(email, "invitation").await
    }

    /// Signs the candidate in with the link in the newest mail of `kind` to them, and confirms
    /// the privacy notice (as the test area asks before the first test).
    pub async fn candidate_token_from(&self, email: &str, kind: &str) -> String {
        let token = self.candidate_token_without_consent(email, kind).await;
        consent(&self.app, &token).await;
        token
    }

    /// Signs the candidate in without confirming the privacy notice.
    pub async fn candidate_token_without_consent(&self, email: &str, kind: &str) -> String {
        self.app
            .post(
                "/candidate/sessions",
                None,
                json!({ "invitation_token": self.magic_token_in(email, kind) }),
            )
            .await
            .expect::<CandidateSession>(200)
            .access_token
    }

    pub fn balance(&self) -> i64 {
        use credence_api::db::schema::clients;
        let mut conn = self.app.conn();
        clients::table
            .find(&self.client.id)
            .select(clients::credit_balance)
            .first(&mut *conn)
            .unwrap()
    }
}

/// (question id, correct option id, a wrong option id) for each question of a test, in order.
pub fn keys(app: &TestApp, test_id: &str) -> Vec<(String, Option<String>, String)> {
    let mut conn = app.conn();
    let qs: Vec<(String, Option<String>)> = questions::table
        .filter(questions::test_id.eq(test_id))
        .order(questions::position.asc())
        .select((questions::id, questions::correct_option_id))
        .load(&mut *conn)
        .unwrap();
    qs.into_iter()
        .map(|(q, correct)| {
            let wrong: String = question_options::table
                .filter(question_options::question_id.eq(&q))
                .filter(question_options::id.ne(correct.clone().unwrap_or_default()))
                .order(question_options::position.asc())
                .select(question_options::id)
                .first(&mut *conn)
                .unwrap();
            (q, correct, wrong)
        })
        .collect()
}
