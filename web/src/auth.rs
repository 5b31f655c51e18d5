//! The signed-in session as reactive context: who is signed in, restore after reload, timed
//! refresh, and Login As (a reseller viewing the client portal as one of its client users).

use std::cell::RefCell;

use credence_shared::auth::{Me, User};
use credence_shared::reseller::ImpersonationResponse;
use credence_shared::Role;
use gloo_timers::callback::Timeout;
use leptos::prelude::*;

use crate::api::{self, StoredImpersonation, TokenEvent};
use crate::components::toast::{use_toasts, Toasts};

/// Refresh this many seconds before the access token runs out.
const REFRESH_MARGIN_SECS: i64 = 30;
/// End a Login As session this long before its token runs out, so the end call still counts.
const IMPERSONATION_END_MARGIN_MS: f64 = 5_000.0;
/// Where "Return to reseller" lands.
pub const AFTER_IMPERSONATION: &str = "/reseller/client-users";

/// The Login As session being shown, for the banner.
#[derive(Clone, Debug, PartialEq)]
pub struct Impersonation {
    pub client_name: String,
    pub expires_at_ms: f64,
}

#[derive(Clone, Copy)]
pub struct Session {
    /// The person the app acts as (the client user during Login As), `None` when signed out.
    pub user: RwSignal<Option<Me>>,
    /// False until the first silent refresh (restoring a session after reload) has answered.
    pub ready: RwSignal<bool>,
    /// Set during Login As.
    pub impersonation: RwSignal<Option<Impersonation>>,
    /// The reseller user behind a Login As session, restored when it ends.
    own: RwSignal<Option<Me>>,
    /// Where a portal guard sends the user after the role changed (Login As start and end).
    landing: RwSignal<Option<String>>,
    toasts: Toasts,
}

thread_local! {
    static REFRESH_TIMER: RefCell<Option<Timeout>> = const { RefCell::new(None) };
    static IMPERSONATION_TIMER: RefCell<Option<Timeout>> = const { RefCell::new(None) };
}

impl Session {
    /// The path a portal guard should send this user to, consumed once.
    pub fn take_landing(&self) -> Option<String> {
        let mut target = None;
        self.landing.update_untracked(|l| target = l.take());
        target
    }

    pub fn is_impersonating(&self) -> bool {
        self.impersonation.with(|i| i.is_some())
    }

    /// Switches the app to the client portal as the user of a Login As answer.
    pub fn start_impersonation(&self, resp: ImpersonationResponse, client_name: String) {
        let expires_in_ms = (resp.expires_in.clamp(1, 1800) as f64) * 1000.0;
        let stored = StoredImpersonation {
            access_token: resp.access_token,
            expires_at_ms: js_sys::Date::now() + expires_in_ms,
            client_name: client_name.clone(),
        };
        api::begin_impersonation(&stored);
        let mut me = me_from_user(resp.user);
        me.impersonator = Some(resp.impersonator);
        self.enter(&stored);
        // The landing first, so the reseller portal's guard sends the client user to /client.
        self.landing.set(Some("/client".into()));
        self.user.set(Some(me));
    }

    /// Remembers the reseller user to return to and arms the expiry timer.
    fn enter(&self, stored: &StoredImpersonation) {
        if self.own.with_untracked(|o| o.is_none()) {
            self.own.set(self.user.get_untracked());
        }
        self.impersonation.set(Some(Impersonation {
            client_name: stored.client_name.clone(),
            expires_at_ms: stored.expires_at_ms,
        }));
        schedule_impersonation_end(*self, stored.expires_at_ms);
    }

    /// Ends Login As (on the server too) and restores the reseller's own session without a
    /// new sign-in: the token still in memory, else a silent refresh from the cookie.
    pub async fn end_impersonation(self, notice: Option<&'static str>) {
        if self.impersonation.get_untracked().is_none() && !api::is_impersonating() {
            return;
        }
        cancel_impersonation_end();
        if let Err(e) = api::end_impersonation().await {
            // The token is forgotten here either way; it runs out on its own.
            self.toasts.error(e.message());
        }
        self.impersonation.set(None);
        let own = self.own.get_untracked();
        self.own.set(None);
        self.landing.set(Some(AFTER_IMPERSONATION.into()));
        match own {
            Some(me) if api::has_own_session() => self.user.set(Some(me)),
            _ => match api::refresh().await {
                Ok(_) => {
                    if let Ok(me) = api::me().await {
                        self.user.set(Some(me));
                    }
                }
                Err(_) => {
                    self.landing.set(None);
                    self.user.set(None);
                }
            },
        }
        if let Some(notice) = notice {
            self.toasts.success(notice);
        }
    }
}

fn schedule_impersonation_end(session: Session, expires_at_ms: f64) {
    let wait = (expires_at_ms - js_sys::Date::now() - IMPERSONATION_END_MARGIN_MS).max(0.0);
    let millis = wait.min(f64::from(u32::MAX)) as u32;
    let timer = Timeout::new(millis, move || {
        leptos::task::spawn_local(session.end_impersonation(Some(
            "Your Login As session has ended (it lasts at most 30 minutes).",
        )));
    });
    IMPERSONATION_TIMER.with(|t| *t.borrow_mut() = Some(timer));
}

fn cancel_impersonation_end() {
    IMPERSONATION_TIMER.with(|t| *t.borrow_mut() = None);
}

fn me_from_user(user: User) -> Me {
    Me {
        id: user.id,
        email: user.email,
        name: user.name,
        role: user.role,
        reseller_id: user.reseller_id,
        client_id: user.client_id,
        impersonator: None,
        api_key_scopes: None,
    }
}

fn schedule_refresh(expires_in: i64, refreshable: bool) {
    REFRESH_TIMER.with(|t| {
        // Dropping a gloo Timeout cancels it.
        let mut slot = t.borrow_mut();
        *slot = None;
        if refreshable {
            let secs = (expires_in - REFRESH_MARGIN_SECS).max(5);
            let millis = u32::try_from(secs.saturating_mul(1000)).unwrap_or(u32::MAX);
            *slot = Some(Timeout::new(millis, || {
                leptos::task::spawn_local(async {
                    let _ = api::refresh().await;
                });
            }));
        }
    });
}

fn cancel_refresh() {
    REFRESH_TIMER.with(|t| *t.borrow_mut() = None);
}

/// Creates the session context, wires it to the API client and restores a session from the
/// refresh cookie, if the browser has one.
pub fn provide_session() -> Session {
    let session = Session {
        user: RwSignal::new(None),
        ready: RwSignal::new(false),
        impersonation: RwSignal::new(None),
        own: RwSignal::new(None),
        landing: RwSignal::new(None),
        toasts: use_toasts(),
    };
    api::set_token_listener(move |event| match event {
        TokenEvent::Issued(tokens) if api::is_impersonating() => {
            // The reseller's own session, refreshed in the background during Login As.
            schedule_refresh(tokens.expires_in, tokens.refresh_token.is_some());
            session.own.set(Some(me_from_user(tokens.user)));
        }
        TokenEvent::Issued(tokens) => {
            schedule_refresh(tokens.expires_in, tokens.refresh_token.is_some());
            let me = me_from_user(tokens.user);
            // Keep the impersonator the /me call may have filled in for the same person.
            let keep = session
                .user
                .with_untracked(|u| u.as_ref().filter(|u| u.id == me.id).cloned());
            session.user.set(Some(match keep {
                Some(old) => Me {
                    impersonator: old.impersonator,
                    ..me
                },
                None => me,
            }));
        }
        TokenEvent::Cleared => {
            cancel_refresh();
            if api::is_impersonating() {
                // Keep viewing as the client user; returning will need a new sign-in.
                session.own.set(None);
            } else {
                session.user.set(None);
            }
        }
        TokenEvent::ImpersonationRefused => {
            if session.impersonation.get_untracked().is_some() {
                leptos::task::spawn_local(
                    session.end_impersonation(Some("Your Login As session has ended.")),
                );
            } else {
                api::clear_impersonation();
            }
        }
    });
    provide_context(session);
    leptos::task::spawn_local(async move {
        // Only when a refresh cookie may exist: a signed-out visit makes no call that answers 401.
        if api::may_have_session() && api::refresh().await.is_ok() {
            if let Ok(me) = api::me().await {
                session.user.set(Some(me));
            }
        }
        // A reload during Login As keeps viewing as the client user until the token runs out.
        if let Some(stored) = api::resume_impersonation() {
            match api::me().await {
                Ok(me) if me.impersonator.is_some() => {
                    session.enter(&stored);
                    session.user.set(Some(me));
                }
                _ => api::clear_impersonation(),
            }
        }
        session.ready.set(true);
    });
    session
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}

/// The portal a role lands in after signing in.
pub fn home_for(role: Role) -> &'static str {
    match role {
        Role::PlatformAdmin => "/admin",
        Role::Reseller => "/reseller",
        Role::ClientUser => "/client",
        Role::Candidate => "/login",
    }
}
