//! The client's logo: picked and checked in a form, previewed, uploaded or removed.

use credence_shared::reseller::Client;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::api;
use crate::components::logo_file;
use crate::components::toast::use_toasts;
use crate::components::widgets::ConfirmButton;

/// A logo file picked in a form: checked for type and size, previewed before upload.
#[derive(Clone, Copy)]
pub(super) struct LogoChoice {
    file: RwSignal<Option<web_sys::File>, LocalStorage>,
    preview: RwSignal<Option<String>>,
    error: RwSignal<Option<String>>,
}

impl LogoChoice {
    pub(super) fn new() -> Self {
        LogoChoice {
            file: RwSignal::new_local(None),
            preview: RwSignal::new(None),
            error: RwSignal::new(None),
        }
    }

    fn set_preview(&self, url: Option<String>) {
        if let Some(old) = self.preview.get_untracked() {
            let _ = web_sys::Url::revoke_object_url(&old);
        }
        self.preview.set(url);
    }

    fn clear(&self) {
        self.file.set(None);
        self.set_preview(None);
        self.error.set(None);
    }

    /// A refused file is neither kept nor previewed (the field is emptied); its error stays
    /// beside the field, and the form saves without it.
    fn on_change(&self, ev: leptos::ev::Event) {
        self.clear();
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(f) = input.files().and_then(|fs| fs.get(0)) else {
            return;
        };
        let this = *self;
        leptos::task::spawn_local(async move {
            match logo_file::check(&f).await {
                Ok(()) => {
                    this.set_preview(web_sys::Url::create_object_url_with_blob(&f).ok());
                    this.file.set(Some(f));
                }
                Err(message) => {
                    input.set_value("");
                    this.error.set(Some(message));
                }
            }
        });
    }

    /// The file to upload (only a file that passed the checks is kept).
    pub(super) fn valid_file(&self) -> Option<web_sys::File> {
        self.file.get_untracked()
    }
}

#[component]
pub(super) fn LogoInput(
    choice: LogoChoice,
    #[prop(into)] id: String,
    #[prop(into)] label: String,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    let error_testid = format!("{id}-error");
    let described_by = {
        let (hint_id, error_id) = (hint_id.clone(), error_testid.clone());
        move || {
            if choice.error.with(|e| e.is_some()) {
                format!("{hint_id} {error_id}")
            } else {
                hint_id.clone()
            }
        }
    };
    let preview_testid = format!("{id}-preview");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <p class="field-hint" id=hint_id.clone()>
                "Optional. PNG, JPEG or WebP, at most 1 MiB. Shown in the candidates' test area."
            </p>
            <input
                type="file"
                id=id.clone()
                data-testid=id.clone()
                accept=logo_file::ACCEPT
                aria-describedby=described_by
                aria-invalid=move || choice.error.with(|e| e.is_some()).to_string()
                on:change=move |ev| choice.on_change(ev)
            />
            <Show when=move || choice.error.get().is_some()>
                <p class="field-error" role="alert" id=error_testid.clone() data-testid=error_testid.clone()>{move || choice.error.get().unwrap_or_default()}</p>
            </Show>
            <Show when=move || choice.preview.get().is_some()>
                <img class="logo-preview" alt="Preview of the chosen logo" data-testid=preview_testid.clone()
                    src=move || choice.preview.get().unwrap_or_default() />
            </Show>
        </div>
    }
}

#[component]
pub(super) fn ClientLogo(current: RwSignal<Client>) -> impl IntoView {
    let toasts = use_toasts();
    let choice = LogoChoice::new();
    let upload_logo = Action::new_local(move |file: &web_sys::File| {
        let file = file.clone();
        let id = current.with_untracked(|c| c.id.clone());
        async move {
            match api::upload_client_logo(&id, &file).await {
                Ok(c) => {
                    toasts.success("Logo uploaded");
                    choice.clear();
                    current.set(c);
                }
                Err(e) => {
                    choice.error.set(Some(e.message()));
                    toasts.problem(&e);
                }
            }
        }
    });
    let remove_logo = Action::new_local(move |_: &()| {
        let id = current.with_untracked(|c| c.id.clone());
        async move {
            match api::delete_client_logo(&id).await {
                Ok(()) => {
                    toasts.success("Logo removed");
                    current.update(|c| c.logo_url = None);
                }
                Err(e) => toasts.problem(&e),
            }
        }
    });
    let busy = Signal::derive(move || upload_logo.pending().get() || remove_logo.pending().get());
    let upload = move |_| {
        let Some(file) = choice.valid_file() else {
            if choice.error.get_untracked().is_none() {
                choice.error.set(Some("Choose an image first.".into()));
            }
            return;
        };
        upload_logo.dispatch_local(file);
    };
    let remove = move || {
        remove_logo.dispatch_local(());
    };
    view! {
        <section class="card stack" aria-labelledby="client-logo-heading" data-testid="client-logo-card">
            <h2 id="client-logo-heading">"Client logo"</h2>
            {move || match current.with(|c| c.logo_url.clone()) {
                Some(src) => view! {
                    <img src=src alt="The client's logo" class="logo-preview" data-testid="client-logo" />
                    <div>
                        <ConfirmButton testid="client-logo-remove" label="Remove logo" question="Remove this logo?"
                            confirm_label="Remove" danger=true small=true pending=busy
                            on_confirm=Callback::new(move |_| remove()) />
                    </div>
                }.into_any(),
                None => view! { <p class="muted" data-testid="client-no-logo">"No logo yet."</p> }.into_any(),
            }}
            <LogoInput choice=choice id="client-logo-change" label="Change logo" />
            <div class="form-actions">
                <button type="button" class="btn" data-testid="client-logo-upload"
                    disabled=move || busy.get() || choice.file.with(|f| f.is_none())
                    on:click=upload>
                    {move || if busy.get() { "Uploading…" } else { "Upload logo" }}
                </button>
            </div>
        </section>
    }
}
