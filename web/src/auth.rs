//! The signed-in session as reactive context: who is signed in, restore after reload, timed refresh.

use std::cell::RefCell;

use credence_shared::auth::{Me, User};
use credence_shared::Role;
use gloo_timers::callback::Timeout;
use leptos::prelude::*;

use crate::api::{self, TokenEvent};

/// Refresh this many seconds before the access token runs out.
const REFRESH_MARGIN_SECS: i64 = 30;

#[derive(Clone, Copy)]
pub struct Session {
    /// The signed-in person, `None` when signed out.
    pub user: RwSignal<Option<Me>>,
    /// False until the first silent refresh (restoring a session after reload) has answered.
    pub ready: RwSignal<bool>,
}

thread_local! {
    static REFRESH_TIMER: RefCell<Option<Timeout>> = const { RefCell::new(None) };
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
                wasm_bindgen_futures::spawn_local(async {
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
    };
    api::set_token_listener(move |event| match event {
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
            session.user.set(None);
        }
    });
    provide_context(session);
    wasm_bindgen_futures::spawn_local(async move {
        if api::refresh().await.is_ok() {
            if let Ok(me) = api::me().await {
                session.user.set(Some(me));
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
