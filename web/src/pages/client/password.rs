//! `/client/password`: change one's own password (not possible during Login As).

use credence_shared::problem::FieldError;
use credence_shared::reseller::PasswordChangeRequest;
use leptos::prelude::*;

use crate::api;
use crate::auth::use_session;
use crate::components::form::{ErrorSummary, FieldErrors, SubmitButton, TextField};
use crate::components::toast::use_toasts;

#[component]
pub fn ChangePassword() -> impl IntoView {
    let toasts = use_toasts();
    let session = use_session();
    let current = RwSignal::new(String::new());
    let new_password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let errors: FieldErrors = RwSignal::new(Vec::new());
    let done = RwSignal::new(false);
    let change = Action::new_local(move |body: &PasswordChangeRequest| {
        let body = body.clone();
        async move {
            match api::change_password(&body).await {
                Ok(()) => {
                    done.set(true);
                    current.set(String::new());
                    new_password.set(String::new());
                    confirm.set(String::new());
                    toasts.success("Your password is changed");
                }
                Err(err) if err.status() == 403 => {
                    toasts.error("A password cannot be changed during Login As.");
                }
                Err(err) => {
                    errors.set(err.field_errors());
                    toasts.problem(&err);
                }
            }
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        errors.set(Vec::new());
        done.set(false);
        if new_password.get_untracked() != confirm.get_untracked() {
            errors.set(vec![FieldError {
                field: "password_confirm".into(),
                code: "mismatch".into(),
                message: "The two new passwords do not match.".into(),
            }]);
            return;
        }
        change.dispatch_local(PasswordChangeRequest {
            current_password: current.get_untracked(),
            new_password: new_password.get_untracked(),
        });
    };
    view! {
        <section class="page" data-testid="change-password-page">
            <header class="page-header"><h1>"Change password"</h1></header>
            <Show when=move || session.is_impersonating()>
                <div class="alert alert-warn" role="status" data-testid="password-impersonation-note">
                    "You are viewing this account with Login As: its password cannot be changed here."
                </div>
            </Show>
            <Show when=move || done.get()>
                <div class="alert alert-success" role="status" data-testid="password-changed">
                    "Your password is changed. Other devices signed in to this account are signed out."
                </div>
            </Show>
            <form class="card stack form-narrow" on:submit=on_submit novalidate=true data-testid="change-password-form">
                <ErrorSummary errors=errors known=&["current_password", "new_password", "password_confirm"] />
                <TextField id="current-password" name="current_password" label="Current password" input_type="password"
                    required=true autocomplete="current-password" value=current errors=errors />
                <TextField id="new-password" name="new_password" label="New password" input_type="password" required=true
                    autocomplete="new-password" value=new_password errors=errors
                    hint="At least 10 characters, not your email, not a common password." />
                <TextField id="confirm-new-password" name="password_confirm" label="New password again" input_type="password"
                    required=true autocomplete="new-password" value=confirm errors=errors />
                <div class="form-actions">
                    <SubmitButton testid="change-password-submit" label="Change password" busy_label="Changing…" pending=change.pending() />
                </div>
            </form>
        </section>
    }
}
