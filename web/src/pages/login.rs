//! `/login`: the branded sign-in page; sends each role to its own portal. When the email has
//! several accounts this password opens (a reseller user who is also a client user), it asks
//! which one to open and signs in again with that account.

use credence_shared::auth::{AccountChoice, LoginRequest};
use credence_shared::Role;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::{self, ApiError, SignIn};
use crate::auth::{home_for, use_session};
use crate::components::form::{FieldErrors, SubmitButton, TextField};
use crate::pages::public_shell::PublicShell;

fn login_failure_text(err: &ApiError) -> String {
    match err.status() {
        401 => "Email or password is incorrect".into(),
        429 => match err.retry_after {
            Some(secs) => format!("Too many attempts, try again in {secs} seconds"),
            None => "Too many attempts, try again in a moment".into(),
        },
        _ => err.message(),
    }
}

#[component]
pub fn Login() -> impl IntoView {
    let session = use_session();
    let go = crate::app::use_go();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let errors: FieldErrors = RwSignal::new(Vec::new());
    let failure = RwSignal::new(None::<String>);
    // The accounts to choose from, once the API has asked which one to open.
    let choices = RwSignal::new(Vec::<AccountChoice>::new());

    let submit = Action::new_local(move |req: &LoginRequest| {
        let req = req.clone();
        let go = go.clone();
        async move {
            match api::login(&req).await {
                Ok(SignIn::Choose(accounts)) => {
                    failure.set(None);
                    choices.set(accounts);
                }
                Ok(SignIn::Done(tokens)) => {
                    failure.set(None);
                    choices.set(Vec::new());
                    go(home_for(tokens.user.role), true);
                }
                Err(err) => {
                    choices.set(Vec::new());
                    errors.set(err.field_errors());
                    failure.set(Some(if err.is_validation() {
                        "Please check the highlighted fields.".into()
                    } else {
                        login_failure_text(&err)
                    }));
                }
            }
        }
    });

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        errors.set(Vec::new());
        failure.set(None);
        submit.dispatch_local(LoginRequest {
            email: email.get_untracked().trim().to_string(),
            password: password.get_untracked(),
            account: None,
        });
    };
    let open_account = move |account: String| {
        failure.set(None);
        submit.dispatch_local(LoginRequest {
            email: email.get_untracked().trim().to_string(),
            password: password.get_untracked(),
            account: Some(account),
        });
    };
    let start_over = move || {
        choices.set(Vec::new());
        password.set(String::new());
    };

    // Someone already signed in who opens /login goes to their portal; after a fresh login the
    // action above navigates (checked once, so the two never both fire).
    let already_signed_in = session
        .user
        .with_untracked(|u| u.as_ref().map(|u| u.role).filter(|r| *r != Role::Candidate));

    view! {
        {already_signed_in.map(|role| view! { <crate::app::Goto path=home_for(role) /> })}
        <PublicShell title="Sign in">
            <Show
                when=move || choices.with(Vec::is_empty)
                fallback=move || view! {
                    <AccountChooser
                        choices=choices
                        failure=failure
                        pending=submit.pending()
                        on_choose=open_account
                        on_back=start_over
                    />
                }
            >
            <form class="stack" on:submit=on_submit novalidate=true data-testid="login-form">
                <Show when=move || failure.get().is_some()>
                    <div class="alert alert-error" role="alert" data-testid="login-error">
                        {move || failure.get().unwrap_or_default()}
                    </div>
                </Show>
                <TextField
                    id="login-email"
                    name="email"
                    label="Email"
                    input_type="email"
                    autocomplete="username"
                    required=true
                    value=email
                    errors=errors
                />
                <TextField
                    id="login-password"
                    name="password"
                    label="Password"
                    input_type="password"
                    autocomplete="current-password"
                    required=true
                    value=password
                    errors=errors
                />
                <SubmitButton testid="login-submit" label="Sign in" busy_label="Signing in…" pending=submit.pending() />
                <p class="form-footer">
                    <A href="/forgot-password" attr:data-testid="forgot-password-link">"Forgot your password?"</A>
                </p>
            </form>
            </Show>
        </PublicShell>
    }
}

/// Which account to open: one button per account, named by role and tenant.
#[component]
fn AccountChooser(
    choices: RwSignal<Vec<AccountChoice>>,
    failure: RwSignal<Option<String>>,
    #[prop(into)] pending: Signal<bool>,
    on_choose: impl Fn(String) + Copy + Send + Sync + 'static,
    on_back: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <section class="stack" data-testid="account-chooser" aria-labelledby="account-chooser-title">
            <h2 id="account-chooser-title">"Choose an account"</h2>
            <p>"This email has more than one account with this password. Which one do you want to open?"</p>
            <Show when=move || failure.get().is_some()>
                <div class="alert alert-error" role="alert" data-testid="login-error">
                    {move || failure.get().unwrap_or_default()}
                </div>
            </Show>
            <ul class="stack" role="list">
                <For
                    each=move || choices.get()
                    key=|choice| choice.id.clone()
                    children=move |choice: AccountChoice| {
                        let AccountChoice { id, role, label, .. } = choice;
                        view! {
                            <li>
                                <button
                                    type="button"
                                    class="btn"
                                    data-testid="account-choice"
                                    data-role=role.as_str()
                                    disabled=move || pending.get()
                                    on:click=move |_| on_choose(id.clone())
                                >
                                    {label}
                                </button>
                            </li>
                        }
                    }
                />
            </ul>
            <p class="form-footer">
                <button type="button" class="btn btn-ghost" data-testid="account-choice-back" on:click=move |_| on_back()>
                    "Use another email"
                </button>
            </p>
        </section>
    }
}
