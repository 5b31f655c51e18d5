//! Domain fixtures made through the API as a user would: resellers and their staff, clients,
//! client users, API keys and their tokens, Login As, and the balance and ledger read back.

use credence_shared::admin::{Branding, Reseller};
use credence_shared::auth::{ApiKey, ClientCredentialsResponse, User};
use credence_shared::reseller::{Client, ClientUser, ImpersonationResponse, LedgerEntry};
use credence_shared::Page;
use serde_json::json;

use crate::app::TestApp;
use crate::reply::Reply;

/// The password every fixture reseller user sets through their welcome link.
pub const RESELLER_PASSWORD: &str = "a-long-enough-passphrase";
/// The password every fixture client user sets through their welcome link.
pub const CLIENT_USER_PASSWORD: &str = "client-user-passphrase";

impl TestApp {
    /// A reseller created by the admin, on the default skin.
    pub async fn create_reseller(&self, admin: &str, name: &str) -> Reseller {
        let default_brand = self
            .get("/branding", None)
            .await
            .json::<Branding>()
            .brand
            .id;
        let contact_email = format!("{}@partner.example", name.to_lowercase().replace(' ', "-"));
        self.post(
            "/admin/resellers",
            Some(admin),
            json!({ "name": name, "contact_email": contact_email, "discount_percent": 20, "currency": "GBP", "brand_ids": [default_brand] }),
        )
        .await
        .expect(201)
    }

    /// Creates a reseller user through the API and sets their password through the welcome
    /// link (read from the outbox). Returns the user and their access token.
    pub async fn reseller_user(
        &self,
        admin: &str,
        reseller_id: &str,
        email: &str,
    ) -> (User, String) {
        let user: User = self
            .post(
                &format!("/admin/resellers/{reseller_id}/users"),
                Some(admin),
                json!({ "name": "Rita Reseller", "email": email }),
            )
            .await
            .expect(201);
        let access = self.accept_welcome(email, RESELLER_PASSWORD).await;
        (user, access)
    }

    /// Sets a password through the newest welcome link mailed to `email`, then signs in.
    pub async fn accept_welcome(&self, email: &str, password: &str) -> String {
        let token = self.link_token_from_outbox(email, "welcome");
        self.post(
            "/auth/password/set",
            None,
            json!({ "token": token, "password": password }),
        )
        .await
        .assert_status(204);
        self.token(email, password).await
    }

    /// A colleague the vendor adds to a reseller, who has set their password: the user and
    /// their access token.
    pub async fn colleague(
        &self,
        admin: &str,
        reseller_id: &str,
        name: &str,
        email: &str,
    ) -> (User, String) {
        let user: User = self
            .post(
                &format!("/admin/resellers/{reseller_id}/users"),
                Some(admin),
                json!({ "name": name, "email": email }),
            )
            .await
            .expect(201);
        let token = self.accept_welcome(email, RESELLER_PASSWORD).await;
        (user, token)
    }

    /// Login As: `reseller_token`'s user starts viewing as the client user. The Login As token.
    pub async fn login_as(&self, reseller_token: &str, client_user_id: &str) -> String {
        self.post(
            &format!("/client-users/{client_user_id}/impersonate"),
            Some(reseller_token),
            json!({}),
        )
        .await
        .expect::<ImpersonationResponse>(200)
        .access_token
    }

    pub async fn create_client(
        &self,
        reseller_token: &str,
        name: &str,
        initial_credits: i64,
    ) -> Client {
        self.post(
            "/clients",
            Some(reseller_token),
            json!({ "name": name, "contact_name": "Casey Contact", "contact_email": "casey@client.example", "initial_credits": initial_credits }),
        )
        .await
        .expect(201)
    }

    /// A client user created by `creator_token`'s owner who has set their password.
    pub async fn client_user(
        &self,
        creator_token: &str,
        client_id: Option<&str>,
        email: &str,
    ) -> (ClientUser, String) {
        // A client user's own client is implied (`client_id` null).
        let body = json!({ "client_id": client_id, "name": "Cleo Client", "email": email, "job_title": "Talent lead" });
        let user: ClientUser = self
            .post("/client-users", Some(creator_token), body)
            .await
            .expect(201);
        let access = self.accept_welcome(email, CLIENT_USER_PASSWORD).await;
        (user, access)
    }

    pub async fn client(&self, token: &str, client_id: &str) -> Client {
        self.get(&format!("/clients/{client_id}"), Some(token))
            .await
            .json()
    }

    pub async fn balance(&self, token: &str, client_id: &str) -> i64 {
        self.client(token, client_id).await.credit_balance
    }

    /// The client's ledger, newest first (up to 200 entries).
    pub async fn ledger(&self, token: &str, client_id: &str) -> Vec<LedgerEntry> {
        self.get(
            &format!("/clients/{client_id}/ledger?limit=200"),
            Some(token),
        )
        .await
        .json::<Page<LedgerEntry>>()
        .data
    }

    /// Creates an API key as `token`'s user with these scopes (`None`: the default), asserting
    /// 201; the answer carries the secret.
    pub async fn api_key(&self, token: &str, name: &str, scopes: Option<&[&str]>) -> ApiKey {
        let mut body = json!({ "name": name });
        if let Some(scopes) = scopes {
            body["scopes"] = json!(scopes);
        }
        self.post("/api-keys", Some(token), body).await.expect(201)
    }

    /// `POST /auth/token` with these client credentials.
    pub async fn exchange(&self, client_id: &str, secret: &str) -> Reply {
        self.post(
            "/auth/token",
            None,
            json!({ "grant_type": "client_credentials", "client_id": client_id, "client_secret": secret }),
        )
        .await
    }

    /// Exchanges a key as created (with its secret) for an access token, asserting success.
    pub async fn key_token(&self, key: &ApiKey) -> String {
        self.exchange(&key.client_id, key.client_secret.as_deref().unwrap())
            .await
            .expect::<ClientCredentialsResponse>(200)
            .access_token
    }

    /// The live API keys `token`'s user sees.
    pub async fn api_keys(&self, token: &str) -> Vec<ApiKey> {
        self.get("/api-keys", Some(token))
            .await
            .json::<Page<ApiKey>>()
            .data
    }

    /// The sum of the client's ledger deltas.
    pub async fn ledger_sum(&self, token: &str, client_id: &str) -> i64 {
        self.ledger(token, client_id)
            .await
            .iter()
            .map(|e| e.delta)
            .sum()
    }
}

/// A reseller with one signed-in user (`staff@<name>.example`): the reseller and its token.
pub async fn reseller_with_user(app: &TestApp, admin: &str, name: &str) -> (Reseller, String) {
    let reseller = app.create_reseller(admin, name).await;
    let slug = name.to_lowercase().replace(' ', "-");
    let (_, token) = app
        .reseller_user(admin, &reseller.id, &format!("staff@{slug}.example"))
        .await;
    (reseller, token)
}
