//! Signing in and out, the public branding, passwords, and the signed-in user.

use credence_shared::admin::Branding;
use credence_shared::auth::{
    AccountChoice, AccountChoiceProblem, LoginRequest, Me, PasswordForgotRequest,
    PasswordSetRequest, TokenResponse,
};
use credence_shared::reseller::PasswordChangeRequest;
use gloo_net::http::Method;

use super::session::{clear_impersonation, clear_session, impersonation_token, store_tokens};
use super::{check, decode, get, problem_from, send, send_once, ApiError, ApiResult, Body};

/// The host's skin. A plain call (no bearer, no refresh), so the test area's bundle does not
/// carry the staff session's code.
pub async fn branding() -> ApiResult<Branding> {
    decode(check(send_once(&Method::GET, "/branding", &Body::Empty, None, &[]).await?).await?).await
}

/// What a sign-in ends in: a session, or — when the email has several accounts this password
/// opens — the accounts to choose from (sign in again with one as `account`).
pub enum SignIn {
    Done(TokenResponse),
    Choose(Vec<AccountChoice>),
}

pub async fn login(req: &LoginRequest) -> ApiResult<SignIn> {
    let resp = send_once(&Method::POST, "/auth/login", &Body::json(req)?, None, &[]).await?;
    if resp.status() == 409 {
        let text = resp.text().await.unwrap_or_default();
        return match serde_json::from_str::<AccountChoiceProblem>(&text) {
            Ok(choice) => Ok(SignIn::Choose(choice.accounts)),
            Err(_) => Err(ApiError::synthetic(
                409,
                "unexpected_response",
                "The server sent an answer this page does not understand",
            )),
        };
    }
    let tokens: TokenResponse = decode(check(resp).await?).await?;
    store_tokens(&tokens);
    Ok(SignIn::Done(tokens))
}

pub async fn logout() -> ApiResult<()> {
    let result = send(Method::POST, "/auth/logout", Body::Empty, true)
        .await
        .map(|_| ());
    clear_session();
    result
}

pub async fn me() -> ApiResult<Me> {
    get("/me").await
}

/// Ends the Login As session on the server (with its own token) and forgets it here, whatever
/// the answer: an expired token has ended anyway.
pub async fn end_impersonation() -> ApiResult<()> {
    let Some(token) = impersonation_token() else {
        return Ok(());
    };
    let resp = send_once(
        &Method::POST,
        "/auth/impersonation/end",
        &Body::Empty,
        Some(&token),
        &[],
    )
    .await;
    clear_impersonation();
    match resp {
        Ok(r) if r.ok() || r.status() == 401 => Ok(()),
        Ok(r) => Err(problem_from(r).await),
        Err(e) => Err(e),
    }
}

pub async fn password_set(req: &PasswordSetRequest) -> ApiResult<()> {
    send(Method::POST, "/auth/password/set", Body::json(req)?, false)
        .await
        .map(|_| ())
}

pub async fn password_forgot(req: &PasswordForgotRequest) -> ApiResult<()> {
    send(
        Method::POST,
        "/auth/password/forgot",
        Body::json(req)?,
        false,
    )
    .await
    .map(|_| ())
}

/// A client user's skin, client name and client logo.
pub async fn me_branding() -> ApiResult<Branding> {
    get("/me/branding").await
}

pub async fn change_password(body: &PasswordChangeRequest) -> ApiResult<()> {
    send(Method::POST, "/me/password", Body::json(body)?, true)
        .await
        .map(|_| ())
}
