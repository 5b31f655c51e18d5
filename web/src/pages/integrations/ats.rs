//! The client portal's ATS connectors card: connect Greenhouse or Workable (the credential is
//! shown once, with the URLs to paste into the ATS), set Workable's token for results, disable.

use credence_shared::ats::AtsConnector;
use credence_shared::AtsKind;
use leptos::prelude::*;

use super::SecretOnce;
use crate::api;
use crate::components::form::{ErrorSummary, FieldErrors, SubmitButton, TextField};
use crate::components::states::{ErrorState, Loading};
use crate::components::toast::use_toasts;
use crate::components::widgets::{ConfirmButton, CopyButton};
use crate::format;

/// How the ATS sends the credential, in a sentence.
fn how(kind: AtsKind) -> &'static str {
    match kind {
        AtsKind::Greenhouse => "Greenhouse sends it as the API key (HTTP Basic username). Give it and these URLs to your Greenhouse account manager.",
        AtsKind::Workable => "Workable sends it as the access token. Paste it and the base URL into Workable's assessment settings.",
    }
}

#[component]
pub fn AtsConnectors() -> impl IntoView {
    let toasts = use_toasts();
    let version = RwSignal::new(0u32);
    let connectors = LocalResource::new(move || {
        version.get();
        api::list_ats_connectors()
    });
    let created = RwSignal::new(None::<AtsConnector>);
    let connect = Action::new_local(move |kind: &AtsKind| {
        let kind = *kind;
        async move {
            match api::create_ats_connector(kind).await {
                Ok(c) => {
                    created.set(Some(c));
                    toasts.success(format!("{} connected", kind.label()));
                    version.update(|v| *v += 1);
                }
                Err(e) => toasts.problem(&e),
            }
        }
    });
    let disable = Action::new_local(move |id: &String| {
        let id = id.clone();
        async move {
            match api::disable_ats_connector(&id).await {
                Ok(()) => {
                    created.set(None);
                    toasts.success("Connector disabled: its credential stopped working.");
                    version.update(|v| *v += 1);
                }
                Err(e) => toasts.problem(&e),
            }
        }
    });
    view! {
        <div class="card stack" data-testid="ats-connectors">
            <h2>"ATS connectors"</h2>
            <p class="muted">"Let Greenhouse or Workable list your open projects as tests, send candidates (charging credits as usual; the same application twice is sent once), and receive the status, scores and a link to the report when the candidate completes."</p>
            {move || created.get().map(|c| view! {
                <SecretOnce label=format!("{} credential", c.kind.label()) value=c.credential.clone().unwrap_or_default() testid="ats-credential" />
                <p class="muted">{how(c.kind)}</p>
            })}
            <Transition fallback=|| view! { <Loading /> }>
                {move || connectors.get().map(|result| match result {
                    Err(e) => view! { <ErrorState error=e /> }.into_any(),
                    Ok(page) => AtsKind::ALL.iter().copied().map(|kind| {
                        let enabled = page.data.iter().find(|c| c.kind == kind && c.enabled).cloned();
                        view! {
                            <section class="stack" data-testid=format!("ats-{}", kind.as_str())>
                                <h3>{kind.label()}</h3>
                                {match enabled {
                                    None => view! {
                                        <p>"Not connected."</p>
                                        <button type="button" class="btn" data-testid=format!("ats-connect-{}", kind.as_str())
                                            disabled=move || connect.pending().get()
                                            on:click=move |_| { connect.dispatch_local(kind); }>
                                            {format!("Connect {}", kind.label())}
                                        </button>
                                    }.into_any(),
                                    Some(c) => view! { <Connected connector=c disable=disable /> }.into_any(),
                                }}
                            </section>
                        }
                    }).collect_view().into_any(),
                })}
            </Transition>
        </div>
    }
}

#[component]
fn Connected(connector: AtsConnector, disable: Action<String, ()>) -> impl IntoView {
    let id = connector.id.clone();
    let kind = connector.kind;
    view! {
        <p data-testid="ats-connected">"Connected on "{format::date_time(&connector.created_at)}"."</p>
        <ul class="plain-list">
            {connector.endpoints.into_iter().map(|e| {
                let url = e.url.clone();
                view! {
                    <li class="code-line"><code>{e.name.clone()}</code>": "<code data-testid=format!("ats-url-{}", e.name)>{e.url}</code>" "
                        <CopyButton value=Signal::derive(move || url.clone()) label="Copy the URL" testid=format!("ats-copy-{}", e.name) /></li>
                }
            }).collect_view()}
        </ul>
        {(kind == AtsKind::Workable).then(|| view! { <CallbackToken id=connector.id.clone() set=connector.callback_token_set /> })}
        <ConfirmButton testid=format!("ats-disable-{}", kind.as_str()) label="Disable" danger=true
            question="Disable this connector? The ATS's requests stop working at once, and results not yet sent to it are dropped." confirm_label="Disable"
            on_confirm=Callback::new(move |_| { disable.dispatch_local(id.clone()); }) />
    }
}

/// Workable's token for sending results back to it.
#[component]
fn CallbackToken(id: String, set: bool) -> impl IntoView {
    let toasts = use_toasts();
    let token = RwSignal::new(String::new());
    let errors: FieldErrors = RwSignal::new(Vec::new());
    let is_set = RwSignal::new(set);
    let save = Action::new_local(move |(id, value): &(String, String)| {
        let (id, value) = (id.clone(), value.clone());
        async move {
            match api::set_ats_callback_token(&id, &value).await {
                Ok(c) => {
                    is_set.set(c.callback_token_set);
                    token.set(String::new());
                    toasts.success("Token saved");
                }
                Err(e) => {
                    errors.set(e.field_errors());
                    toasts.problem(&e);
                }
            }
        }
    });
    view! {
        <form class="stack" novalidate=true on:submit=move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            errors.set(Vec::new());
            save.dispatch_local((id.clone(), token.get_untracked()));
        }>
            <ErrorSummary errors=errors known=&["callback_token"] />
            <p class="muted" data-testid="ats-callback-token-state">{move || if is_set.get() { "Workable's token for results is set." } else { "No token for results yet." }}</p>
            <TextField id="ats-callback-token" name="callback_token" label="Workable's token for results"
                hint="The token Workable shows for this integration; save it empty to remove it."
                value=token errors=errors />
            <SubmitButton testid="ats-callback-token-save" label="Save token" busy_label="Saving…" pending=save.pending() />
        </form>
    }
}
