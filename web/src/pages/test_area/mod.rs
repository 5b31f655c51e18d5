//! The candidates' test area (`/test…`): a one-time invitation link (or self-registration with a
//! project's access key) opens a candidate session; the candidate then takes the project's tests
//! in the client's branded frame.
//!
//! The candidate's access token is kept in `localStorage` (`credence_candidate`, with its expiry),
//! unlike the staff session: it only reaches this candidate's own assessments, and it lets a
//! reload or a crashed browser resume a timed test whose clock keeps running on the server.
//!
//! Screens: `home` (entry, test list, completion), `register`, `instructions`, `runner` (start or
//! resume, autosave, submit) with its `timed` (aptitude) and `likert` (personality) views.

pub mod home;
pub mod instructions;
pub mod likert;
pub mod nav;
pub mod register;
pub mod runner;
pub mod timed;

pub use home::TestHome;
pub use instructions::TestInstructions;
pub use register::TestRegister;
pub use runner::TestRunner;

pub use crate::api::candidate::{
    create_session, fetch_me, is_transient, register, save_answers, start, submit, Support,
};

use credence_shared::admin::Branding;
use credence_shared::assess::{CandidateMe, CandidateSessionCreate};
use leptos::prelude::*;

use crate::api::candidate::{clear_stored, read_stored, write_stored};
use crate::api::ApiError;
use crate::branding::use_brand;
use crate::components::states::Loading;

// ---------------------------------------------------------------- the area's shared state

/// Why the whole test area shows a full-page explanation instead of a screen.
#[derive(Debug, Clone, PartialEq)]
pub enum Trouble {
    /// `/test` with neither a link's token nor a stored session.
    NoLink,
    /// The invitation link was used already, or is not valid (401 `invalid_invitation`).
    LinkUsed { can_continue: bool },
    /// The candidate session ran out or was ended (401 on a candidate call).
    SessionEnded,
    /// 403 `assessment_unavailable`.
    Unavailable,
    /// The server could not be reached (or failed); `retry` reloads the area.
    Network(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum AreaState {
    Idle,
    Loading,
    Ready,
    Trouble(Trouble),
}

/// Shared by the test area's screens: the candidate, branding and assessments.
#[derive(Clone, Copy)]
pub struct Area {
    pub me: RwSignal<Option<CandidateMe>>,
    pub state: RwSignal<AreaState>,
    /// A one-line message for the home screen (e.g. after a submit).
    pub notice: RwSignal<Option<String>>,
    /// The link token already exchanged (a token works once).
    used_token: StoredValue<Option<String>>,
    /// A link token whose exchange never reached the server: "Try again" sends it again.
    retry_token: StoredValue<Option<String>>,
    /// When the candidate was last fetched (ms since the epoch), to skip needless refreshes.
    loaded_at: StoredValue<f64>,
    /// The app's skin context (taken while rendering: tasks run outside the reactive owner).
    brand: Option<crate::branding::Brand>,
}

pub fn use_area() -> Area {
    expect_context::<Area>()
}

impl Area {
    fn new() -> Self {
        Area {
            me: RwSignal::new(None),
            state: RwSignal::new(AreaState::Idle),
            notice: RwSignal::new(None),
            used_token: StoredValue::new(None),
            retry_token: StoredValue::new(None),
            loaded_at: StoredValue::new(0.0),
            brand: use_context::<crate::branding::Brand>(),
        }
    }

    /// The project's support contact: from the loaded candidate, else from the stored session.
    pub fn support(&self) -> Support {
        self.me
            .with_untracked(|m| {
                m.as_ref().map(|m| Support {
                    name: m.project.support_name.clone(),
                    email: m.project.support_email.clone(),
                })
            })
            .or_else(|| read_stored().and_then(|s| s.support))
            .unwrap_or_default()
    }

    /// Shows the full-page explanation that fits a failed candidate call.
    pub fn fail(&self, err: &ApiError) {
        let trouble = match (err.status(), err.problem.code.as_str()) {
            (401, "invalid_invitation") => Trouble::LinkUsed {
                can_continue: read_stored().is_some(),
            },
            (401, _) => {
                clear_stored();
                Trouble::SessionEnded
            }
            (403, _) => Trouble::Unavailable,
            _ => Trouble::Network(err.message()),
        };
        self.state.set(AreaState::Trouble(trouble));
    }

    /// Trades the invitation link's one-time token for a session, then loads the candidate.
    pub fn enter_with_token(self, token: String) {
        if self.used_token.get_value().as_deref() == Some(token.as_str()) {
            return;
        }
        self.used_token.set_value(Some(token.clone()));
        self.state.set(AreaState::Loading);
        leptos::task::spawn_local(async move {
            let body = CandidateSessionCreate {
                invitation_token: Some(token),
                ..Default::default()
            };
            let result = create_session(&body).await;
            match result {
                Err(err) if is_transient(&err) => {
                    // Never reached the server: the token is still good for "Try again".
                    self.used_token.set_value(None);
                    self.retry_token.set_value(body.invitation_token);
                    self.fail(&err);
                }
                result => {
                    // The token is spent (or useless) now: keep it out of the address bar.
                    replace_url("/test");
                    match result {
                        Ok(_) => self.load_me(true).await,
                        Err(err) => self.fail(&err),
                    }
                }
            }
        });
    }

    /// Loads the candidate when needed (from the stored session), or explains why it cannot.
    pub fn ensure(self) {
        if self.me.with_untracked(Option::is_some) {
            self.state.set(AreaState::Ready);
            return;
        }
        if self.state.get_untracked() == AreaState::Loading {
            return;
        }
        if read_stored().is_none() {
            self.state.set(AreaState::Trouble(Trouble::NoLink));
            return;
        }
        self.state.set(AreaState::Loading);
        leptos::task::spawn_local(async move { self.load_me(true).await });
    }

    /// Fetches the candidate again (statuses change as tests are submitted), quietly.
    pub fn refresh(self) {
        if js_sys::Date::now() - self.loaded_at.get_value() < 1_500.0 {
            return; // just fetched
        }
        leptos::task::spawn_local(async move { self.load_me(false).await });
    }

    /// Fetches the candidate again now and waits for it (after a submit, before going home).
    pub async fn reload(self) {
        self.load_me(false).await;
    }

    /// Tries again after a network failure.
    pub fn retry(self) {
        self.state.set(AreaState::Idle);
        self.me.set(None);
        match self.retry_token.try_update_value(Option::take).flatten() {
            Some(token) => self.enter_with_token(token),
            None => self.ensure(),
        }
    }

    async fn load_me(self, show_loading: bool) {
        if show_loading {
            self.state.set(AreaState::Loading);
        }
        match fetch_me().await {
            Ok(me) => {
                if let Some(mut stored) = read_stored() {
                    stored.support = Some(Support {
                        name: me.project.support_name.clone(),
                        email: me.project.support_email.clone(),
                    });
                    write_stored(&stored);
                }
                if let Some(brand) = self.brand {
                    apply_candidate_branding(brand, &me);
                }
                self.loaded_at.set_value(js_sys::Date::now());
                self.me.set(Some(me));
                self.state.set(AreaState::Ready);
            }
            // A quiet refresh keeps the page on a passing network failure.
            Err(err) if !show_loading && is_transient(&err) => {}
            Err(err) => self.fail(&err),
        }
    }
}

/// The client's skin (colours, product name) on `:root`, through the app's branding context so
/// the host's skin arriving later does not replace it.
fn apply_candidate_branding(brand: crate::branding::Brand, me: &CandidateMe) {
    brand.apply(Branding {
        brand: me.branding.brand.clone(),
        reseller_name: None,
        client_name: Some(me.branding.client_name.clone()),
        client_logo_url: me.branding.client_logo_url.clone(),
    });
}

/// `history.replaceState` without telling the router (the token must not stay in the URL).
fn replace_url(url: &str) {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(url));
    }
}

// ---------------------------------------------------------------- display helpers

/// "Questions? Contact {name} at {email}" with a mailto link, when the project names one.
#[component]
pub fn SupportContact(support: Support) -> impl IntoView {
    let Support { name, email } = support;
    email.map(|email| {
        let href = format!("mailto:{email}");
        let who = name
            .filter(|n| !n.trim().is_empty())
            .map(|n| format!("{n} at "))
            .unwrap_or_default();
        view! {
            <p class="ta-support" data-testid="support-contact">
                "Questions? Contact " {who} <a href=href>{email.clone()}</a>
            </p>
        }
    })
}

/// Who to contact, as a phrase for the error pages.
fn support_phrase(support: &Support) -> Option<(String, String)> {
    let email = support.email.clone()?;
    let name = support
        .name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| "the support contact".into());
    Some((name, email))
}

// ---------------------------------------------------------------- the frame

/// The test area's frame (`/test`): loads the candidate, brands the page, shows a screen or a
/// full-page explanation.
#[component]
pub fn TestArea() -> impl IntoView {
    let area = Area::new();
    provide_context(area);
    let brand = use_brand();
    let nav = nav::use_nav();

    let path = nav::current_path();
    if !path.trim_end_matches('/').ends_with("/register") {
        match nav::query_param("token").filter(|t| !t.trim().is_empty()) {
            Some(token) => area.enter_with_token(token),
            None => area.ensure(),
        }
    }

    #[derive(Clone, PartialEq)]
    enum Face {
        Screen,
        Loading,
        Trouble(Trouble),
    }
    let face = Memo::new(move |_| match area.state.get() {
        AreaState::Trouble(t) => Face::Trouble(t),
        AreaState::Loading if area.me.with(Option::is_none) => Face::Loading,
        _ => Face::Screen,
    });

    // The screen of the address (rendered again only when the screen changes).
    let screen = Memo::new(move |_| nav.screen());
    let screen = move || match screen.get() {
        nav::Screen::Home => view! { <TestHome /> }.into_any(),
        nav::Screen::Register => view! { <TestRegister /> }.into_any(),
        nav::Screen::Instructions(id) => view! { <TestInstructions id=id /> }.into_any(),
        nav::Screen::Run(id) => view! { <TestRunner id=id /> }.into_any(),
        nav::Screen::Unknown => view! {
            <div class="ta-card ta-state" data-testid="not-found">
                <h1>"Page not found"</h1>
                <p><nav::Link href="/test">"Back to your tests"</nav::Link></p>
            </div>
        }
        .into_any(),
    };

    let header = move || {
        match area.me.get() {
        Some(me) => {
            let logo = me.branding.client_logo_url.clone().map(|src| {
                view! { <img class="ta-client-logo" src=src alt=format!("{} logo", me.branding.client_name) data-testid="client-logo" /> }
            });
            view! {
                <div class="ta-header-client">
                    {logo}
                    <span class="ta-client-name" data-testid="client-name">{me.branding.client_name.clone()}</span>
                </div>
                <span class="ta-product" data-testid="product-name">{me.branding.brand.product_name.clone()}</span>
            }
            .into_any()
        }
        None => view! {
            <div class="ta-header-client">
                {move || brand.logo_url().map(|src| view! { <img class="ta-client-logo" src=src alt="" /> })}
            </div>
            <span class="ta-product" data-testid="product-name">{move || brand.product_name()}</span>
        }
        .into_any(),
    }
    };

    view! {
        <div class="ta">
            <a class="skip-link" href="#main">"Skip to content"</a>
            <header class="ta-header">{header}</header>
            <main class="ta-main" id="main" tabindex="-1">
                {move || match face.get() {
                    Face::Screen => screen(),
                    Face::Loading => view! { <Loading label="Loading your assessment…" /> }.into_any(),
                    Face::Trouble(t) => view! { <TroublePage trouble=t /> }.into_any(),
                }}
            </main>
        </div>
    }
}

/// The friendly full-page states.
#[component]
fn TroublePage(trouble: Trouble) -> impl IntoView {
    let area = use_area();
    let support = area.support();
    let contact = support_phrase(&support);
    let has_contact = contact.is_some();
    let contact_line = move |before: &'static str| {
        contact.clone().map(|(name, email)| {
            let href = format!("mailto:{email}");
            view! {
                <p>{before} {format!("contact {name} at ")} <a href=href>{email.clone()}</a> "."</p>
            }
        })
    };
    match trouble {
        Trouble::NoLink => view! {
            <section class="ta-card ta-state" data-testid="problem-no-link">
                <h1>"Open your invitation link"</h1>
                <p>"To take your assessment, open the link in the invitation email you received. The link is personal and signs you in."</p>
                <p class="muted">"If you were given an access key instead, use the registration link you were given."</p>
            </section>
        }
        .into_any(),
        Trouble::LinkUsed { can_continue } => view! {
            <section class="ta-card ta-state" data-testid="problem-link-used">
                <h1>"This link has already been used"</h1>
                <p>"This link has already been used or is no longer valid. Invitation links work once, for your security."</p>
                {if can_continue {
                    view! {
                        <p>"If you opened it earlier in this browser, you can carry on where you left off."</p>
                        <p><button type="button" class="btn btn-primary" data-testid="continue-session" on:click=move |_| area.retry()>
                                    "Continue my assessment"
                                </button></p>
                    }
                    .into_any()
                } else {
                    view! { <p>"If you have not finished your assessment, ask for a new link."</p> }.into_any()
                }}
                {contact_line("For a new link,")}
            </section>
        }
        .into_any(),
        Trouble::SessionEnded => view! {
            <section class="ta-card ta-state" data-testid="problem-session-ended">
                <h1>"Your session has ended"</h1>
                <p>"For your security, your session in the test area has ended. Answers that were saved are kept."</p>
                <p>"To continue, ask for a new invitation link."</p>
                {contact_line("For a new link,")}
            </section>
        }
        .into_any(),
        Trouble::Unavailable => {
            let generic = (!has_contact).then(|| {
                view! { <p>"If you think this is a mistake, contact the person who invited you."</p> }
            });
            view! {
                <section class="ta-card ta-state" data-testid="problem-unavailable">
                    <h1>"This assessment is no longer available"</h1>
                    <p>"The assessment may have closed or expired, or the invitation was withdrawn."</p>
                    {contact_line("If you think this is a mistake,")}
                    {generic}
                </section>
            }
            .into_any()
        }
        Trouble::Network(message) => view! {
            <section class="ta-card ta-state" role="alert" data-testid="problem-network">
                <h1>"We could not reach the server"</h1>
                <p>{message}</p>
                <p class="muted">"Check your internet connection and try again. Answers that reached us are kept."</p>
                <p>
                    <button type="button" class="btn btn-primary" data-testid="retry" on:click=move |_| area.retry()>
                        "Try again"
                    </button>
                </p>
            </section>
        }
        .into_any(),
    }
}
