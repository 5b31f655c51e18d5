//! `/reseller/clients…`: the reseller's clients — filterable list, create (the article's form),
//! and the client page (code, balance, logo, edit, status, users, ledger, take back credits,
//! projects and candidates).

use credence_shared::reseller::{
    Client, ClientCreate, ClientPatch, ClientUser, CreditAdjustmentCreate, LedgerEntry,
};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use wasm_bindgen::JsCast;

use crate::api::{self, ClientFilter, ClientUserFilter};
use crate::components::client_users::ClientUserTable;
use crate::components::form::{
    optional, parse_whole, ErrorSummary, FieldErrors, SubmitButton, TextAreaField, TextField,
};
use crate::components::ledger::LedgerTable;
use crate::components::loaded::Loaded;
use crate::components::logo_file;
use crate::components::paged::Paged;
use crate::components::pickers::BrandPicker;
use crate::components::toast::use_toasts;
use crate::components::widgets::{ConfirmButton, CopyButton, Fact, StatusBadge, TableScroll};

const CLIENT_FIELDS: &[&str] = &[
    "name",
    "contact_name",
    "contact_email",
    "phone",
    "address",
    "notes",
    "brand_id",
    "initial_credits",
    "credit_threshold",
    "status",
];

#[component]
pub fn LowCreditBadge() -> impl IntoView {
    view! { <span class="badge badge-warn" data-testid="low-credit">"Low credit"</span> }
}

#[component]
pub fn ClientList() -> impl IntoView {
    let query = use_query_map();
    let search = RwSignal::new(String::new());
    let q = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    let brand = RwSignal::new(String::new());
    let below = RwSignal::new(
        query
            .with_untracked(|q| q.get("below_threshold"))
            .as_deref()
            == Some("true"),
    );
    let no_errors: FieldErrors = RwSignal::new(Vec::new());
    // Selects and the checkbox apply at once; the search box on submit.
    let clients = Paged::new(move |cursor: Option<String>| {
        let f = ClientFilter {
            q: q.get(),
            status: status.get(),
            brand_id: brand.get(),
            below_threshold: below.get(),
        };
        async move { api::list_clients(&f, 50, cursor.as_deref()).await }
    });
    let on_search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        q.set(search.get_untracked());
    };
    view! {
        <section class="page" data-testid="client-list">
            <header class="page-header">
                <h1>"Clients"</h1>
                <A href="/reseller/clients/new" attr:class="btn btn-primary" attr:data-testid="client-create">
                    "Create"
                </A>
            </header>
            <div class="filters">
                <form class="search-bar" role="search" on:submit=on_search>
                    <label for="client-search">"Search clients"</label>
                    <input id="client-search" type="search" data-testid="client-search" bind:value=search
                        placeholder="Name, code or contact" />
                    <button type="submit" class="btn">"Search"</button>
                </form>
                <div class="filter-row">
                    <crate::components::form::SelectField id="client-status-filter" name="status" label="Status"
                        value=status errors=no_errors
                        options=vec![
                            (String::new(), "Active and suspended".into()),
                            ("active".into(), "Active".into()),
                            ("suspended".into(), "Suspended".into()),
                            ("archived".into(), "Archived".into()),
                        ] />
                    <BrandPicker id="client-brand-filter" name="brand_id" label="Skin" value=brand errors=no_errors
                        blank_label="All skins" />
                    <div class="checkbox filter-check">
                        <input type="checkbox" id="client-below-filter" data-testid="client-below-filter"
                            prop:checked=move || below.get() on:change=move |ev| below.set(event_target_checked(&ev)) />
                        <label for="client-below-filter">"Below threshold"</label>
                    </div>
                </div>
            </div>
            {clients.view("No clients match. Create one with the Create button.", |items: Vec<Client>| {
                view! {
                    <TableScroll label="Clients">
                        <table class="table">
                            <thead>
                                <tr>
                                    <th scope="col">"Name"</th>
                                    <th scope="col">"Code"</th>
                                    <th scope="col" class="num">"Balance"</th>
                                    <th scope="col" class="num">"Threshold"</th>
                                    <th scope="col" class="num">"Users"</th>
                                    <th scope="col">"Skin"</th>
                                    <th scope="col">"Status"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {items.into_iter().map(|c| {
                                    view! {
                                        <tr data-testid="client-row" data-code=c.code.clone()>
                                            <td><A href=format!("/reseller/clients/{}", c.id)>{c.name.clone()}</A></td>
                                            <td><code>{c.code.clone()}</code></td>
                                            <td class="num">
                                                {c.credit_balance}
                                                {c.low_credit.then(|| view! { " " <LowCreditBadge /> })}
                                            </td>
                                            <td class="num">{c.credit_threshold}</td>
                                            <td class="num">{c.user_count}</td>
                                            <td>{c.brand_name.clone()}</td>
                                            <td><StatusBadge status=c.status.clone() /></td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </TableScroll>
                }
            })}
        </section>
    }
}

/// A logo file picked in a form: checked for type and size, previewed before upload.
#[derive(Clone, Copy)]
struct LogoChoice {
    file: RwSignal<Option<web_sys::File>, LocalStorage>,
    preview: RwSignal<Option<String>>,
    error: RwSignal<Option<String>>,
}

impl LogoChoice {
    fn new() -> Self {
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
    fn valid_file(&self) -> Option<web_sys::File> {
        self.file.get_untracked()
    }
}

#[component]
fn LogoInput(
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
pub fn ClientNew() -> impl IntoView {
    let toasts = use_toasts();
    let navigate = use_navigate();
    let errors: FieldErrors = RwSignal::new(Vec::new());
    let name = RwSignal::new(String::new());
    let contact_name = RwSignal::new(String::new());
    let contact_email = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let address = RwSignal::new(String::new());
    let notes = RwSignal::new(String::new());
    let brand_id = RwSignal::new(String::new());
    let initial_credits = RwSignal::new("0".to_string());
    // Prefilled with the platform's default threshold (what the API applies when it is left out).
    let default_threshold = RwSignal::new(None::<String>);
    let threshold = RwSignal::new(String::new());
    leptos::task::spawn_local(async move {
        if let Ok(defaults) = api::client_defaults().await {
            let value = defaults.credit_threshold.to_string();
            if threshold.get_untracked().is_empty() {
                threshold.set(value.clone());
            }
            default_threshold.set(Some(value));
        }
    });
    let logo = LogoChoice::new();

    let create = Action::new_local(move |body: &ClientCreate| {
        let body = body.clone();
        let navigate = navigate.clone();
        async move {
            match api::create_client(&body).await {
                Ok(client) => {
                    // The logo goes up once the client exists; a failure there keeps the client.
                    if let Some(file) = logo.valid_file() {
                        if let Err(e) = api::upload_client_logo(&client.id, &file).await {
                            toasts.error(format!(
                                "The client was created, but the logo was not uploaded: {}",
                                e.message()
                            ));
                        }
                    }
                    toasts.success(format!(
                        "Client “{}” created with code {}",
                        client.name, client.code
                    ));
                    navigate(
                        &format!("/reseller/clients/{}", client.id),
                        Default::default(),
                    );
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
        let mut local = Vec::new();
        let credits = parse_whole(
            &initial_credits.get_untracked(),
            "initial_credits",
            "the credits",
        )
        .unwrap_or_else(|e| {
            local.push(e);
            None
        });
        let raw_threshold = threshold.get_untracked();
        // Left as the default, the API applies the platform's setting.
        let untouched = raw_threshold.trim().is_empty()
            || default_threshold
                .get_untracked()
                .is_some_and(|d| d == raw_threshold.trim());
        let credit_threshold = if untouched {
            None
        } else {
            parse_whole(&raw_threshold, "credit_threshold", "the threshold").unwrap_or_else(|e| {
                local.push(e);
                None
            })
        };
        if !local.is_empty() {
            errors.set(local);
            return;
        }
        create.dispatch_local(ClientCreate {
            name: name.get_untracked().trim().to_string(),
            contact_name: contact_name.get_untracked().trim().to_string(),
            contact_email: contact_email.get_untracked().trim().to_string(),
            phone: optional(&phone),
            address: optional(&address),
            notes: optional(&notes),
            brand_id: optional(&brand_id),
            initial_credits: credits.filter(|c| *c != 0),
            credit_threshold,
        });
    };

    view! {
        <section class="page" data-testid="client-new-page">
            <header class="page-header"><h1>"Create client"</h1></header>
            <form class="card stack form-narrow" on:submit=on_submit novalidate=true data-testid="client-form">
                <p class="mandatory-note" data-testid="mandatory-note">
                    "Only fields with " <span class="required" aria-hidden="true">"*"</span>
                    <span class="sr-only">"an asterisk"</span> " are mandatory."
                </p>
                <ErrorSummary errors=errors known=CLIENT_FIELDS />
                <TextField id="client-name" name="name" label="Client name" required=true value=name errors=errors
                    autocomplete="organization" />
                <div class="field-row">
                    <TextField id="client-contact-name" name="contact_name" label="Contact name" required=true
                        value=contact_name errors=errors autocomplete="off" />
                    <TextField id="client-contact-email" name="contact_email" label="Contact email" input_type="email"
                        required=true value=contact_email errors=errors autocomplete="off" />
                </div>
                <BrandPicker id="client-brand" name="brand_id" label="Brand Portal" value=brand_id errors=errors />
                <p class="field-hint">"The default skin, unless a custom skin was made for you."</p>
                <LogoInput choice=logo id="client-logo-file" label="Client Image/Logo" />
                <div class="field-row">
                    <TextField id="client-initial-credits" name="initial_credits" label="Available Credits"
                        input_type="number" min="0" step="1" value=initial_credits errors=errors
                        hint="Credits the client starts with, e.g. credits already bought or a free trial. They are an initial credit order: we invoice you for them like any other order." />
                    <TextField id="client-credit-threshold" name="credit_threshold" label="Default Credit Threshold Value"
                        input_type="number" min="0" step="1" value=threshold errors=errors
                        hint="Leave this as default. Below it, the client and you get a low-credit email." />
                </div>
                <TextField id="client-phone" name="phone" label="Phone" input_type="tel" value=phone errors=errors />
                <TextAreaField id="client-address" name="address" label="Address" value=address errors=errors />
                <TextAreaField id="client-notes" name="notes" label="Notes" value=notes errors=errors
                    hint="Only you and your colleagues see these." />
                <div class="form-actions">
                    <SubmitButton testid="client-submit" label="Save" busy_label="Saving…" pending=create.pending() />
                    <A href="/reseller/clients" attr:class="btn btn-ghost">"Cancel"</A>
                </div>
            </form>
        </section>
    }
}

#[component]
pub fn ClientDetail() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id")).unwrap_or_default();
    let load = move || {
        let id = id();
        async move { api::get_client(&id).await }
    };
    view! {
        <section class="page" data-testid="client-detail">
            <Loaded fetch=load error_heading="Client" let:c>
                <ClientPage client=c />
            </Loaded>
        </section>
    }
}

#[component]
fn ClientPage(client: Client) -> impl IntoView {
    let toasts = use_toasts();
    let current = RwSignal::new(client.clone());
    let id = StoredValue::new(client.id.clone());
    let status_busy = RwSignal::new(false);
    let ledger = Paged::new(move |cursor: Option<String>| {
        let id = id.get_value();
        async move { api::list_ledger(&id, cursor.as_deref()).await }
    });
    let projects = Paged::new(move |cursor: Option<String>| {
        let filter = api::ProjectFilter {
            client_id: id.get_value(),
            ..Default::default()
        };
        async move { api::list_projects(&filter, 20, cursor.as_deref()).await }
    });
    let candidates = Paged::new(move |cursor: Option<String>| {
        let filter = api::CandidateFilter {
            client_id: id.get_value(),
            ..Default::default()
        };
        async move { api::list_candidates(&filter, 20, cursor.as_deref()).await }
    });
    let users = Paged::new(move |cursor: Option<String>| {
        let filter = ClientUserFilter {
            client_id: id.get_value(),
            ..Default::default()
        };
        async move { api::list_client_users(&filter, cursor.as_deref()).await }
    });

    let set_status = move |status: &'static str| {
        status_busy.set(true);
        leptos::task::spawn_local(async move {
            let body = ClientPatch {
                status: Some(status.to_string()),
                ..Default::default()
            };
            match api::patch_client(&id.get_value(), &body).await {
                Ok(c) => {
                    toasts.success(format!("“{}” is now {}", c.name, c.status));
                    current.set(c);
                }
                Err(e) => toasts.problem(&e),
            }
            status_busy.set(false);
        });
    };

    let code = Signal::derive(move || current.with(|c| c.code.clone()));
    let status = move || current.with(|c| c.status.clone());
    view! {
        <header class="page-header">
            <h1 data-testid="client-title">{move || current.with(|c| c.name.clone())}</h1>
            {move || view! { <StatusBadge status=status() testid="client-status" /> }}
            {move || current.with(|c| c.low_credit).then(|| view! { <LowCreditBadge /> })}
        </header>
        <div class="card summary-card">
            <dl class="facts">
                <Fact label="Client code">
                    <code class="client-code" data-testid="client-code">{move || code.get()}</code>
                    " "
                    <CopyButton value=code label="Copy the client code" testid="copy-code" />
                </Fact>
                <Fact label="Credit balance">
                    <span class="big-number" data-testid="client-balance">{move || current.with(|c| c.credit_balance)}</span>
                    " credits"
                </Fact>
                <Fact label="Credit threshold">
                    <span data-testid="client-threshold">{move || current.with(|c| c.credit_threshold)}</span>
                </Fact>
                <Fact label="Skin">
                    <span data-testid="client-brand-name">{move || current.with(|c| c.brand_name.clone())}</span>
                </Fact>
                <Fact label="Users">{move || current.with(|c| c.user_count)}</Fact>
                {move || current.with(|c| c.address.clone()).map(|a| view! {
                    <Fact label="Address"><span class="pre-line" data-testid="client-address">{a}</span></Fact>
                })}
                {move || current.with(|c| c.notes.clone()).map(|n| view! {
                    <Fact label="Notes"><span class="pre-line" data-testid="client-notes">{n}</span></Fact>
                })}
            </dl>
            <div class="form-actions">
                <A href=move || format!("/reseller/credit-orders/new?code={}", api::enc(&code.get()))
                    attr:class="btn btn-primary" attr:data-testid="order-credits">"Order credits"</A>
                <A href=move || format!("/reseller/client-users/new?client_id={}", api::enc(&id.get_value()))
                    attr:class="btn" attr:data-testid="add-client-user">"Add user"</A>
                {move || match status().as_str() {
                    "active" => view! {
                        <ConfirmButton testid="client-suspend" label="Suspend"
                            question="Suspend this client? Its users cannot sign in and candidates cannot start tests."
                            confirm_label="Suspend" danger=true pending=status_busy
                            on_confirm=Callback::new(move |_| set_status("suspended")) />
                        <ConfirmButton testid="client-archive" label="Archive"
                            question="Archive this client? It disappears from your lists and its users cannot sign in."
                            confirm_label="Archive" danger=true pending=status_busy
                            on_confirm=Callback::new(move |_| set_status("archived")) />
                    }.into_any(),
                    "suspended" => view! {
                        <ConfirmButton testid="client-reactivate" label="Reactivate"
                            question="Reactivate this client?" confirm_label="Reactivate" pending=status_busy
                            on_confirm=Callback::new(move |_| set_status("active")) />
                        <ConfirmButton testid="client-archive" label="Archive"
                            question="Archive this client? It disappears from your lists and its users cannot sign in."
                            confirm_label="Archive" danger=true pending=status_busy
                            on_confirm=Callback::new(move |_| set_status("archived")) />
                    }.into_any(),
                    _ => view! {
                        <ConfirmButton testid="client-reactivate" label="Reactivate"
                            question="Reactivate this archived client?" confirm_label="Reactivate" pending=status_busy
                            on_confirm=Callback::new(move |_| set_status("active")) />
                    }.into_any(),
                }}
            </div>
        </div>
        <div class="two-columns">
            <ClientEditForm client=client.clone() current=current />
            <div class="stack">
                <ClientLogo current=current />
                <TakeBackCredits current=current on_done=Callback::new(move |_| ledger.reload()) />
            </div>
        </div>
        <section class="stack" aria-labelledby="client-users-heading" data-testid="client-users">
            <div class="section-header">
                <h2 id="client-users-heading">"Users"</h2>
                <A href=move || format!("/reseller/client-users/new?client_id={}", api::enc(&id.get_value()))
                    attr:class="btn btn-small">"Add user"</A>
            </div>
            {users.view("This client has no users yet. Add one so they can sign in.", move |items: Vec<ClientUser>| {
                view! {
                    <ClientUserTable items=items login_as=true edit_base="/reseller/client-users"
                        on_changed=Callback::new(move |_| users.reload()) />
                }
            })}
        </section>
        <section class="stack" aria-labelledby="ledger-heading" data-testid="client-ledger">
            <h2 id="ledger-heading">"Credit ledger"</h2>
            {ledger.view("No credit changes yet.", |items: Vec<LedgerEntry>| view! { <LedgerTable items=items base="/reseller" /> })}
        </section>
        <section class="stack" aria-labelledby="projects-heading" data-testid="client-projects">
            <h2 id="projects-heading">"Projects"</h2>
            {projects.view("This client has no projects yet.", |items: Vec<credence_shared::assess::Project>| view! {
                <crate::components::assess::ProjectTable items=items portal=crate::components::assess::Portal::Reseller />
            })}
        </section>
        <section class="stack" aria-labelledby="candidates-heading" data-testid="client-candidates">
            <h2 id="candidates-heading">"Candidates"</h2>
            {candidates.view("This client has no candidates yet.", |items: Vec<credence_shared::assess::Candidate>| view! {
                <crate::components::assess::CandidateTable items=items portal=crate::components::assess::Portal::Reseller />
            })}
        </section>
    }
}

#[component]
fn ClientEditForm(client: Client, current: RwSignal<Client>) -> impl IntoView {
    let toasts = use_toasts();
    let errors: FieldErrors = RwSignal::new(Vec::new());
    let name = RwSignal::new(client.name.clone());
    let contact_name = RwSignal::new(client.contact_name.clone());
    let contact_email = RwSignal::new(client.contact_email.clone());
    let phone = RwSignal::new(client.phone.clone().unwrap_or_default());
    let address = RwSignal::new(client.address.clone().unwrap_or_default());
    let notes = RwSignal::new(client.notes.clone().unwrap_or_default());
    let brand_id = RwSignal::new(client.brand_id.clone());
    let threshold = RwSignal::new(client.credit_threshold.to_string());
    let id = client.id.clone();
    let save = Action::new_local(move |body: &ClientPatch| {
        let body = body.clone();
        let id = id.clone();
        async move {
            match api::patch_client(&id, &body).await {
                Ok(c) => {
                    toasts.success(format!("“{}” saved", c.name));
                    current.set(c);
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
        let credit_threshold = match parse_whole(
            &threshold.get_untracked(),
            "credit_threshold",
            "the threshold",
        ) {
            Ok(t) => t,
            Err(e) => {
                errors.set(vec![e]);
                return;
            }
        };
        // Empty strings clear the optional fields.
        save.dispatch_local(ClientPatch {
            name: Some(name.get_untracked().trim().to_string()),
            contact_name: Some(contact_name.get_untracked().trim().to_string()),
            contact_email: Some(contact_email.get_untracked().trim().to_string()),
            phone: Some(phone.get_untracked().trim().to_string()),
            address: Some(address.get_untracked().trim().to_string()),
            notes: Some(notes.get_untracked().trim().to_string()),
            brand_id: Some(brand_id.get_untracked()),
            credit_threshold,
            status: None,
        });
    };
    view! {
        <form class="card stack" on:submit=on_submit novalidate=true data-testid="client-edit-form">
            <h2>"Details"</h2>
            <ErrorSummary errors=errors known=CLIENT_FIELDS />
            <TextField id="edit-client-name" name="name" label="Client name" required=true value=name errors=errors />
            <TextField id="edit-client-contact-name" name="contact_name" label="Contact name" required=true value=contact_name errors=errors />
            <TextField id="edit-client-contact-email" name="contact_email" label="Contact email" input_type="email" required=true value=contact_email errors=errors />
            <BrandPicker id="edit-client-brand" name="brand_id" label="Brand Portal" value=brand_id errors=errors />
            <TextField id="edit-client-threshold" name="credit_threshold" label="Credit threshold" input_type="number"
                min="0" step="1" value=threshold errors=errors />
            <TextField id="edit-client-phone" name="phone" label="Phone" input_type="tel" value=phone errors=errors />
            <TextAreaField id="edit-client-address" name="address" label="Address" value=address errors=errors />
            <TextAreaField id="edit-client-notes" name="notes" label="Notes" value=notes errors=errors />
            <div class="form-actions">
                <SubmitButton testid="client-save" label="Save changes" busy_label="Saving…" pending=save.pending() />
            </div>
        </form>
    }
}

#[component]
fn ClientLogo(current: RwSignal<Client>) -> impl IntoView {
    let toasts = use_toasts();
    let choice = LogoChoice::new();
    let busy = RwSignal::new(false);
    let upload = move |_| {
        let Some(file) = choice.valid_file() else {
            if choice.error.get_untracked().is_none() {
                choice.error.set(Some("Choose an image first.".into()));
            }
            return;
        };
        busy.set(true);
        let id = current.with_untracked(|c| c.id.clone());
        leptos::task::spawn_local(async move {
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
            busy.set(false);
        });
    };
    let remove = move || {
        busy.set(true);
        let id = current.with_untracked(|c| c.id.clone());
        leptos::task::spawn_local(async move {
            match api::delete_client_logo(&id).await {
                Ok(()) => {
                    toasts.success("Logo removed");
                    current.update(|c| c.logo_url = None);
                }
                Err(e) => toasts.problem(&e),
            }
            busy.set(false);
        });
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

/// Takes unused credits back from the client (a ledger adjustment with a reason).
#[component]
fn TakeBackCredits(current: RwSignal<Client>, on_done: Callback<()>) -> impl IntoView {
    let toasts = use_toasts();
    let errors: FieldErrors = RwSignal::new(Vec::new());
    let credits = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let take = Action::new_local(move |body: &CreditAdjustmentCreate| {
        let body = body.clone();
        let id = current.with_untracked(|c| c.id.clone());
        async move {
            match api::create_credit_adjustment(&id, &body).await {
                Ok(entry) => {
                    toasts.success(format!("{} credits taken back", -entry.delta));
                    current.update(|c| {
                        c.credit_balance = entry.balance_after;
                        c.low_credit = c.credit_balance < c.credit_threshold;
                    });
                    credits.set(String::new());
                    reason.set(String::new());
                    on_done.run(());
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
        let n = match parse_whole(&credits.get_untracked(), "credits", "the credits") {
            Ok(n) => n,
            Err(e) => {
                errors.set(vec![e]);
                return;
            }
        };
        take.dispatch_local(CreditAdjustmentCreate {
            credits: n,
            reason: reason.get_untracked().trim().to_string(),
        });
    };
    view! {
        <form class="card stack" on:submit=on_submit novalidate=true data-testid="take-back-form">
            <h2>"Take back credits"</h2>
            <p class="muted small">"Removes unused credits from the client's balance. This is not a refund on your invoice."</p>
            <ErrorSummary errors=errors known=&["credits", "reason"] />
            <TextField id="take-back-credits" name="credits" label="Credits" input_type="number" min="1" step="1"
                required=true value=credits errors=errors />
            <TextField id="take-back-reason" name="reason" label="Reason" required=true value=reason errors=errors />
            <div class="form-actions">
                <SubmitButton testid="take-back-submit" label="Take back" busy_label="Saving…" pending=take.pending() />
            </div>
        </form>
    }
}
