//! The editor of one email text (a skin's kind of email, or a project's invitation): subject
//! and body with their variables, a live preview rendered by the API as the recipient would
//! see it, save, back to the default, and "send me a test".

use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;

use crate::api::{self, EditableText, TextOwner};
use crate::components::form::{ErrorSummary, FieldErrors, SubmitButton, TextAreaField, TextField};
use crate::components::loaded::Loaded;
use crate::components::toast::use_toasts;
use crate::components::widgets::ConfirmButton;

/// Loads the owner's text, then edits it.
#[component]
pub fn MailTextEditor(
    owner: TextOwner,
    /// What "back to" the fallback means here, e.g. "the default text".
    #[prop(into)]
    fallback_label: String,
) -> impl IntoView {
    let for_load = owner.clone();
    let load = move || {
        let owner = for_load.clone();
        async move { api::get_text(&owner).await }
    };
    view! {
        <Loaded fetch=load loading_label="Loading the email text" let:text>
            <EditorBody owner=owner.clone() initial=text fallback_label=fallback_label.clone() />
        </Loaded>
    }
}

#[derive(Clone)]
enum Op {
    Save,
    Reset,
    SendTest,
}

#[component]
fn EditorBody(owner: TextOwner, initial: EditableText, fallback_label: String) -> impl IntoView {
    let toasts = use_toasts();
    let subject = RwSignal::new(initial.subject.clone());
    let body = RwSignal::new(initial.body.clone());
    let current = RwSignal::new(initial);
    let errors: FieldErrors = RwSignal::new(Vec::new());

    let act_owner = owner.clone();
    let act = Action::new_local(move |op: &Op| {
        let op = op.clone();
        let owner = act_owner.clone();
        let (s, b) = (subject.get_untracked(), body.get_untracked());
        async move {
            let saved = match op {
                Op::Save => api::save_text(&owner, s, b)
                    .await
                    .map(|t| (t, "Email text saved")),
                Op::Reset => api::reset_text(&owner)
                    .await
                    .map(|t| (t, "Back to the earlier text")),
                Op::SendTest => match api::send_test_text(&owner.draft(s, b)).await {
                    Ok(sent) => {
                        toasts.success(format!("Test email sent to {}", sent.to));
                        return;
                    }
                    Err(err) => Err(err),
                },
            };
            match saved {
                Ok((text, done)) => {
                    subject.set(text.subject.clone());
                    body.set(text.body.clone());
                    current.set(text);
                    toasts.success(done);
                }
                Err(err) => {
                    errors.set(err.field_errors());
                    toasts.problem(&err);
                }
            }
        }
    });
    let pending = act.pending();
    let run = move |op: Op| {
        errors.set(Vec::new());
        act.dispatch_local(op);
    };
    let on_save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        run(Op::Save);
    };

    // The preview follows the draft, a moment after typing stops.
    let preview_owner = owner.clone();
    let preview = LocalResource::new(move || {
        let draft = preview_owner.draft(subject.get(), body.get());
        async move {
            TimeoutFuture::new(300).await;
            api::preview_text(&draft).await
        }
    });
    let variables = move || {
        current.with(|c| {
            c.variables
                .iter()
                .map(|v| format!("{{{v}}}"))
                .collect::<Vec<_>>()
                .join(" ")
        })
    };
    let reset_question = format!("Use {fallback_label} again? Your own wording is removed.");
    view! {
        <div class="mail-text-editor stack" data-testid="mail-text-editor">
            <p class="muted small" data-testid="mail-text-state">
                {move || if current.with(|c| c.customized) { "Your own wording is in use.".to_string() } else { format!("In use: {fallback_label}.") }}
            </p>
            <form class="stack" on:submit=on_save novalidate=true data-testid="mail-text-form">
                <ErrorSummary errors=errors known=&["subject", "body"] />
                <TextField id="mail-text-subject" name="subject" label="Subject" required=true value=subject errors=errors />
                <TextAreaField id="mail-text-body" name="body" label="Body" value=body errors=errors rows=10
                    hint="Blank lines separate paragraphs. The personal link button and your product name close every email." />
                <p class="muted small" data-testid="mail-text-variables">
                    "Variables: " <code>{variables}</code> " — write " <code>"{{"</code> " or " <code>"}}"</code> " for a brace."
                </p>
                <div class="form-actions">
                    <SubmitButton testid="mail-text-save" label="Save text" busy_label="Saving…" pending=pending />
                    <button type="button" class="btn" data-testid="mail-text-test"
                        disabled=move || pending.get() on:click=move |_| run(Op::SendTest)>
                        "Send me a test"
                    </button>
                    <Show when=move || current.with(|c| c.customized)>
                        <ConfirmButton testid="mail-text-reset" label="Back to the earlier text"
                            question=reset_question.clone() confirm_label="Use it" danger=false pending=pending
                            on_confirm=Callback::new(move |_| run(Op::Reset)) />
                    </Show>
                </div>
            </form>
            <section class="card mail-preview stack" aria-label="Preview" aria-live="polite" data-testid="mail-text-preview">
                <h3>"Preview"</h3>
                {move || match preview.get() {
                    None => view! { <p class="muted small">"Rendering…"</p> }.into_any(),
                    Some(Ok(p)) => view! {
                        <p><strong>"Subject: "</strong><span data-testid="mail-preview-subject">{p.subject}</span></p>
                        <pre class="pre-line" data-testid="mail-preview-text">{p.text}</pre>
                    }.into_any(),
                    Some(Err(err)) => {
                        let fields = err.field_errors();
                        let lines: Vec<String> = if fields.is_empty() {
                            vec![err.message()]
                        } else {
                            fields.into_iter().map(|f| format!("{}: {}", f.field, f.message)).collect()
                        };
                        view! {
                            <div class="field-error" data-testid="mail-preview-problem">
                                {lines.into_iter().map(|l| view! { <p>{l}</p> }).collect_view()}
                            </div>
                        }.into_any()
                    }
                }}
            </section>
        </div>
    }
}
