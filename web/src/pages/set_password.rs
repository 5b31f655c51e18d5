//! `/set-password?token=…`: the welcome or reset link's page to choose a password.

use credence_shared::auth::PasswordSetRequest;
use credence_shared::problem::FieldError;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api;
use crate::components::form::{ErrorSummary, FieldErrors, SubmitButton, TextField};
use crate::components::toast::use_toasts;
use crate::pages::public_shell::PublicShell;

#[component]
pub fn SetPassword() -> impl IntoView {
    let toasts = use_toasts();
    let query = use_query_map();
    let token = Memo::new(move |_| query.with(|q| q.get("token")).unwrap_or_default());
    let email = Memo::new(move |_| query.with(|q| q.get("email")).unwrap_or_default());
    // The link was used or has expired: no form can help, only a new link.
    let link_dead = RwSignal::new(false);
    let password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let errors: FieldErrors = RwSignal::new(Vec::new());
    let done = RwSignal::new(false);

    let submit = Action::new_local(move |req: &PasswordSetRequest| {
        let req = req.clone();
        async move {
            match api::password_set(&req).await {
                Ok(()) => {
                    done.set(true);
                    toasts.success("Your password is set");
                }
                Err(err)
                    if err.is_validation()
                        && err
                            .field_errors()
                            .iter()
                            .any(|e| e.field == "token" && e.code == "invalid_token") =>
                {
                    link_dead.set(true);
                }
                Err(err) if err.is_validation() => {
                    errors.set(err.field_errors());
                    toasts.problem(&err);
                }
                Err(err) => {
                    let message = if err.status() == 400
                        || err.status() == 404
                        || err.status() == 410
                    {
                        "This link has expired or was already used. Ask for a new one from the sign-in page.".to_string()
                    } else {
                        err.message()
                    };
                    errors.set(vec![FieldError {
                        field: "token".into(),
                        code: err.problem.code.clone(),
                        message: message.clone(),
                    }]);
                    toasts.error(message);
                }
            }
        }
    });

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        errors.set(Vec::new());
        if password.get_untracked() != confirm.get_untracked() {
            errors.set(vec![FieldError {
                field: "password_confirm".into(),
                code: "mismatch".into(),
                message: "The two passwords do not match.".into(),
            }]);
            return;
        }
        submit.dispatch_local(PasswordSetRequest {
            token: token.get_untracked(),
            password: password.get_untracked(),
        });
    };

    view! {
        <PublicShell title="Choose your password">
            <Show
                when=move || !done.get()
                fallback=|| {
                    view! {
                        <div class="alert alert-success" role="status" data-testid="set-password-done">
                            <p>"Your password is set. You can sign in now."</p>
                        </div>
                        <p class="form-footer">
                            <A href="/login" attr:class="btn btn-primary" attr:data-testid="go-to-login">"Go to sign in"</A>
                        </p>
                    }
                }
            >
                <Show
                    when=move || !link_dead.get()
                    fallback=move || {
                        let href = forgot_href(&email.get());
                        view! {
                            <div class="alert alert-error" role="alert" data-testid="link-dead">
                                <p>"This link has been used or has expired."</p>
                                <p>"Links in our emails work once and only for a limited time. Ask for a new one and we will email it to you."</p>
                            </div>
                            <p class="form-footer">
                                <A href=href attr:class="btn btn-primary" attr:data-testid="request-new-link">"Send me a new link"</A>
                            </p>
                        }
                    }
                >
                <Show
                    when=move || !token.get().is_empty()
                    fallback=|| {
                        view! {
                            <div class="alert alert-error" role="alert" data-testid="missing-token">
                                "This link is incomplete. Open the link from your email again, or ask for a new one."
                            </div>
                            <p class="form-footer"><A href="/forgot-password">"Send me a new link"</A></p>
                        }
                    }
                >
                    <form class="stack" on:submit=on_submit novalidate=true data-testid="set-password-form">
                        <div class="policy" id="password-policy" data-testid="password-policy">
                            <p>"Your password must be:"</p>
                            <ul>
                                <li>"at least 10 characters long"</li>
                                <li>"not your email address"</li>
                                <li>"not a common password"</li>
                            </ul>
                        </div>
                        <ErrorSummary errors=errors known=&["password", "password_confirm"] />
                        <TextField
                            id="new-password"
                            name="password"
                            label="New password"
                            input_type="password"
                            autocomplete="new-password"
                            required=true
                            hint="At least 10 characters, not your email, not a common password."
                            value=password
                            errors=errors
                        />
                        <TextField
                            id="confirm-password"
                            name="password_confirm"
                            label="Confirm new password"
                            input_type="password"
                            autocomplete="new-password"
                            required=true
                            value=confirm
                            errors=errors
                        />
                        <SubmitButton testid="set-password-submit" label="Set password" busy_label="Saving…" pending=submit.pending() />
                    </form>
                </Show>
                </Show>
            </Show>
        </PublicShell>
    }
}

/// The forgot-password page, prefilled with the account's email when the link named it.
fn forgot_href(email: &str) -> String {
    if email.is_empty() {
        "/forgot-password".to_string()
    } else {
        format!(
            "/forgot-password?email={}",
            String::from(js_sys::encode_uri_component(email))
        )
    }
}
