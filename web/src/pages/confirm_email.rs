//! `/confirm-email?token=…`: the link mailed to a new sign-in address. Opening it confirms the
//! change at once (the token is the proof); the account then signs in with the new email.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api_email;
use crate::pages::public_shell::PublicShell;

#[derive(Clone, Copy, PartialEq)]
enum Outcome {
    Working,
    Done,
    Dead,
    Taken,
    Failed,
}

#[component]
pub fn ConfirmEmail() -> impl IntoView {
    let query = use_query_map();
    let token = query.with_untracked(|q| q.get("token")).unwrap_or_default();
    let outcome = RwSignal::new(Outcome::Working);
    let message = RwSignal::new(String::new());
    if token.trim().is_empty() {
        outcome.set(Outcome::Dead);
    } else {
        wasm_bindgen_futures::spawn_local(async move {
            match api_email::confirm_email(&token).await {
                Ok(()) => outcome.set(Outcome::Done),
                Err(err) => {
                    let codes: Vec<String> =
                        err.field_errors().into_iter().map(|e| e.code).collect();
                    if codes.iter().any(|c| c == "email_taken") {
                        outcome.set(Outcome::Taken);
                    } else if codes
                        .iter()
                        .any(|c| c == "invalid_token" || c == "required")
                    {
                        outcome.set(Outcome::Dead);
                    } else {
                        message.set(err.message());
                        outcome.set(Outcome::Failed);
                    }
                }
            }
        });
    }
    view! {
        <PublicShell title="Confirm your new email">
            {move || match outcome.get() {
                Outcome::Working => view! {
                    <p role="status" data-testid="confirm-email-working">"Confirming your new email…"</p>
                }.into_any(),
                Outcome::Done => view! {
                    <div class="alert alert-success" role="status" data-testid="confirm-email-done">
                        <p>"Your new email is confirmed. Sign in with it from now on (you have been signed out everywhere)."</p>
                    </div>
                    <p class="form-footer">
                        <A href="/login" attr:class="btn btn-primary" attr:data-testid="go-to-login">"Go to sign in"</A>
                    </p>
                }.into_any(),
                Outcome::Dead => view! {
                    <div class="alert alert-error" role="alert" data-testid="confirm-email-dead">
                        <p>"This link is incomplete, has been used or has expired. Ask for the change again."</p>
                    </div>
                }.into_any(),
                Outcome::Taken => view! {
                    <div class="alert alert-error" role="alert" data-testid="confirm-email-taken">
                        <p>"Another account uses this email now. Ask for a change to another address."</p>
                    </div>
                }.into_any(),
                Outcome::Failed => view! {
                    <div class="alert alert-error" role="alert" data-testid="confirm-email-failed">
                        <p>{message.get()}</p>
                    </div>
                }.into_any(),
            }}
        </PublicShell>
    }
}
