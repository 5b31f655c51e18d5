//! `/forgot-password`: asks for a reset link without revealing whether the email has an account.

use credence_shared::auth::PasswordForgotRequest;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api;
use crate::components::form::{FieldErrors, SubmitButton, TextField};
use crate::pages::public_shell::PublicShell;

#[component]
pub fn ForgotPassword() -> impl IntoView {
    // Prefilled when coming from a used or expired link that named the account.
    let query = leptos_router::hooks::use_query_map();
    let email = RwSignal::new(query.with_untracked(|q| q.get("email")).unwrap_or_default());
    let errors: FieldErrors = RwSignal::new(Vec::new());
    let sent = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);

    let submit = Action::new_local(move |req: &PasswordForgotRequest| {
        let req = req.clone();
        async move {
            match api::password_forgot(&req).await {
                Ok(()) => sent.set(true),
                Err(err) if err.is_validation() => errors.set(err.field_errors()),
                Err(err) if err.status() == 429 => failure.set(Some(match err.retry_after {
                    Some(secs) => format!("Too many attempts, try again in {secs} seconds"),
                    None => "Too many attempts, try again in a moment".into(),
                })),
                Err(err) if err.status() == 0 || err.status() >= 500 => {
                    failure.set(Some(err.message()))
                }
                // Anything else must not reveal whether the account exists.
                Err(_) => sent.set(true),
            }
        }
    });

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        errors.set(Vec::new());
        failure.set(None);
        submit.dispatch_local(PasswordForgotRequest {
            email: email.get_untracked().trim().to_string(),
        });
    };

    view! {
        <PublicShell title="Reset your password">
            <Show
                when=move || sent.get()
                fallback=move || {
                    view! {
                        <form class="stack" on:submit=on_submit novalidate=true>
                            <p class="muted">"Enter the email you sign in with and we will send you a link to choose a new password."</p>
                            <Show when=move || failure.get().is_some()>
                                <div class="alert alert-error" role="alert" data-testid="forgot-error">
                                    {move || failure.get().unwrap_or_default()}
                                </div>
                            </Show>
                            <TextField
                                id="forgot-email"
                                name="email"
                                label="Email"
                                input_type="email"
                                autocomplete="username"
                                required=true
                                value=email
                                errors=errors
                            />
                            <SubmitButton testid="forgot-submit" label="Send reset link" busy_label="Sending…" pending=submit.pending() />
                        </form>
                    }
                }
            >
                <div class="alert alert-success" role="status" data-testid="forgot-sent">
                    "If that email has an account, we've sent a link"
                </div>
            </Show>
            <p class="form-footer">
                <A href="/login" attr:data-testid="back-to-login">"Back to sign in"</A>
            </p>
        </PublicShell>
    }
}
