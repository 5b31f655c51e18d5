//! The staff session held in memory: the access token, the Login As token (also in
//! `sessionStorage`), the signed-in marker, and the one shared refresh.

use std::cell::RefCell;
use std::rc::Rc;

use credence_shared::auth::TokenResponse;
use futures::future::{FutureExt, LocalBoxFuture, Shared};
use gloo_net::http::Method;

use super::{check, decode, send_once, ApiResult, Body};

/// What the rest of the app hears about the session held here.
pub enum TokenEvent {
    /// A login or refresh produced a new access token.
    Issued(TokenResponse),
    /// The session is gone (logout, or a refresh the server refused).
    Cleared,
    /// The server refused the Login As token (expired or ended elsewhere).
    ImpersonationRefused,
}

type RefreshFuture = Shared<LocalBoxFuture<'static, ApiResult<TokenResponse>>>;
type Listener = Rc<dyn Fn(TokenEvent)>;

thread_local! {
    static ACCESS_TOKEN: RefCell<Option<String>> = const { RefCell::new(None) };
    // A Login As token: while set, every bearer call acts as the client user. The reseller's
    // own token stays in ACCESS_TOKEN so that "Return to reseller" needs no new sign-in.
    static IMPERSONATION_TOKEN: RefCell<Option<String>> = const { RefCell::new(None) };
    static LISTENER: RefCell<Option<Listener>> = const { RefCell::new(None) };
    // Refresh tokens rotate and a reused one revokes the whole family, so concurrent
    // refreshes must share one request.
    static REFRESH_IN_FLIGHT: RefCell<Option<RefreshFuture>> = const { RefCell::new(None) };
}

/// Registers the one listener told about new and cleared sessions (the session context).
pub fn set_token_listener(f: impl Fn(TokenEvent) + 'static) {
    LISTENER.with(|l| *l.borrow_mut() = Some(Rc::new(f)));
}

pub(super) fn notify(event: TokenEvent) {
    let listener = LISTENER.with(|l| l.borrow().clone());
    if let Some(listener) = listener {
        listener(event);
    }
}

pub(super) fn access_token() -> Option<String> {
    ACCESS_TOKEN.with(|t| t.borrow().clone())
}

/// True while there is an access token of one's own (the reseller's, during Login As).
pub fn has_own_session() -> bool {
    ACCESS_TOKEN.with(|t| t.borrow().is_some())
}

pub(super) fn impersonation_token() -> Option<String> {
    IMPERSONATION_TOKEN.with(|t| t.borrow().clone())
}

pub fn is_impersonating() -> bool {
    IMPERSONATION_TOKEN.with(|t| t.borrow().is_some())
}

/// The Login As session kept in `sessionStorage`, so that a reload within its 30 minutes keeps
/// viewing as the client user. Short-lived and never refreshable, unlike the reseller's session.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StoredImpersonation {
    pub access_token: String,
    /// Milliseconds since the epoch.
    pub expires_at_ms: f64,
    pub client_name: String,
}

const IMPERSONATION_KEY: &str = "credence.impersonation";

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

/// Acts as the client user from now on (until `end_impersonation` or expiry).
pub fn begin_impersonation(stored: &StoredImpersonation) {
    IMPERSONATION_TOKEN.with(|t| *t.borrow_mut() = Some(stored.access_token.clone()));
    if let (Some(storage), Ok(json)) = (session_storage(), serde_json::to_string(stored)) {
        let _ = storage.set_item(IMPERSONATION_KEY, &json);
    }
}

/// Forgets the Login As token (memory and `sessionStorage`).
pub fn clear_impersonation() {
    IMPERSONATION_TOKEN.with(|t| *t.borrow_mut() = None);
    if let Some(storage) = session_storage() {
        let _ = storage.remove_item(IMPERSONATION_KEY);
    }
}

/// After a reload: the stored Login As session, if it has not run out yet (it is then active).
pub fn resume_impersonation() -> Option<StoredImpersonation> {
    let json = session_storage()?.get_item(IMPERSONATION_KEY).ok()??;
    match serde_json::from_str::<StoredImpersonation>(&json) {
        Ok(stored) if stored.expires_at_ms > js_sys::Date::now() + 1000.0 => {
            IMPERSONATION_TOKEN.with(|t| *t.borrow_mut() = Some(stored.access_token.clone()));
            Some(stored)
        }
        _ => {
            clear_impersonation();
            None
        }
    }
}

/// A marker in `localStorage` while this browser may hold a refresh cookie (set with every token
/// issued, removed when the session ends). It is not a secret: the refresh token itself stays in
/// its HttpOnly cookie. Without it a page load does not try to restore a session, so a
/// signed-out visitor's browser makes no refresh call that can only answer 401.
const SIGNED_IN_KEY: &str = "credence.signed_in";

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// True when a session may be restored from the refresh cookie (see `SIGNED_IN_KEY`).
pub fn may_have_session() -> bool {
    local_storage()
        .and_then(|s| s.get_item(SIGNED_IN_KEY).ok().flatten())
        .is_some()
}

pub(super) fn store_tokens(tokens: &TokenResponse) {
    ACCESS_TOKEN.with(|t| *t.borrow_mut() = Some(tokens.access_token.clone()));
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(SIGNED_IN_KEY, "1");
    }
    notify(TokenEvent::Issued(tokens.clone()));
}

/// Forgets the access token and tells the session context.
pub fn clear_session() {
    ACCESS_TOKEN.with(|t| *t.borrow_mut() = None);
    if let Some(storage) = local_storage() {
        let _ = storage.remove_item(SIGNED_IN_KEY);
    }
    notify(TokenEvent::Cleared);
}

/// Trades the refresh cookie for a new access token; one request at a time however many ask.
pub async fn refresh() -> ApiResult<TokenResponse> {
    let fut = REFRESH_IN_FLIGHT.with(|slot| {
        slot.borrow_mut()
            .get_or_insert_with(|| {
                async {
                    let result = async {
                        let resp = send_once(
                            &Method::POST,
                            "/auth/refresh",
                            &Body::Json("{}".into()),
                            None,
                            &[],
                        )
                        .await?;
                        decode::<TokenResponse>(check(resp).await?).await
                    }
                    .await;
                    REFRESH_IN_FLIGHT.with(|slot| *slot.borrow_mut() = None);
                    match &result {
                        Ok(tokens) => store_tokens(tokens),
                        Err(e) if e.status() == 401 || e.status() == 403 => clear_session(),
                        Err(_) => {}
                    }
                    result
                }
                .boxed_local()
                .shared()
            })
            .clone()
    });
    fut.await
}
