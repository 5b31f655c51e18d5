//! `/test/register?key=…`: self-registration with a project's access key.

use credence_shared::assess::CandidateSessionCreate;
use leptos::prelude::*;

use super::{register, use_area};
use crate::components::form::{ErrorSummary, FieldErrors, SubmitButton, TextField};

#[derive(Clone, PartialEq)]
enum Outcome {
    /// 202: the link is in their inbox (the same answer for a new and a known email).
    CheckEmail(String),
    /// Anything else that is not a field error: shown above the form.
    Failed(String),
}

#[component]
pub fn TestRegister() -> impl IntoView {
    let area = use_area();
    let key = RwSignal::new(super::nav::query_param("key").unwrap_or_default());
    let first_name = RwSignal::new(String::new());
    let last_name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let errors: FieldErrors = RwSignal::new(Vec::new());
    let outcome = RwSignal::new(None::<Outcome>);

    let register = Action::new_local(move |body: &CandidateSessionCreate| {
        let body = body.clone();
        async move {
            match register(&body).await {
                Ok(accepted) => outcome.set(Some(Outcome::CheckEmail(accepted.message))),
                Err(err) if err.is_validation() => errors.set(err.field_errors()),
                Err(err) if err.status() == 403 => area.fail(&err),
                Err(err) if err.status() == 402 => outcome.set(Some(Outcome::Failed(
                    "Registration for this assessment is not possible at the moment. Please contact the person who gave you the access key.".into(),
                ))),
                Err(err) => outcome.set(Some(Outcome::Failed(err.message()))),
            }
        }
    });

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        errors.set(Vec::new());
        outcome.set(None);
        let trimmed = |s: RwSignal<String>| Some(s.get_untracked().trim().to_string());
        register.dispatch_local(CandidateSessionCreate {
            invitation_token: None,
            access_key: trimmed(key),
            first_name: trimmed(first_name),
            last_name: trimmed(last_name),
            email: trimmed(email),
        });
    };

    view! {
        <section class="ta-card ta-register">
            <h1>"Register for your assessment"</h1>
            <Show
                when=move || !matches!(outcome.get(), Some(Outcome::CheckEmail(_)))
                fallback=move || view! {
                    <div class="alert alert-success" role="status" data-testid="check-email">
                        <p><strong>"Check your email."</strong></p>
                        <p>{move || match outcome.get() {
                            Some(Outcome::CheckEmail(m)) => m,
                            _ => String::new(),
                        }}</p>
                    </div>
                }
            >
                <p class="muted">"Enter the access key you were given and your details. We will email you a link to your assessment (again, if you registered before)."</p>
                {move || outcome.get().and_then(|o| match o {
                    Outcome::Failed(m) => Some(view! { <div class="alert alert-error" role="alert" data-testid="register-error">{m}</div> }),
                    Outcome::CheckEmail(_) => None,
                })}
                <form class="stack" on:submit=on_submit novalidate=true data-testid="register-form">
                    <ErrorSummary errors=errors known=&["access_key", "first_name", "last_name", "email"] />
                    <TextField id="reg-access-key" name="access_key" label="Access key" value=key errors=errors required=true autocomplete="off" />
                    <TextField id="reg-first-name" name="first_name" label="First name" value=first_name errors=errors required=true autocomplete="given-name" />
                    <TextField id="reg-last-name" name="last_name" label="Last name" value=last_name errors=errors required=true autocomplete="family-name" />
                    <TextField id="reg-email" name="email" label="Email" input_type="email" value=email errors=errors required=true autocomplete="email" />
                    <SubmitButton testid="register-submit" label="Register and continue" busy_label="Registering…" pending=register.pending() />
                </form>
            </Show>
        </section>
    }
}
