//! `/admin/resellers…`: resellers — searchable list, create, detail/edit with the reseller's users.

use credence_shared::admin::{Reseller, ResellerCreate, ResellerPatch, ResellerUserCreate};
use credence_shared::auth::User;
use credence_shared::problem::FieldError;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::api;
use crate::components::form::{
    error_for, ErrorSummary, FieldErrorText, FieldErrors, SelectField, SubmitButton, TextField,
};
use crate::components::loaded::Loaded;
use crate::components::paged::Paged;
use crate::components::toast::use_toasts;
use crate::components::widgets::{StatusBadge, TableScroll};
use crate::format;
use crate::pages::reseller::settings::CustomHostCard;
use credence_shared::ResellerStatus;

const RESELLER_FIELDS: &[&str] = &[
    "name",
    "contact_email",
    "discount_percent",
    "currency",
    "custom_host",
    "mail_from",
    "brand_ids",
    "status",
];

#[component]
pub fn ResellerList() -> impl IntoView {
    let search = RwSignal::new(String::new());
    let query = RwSignal::new(String::new());
    let resellers = Paged::new(move |cursor: Option<String>| {
        let q = query.get();
        async move { api::list_resellers(&q, cursor.as_deref()).await }
    });
    let on_search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        query.set(search.get_untracked());
    };
    view! {
        <section class="page" data-testid="reseller-list">
            <header class="page-header">
                <h1>"Resellers"</h1>
                <A href="/admin/resellers/new" attr:class="btn btn-primary" attr:data-testid="reseller-new">
                    "New reseller"
                </A>
                <crate::components::widgets::ExportButton name="resellers.csv"
                    path=Signal::derive(move || api::resellers_export_path(&query.get())) />
            </header>
            <form class="search-bar" role="search" on:submit=on_search>
                <label for="reseller-search">"Search resellers"</label>
                <input id="reseller-search" type="search" data-testid="reseller-search" bind:value=search placeholder="Name or contact email" />
                <button type="submit" class="btn">"Search"</button>
            </form>
            {resellers
                .view(
                    "No resellers match.",
                    |items: Vec<Reseller>| {
                        view! {
                            <TableScroll label="Resellers">
                                <table class="table">
                                    <thead>
                                        <tr>
                                            <th scope="col">"Name"</th>
                                            <th scope="col">"Contact email"</th>
                                            <th scope="col" class="num">"Discount"</th>
                                            <th scope="col">"Currency"</th>
                                            <th scope="col">"Custom host"</th>
                                            <th scope="col">"Status"</th>
                                            <th scope="col" class="num">"Users"</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {items
                                            .into_iter()
                                            .map(|r| {
                                                let href = format!("/admin/resellers/{}", r.id);
                                                let link_name = r.name.clone();
                                                view! {
                                                    <tr data-testid="reseller-row" data-name=r.name.clone()>
                                                        <td><A href=href>{link_name}</A></td>
                                                        <td class="email">{r.contact_email.clone()}</td>
                                                        <td class="num">{format::percent(r.discount_percent)}</td>
                                                        <td>{r.currency.clone()}</td>
                                                        <td>{r.custom_host.clone().unwrap_or_default()}</td>
                                                        <td><StatusBadge status=r.status /></td>
                                                        <td class="num">{r.user_count}</td>
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            </TableScroll>
                        }
                    },
                )}
        </section>
    }
}

/// The skins a reseller may use, as checkboxes.
#[component]
fn BrandChoices(selected: RwSignal<Vec<String>>, errors: FieldErrors) -> impl IntoView {
    let message = error_for(errors, "brand_ids");
    view! {
        <fieldset class="field checkbox-group" aria-describedby="brand-ids-hint" data-testid="brand-choices">
            <legend>"Brand skins this reseller may use"</legend>
            <p class="field-hint" id="brand-ids-hint">"The first one ticked is the reseller's default skin."</p>
            <Loaded fetch=|| api::list_brands(None) loading_label="Loading brand skins…" let:page>
                {if page.data.is_empty() {
                    view! { <p class="muted">"There are no brand skins yet."</p> }.into_any()
                } else {
                    page
                        .data
                        .into_iter()
                        .map(|b| {
                            let input_id = format!("brand-opt-{}", b.id);
                            let id_check = b.id.clone();
                            let id_toggle = b.id.clone();
                            view! {
                                <div class="checkbox">
                                    <input
                                        type="checkbox"
                                        id=input_id.clone()
                                        data-testid=format!("brand-option-{}", b.id)
                                        value=b.id.clone()
                                        prop:checked=move || selected.with(|s| s.contains(&id_check))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            selected.update(|s| {
                                                s.retain(|x| x != &id_toggle);
                                                if on {
                                                    s.push(id_toggle.clone());
                                                }
                                            });
                                        }
                                    />
                                    <label for=input_id>{b.name.clone()}</label>
                                </div>
                            }
                        })
                        .collect_view()
                        .into_any()
                }}
            </Loaded>
            <FieldErrorText id="brand-ids-error" name="brand_ids" message=message />
        </fieldset>
    }
}

/// Form state shared by create and edit.
#[derive(Clone, Copy)]
struct ResellerFields {
    name: RwSignal<String>,
    contact_email: RwSignal<String>,
    discount: RwSignal<String>,
    currency: RwSignal<String>,
    custom_host: RwSignal<String>,
    mail_from: RwSignal<String>,
    brand_ids: RwSignal<Vec<String>>,
    status: RwSignal<String>,
}

impl ResellerFields {
    fn new(r: Option<&Reseller>) -> Self {
        ResellerFields {
            name: RwSignal::new(r.map(|r| r.name.clone()).unwrap_or_default()),
            contact_email: RwSignal::new(r.map(|r| r.contact_email.clone()).unwrap_or_default()),
            discount: RwSignal::new(
                r.map(|r| r.discount_percent.to_string())
                    .unwrap_or_default(),
            ),
            currency: RwSignal::new(
                r.map(|r| r.currency.clone())
                    .unwrap_or_else(|| "GBP".into()),
            ),
            custom_host: RwSignal::new(r.and_then(|r| r.custom_host.clone()).unwrap_or_default()),
            mail_from: RwSignal::new(r.and_then(|r| r.mail_from.clone()).unwrap_or_default()),
            brand_ids: RwSignal::new(r.map(|r| r.brand_ids.clone()).unwrap_or_default()),
            status: RwSignal::new(
                r.map(|r| r.status)
                    .unwrap_or(ResellerStatus::Active)
                    .as_str()
                    .to_string(),
            ),
        }
    }

    /// The discount as a number, or the field error to show instead.
    fn discount_percent(&self) -> Result<Option<f64>, FieldError> {
        let raw = self.discount.get_untracked();
        let raw = raw.trim();
        if raw.is_empty() {
            return Ok(None);
        }
        raw.parse::<f64>().map(Some).map_err(|_| FieldError {
            field: "discount_percent".into(),
            code: "invalid".into(),
            message: "Enter the discount as a number, e.g. 20 or 12.5.".into(),
        })
    }

    fn custom_host(&self) -> Option<String> {
        let h = self.custom_host.get_untracked().trim().to_string();
        (!h.is_empty()).then_some(h)
    }

    fn mail_from(&self) -> Option<String> {
        let m = self.mail_from.get_untracked().trim().to_string();
        (!m.is_empty()).then_some(m)
    }
}

#[component]
fn ResellerFormFields(
    fields: ResellerFields,
    errors: FieldErrors,
    #[prop(optional)] with_status: bool,
) -> impl IntoView {
    view! {
        <ErrorSummary errors=errors known=RESELLER_FIELDS />
        <TextField id="reseller-name" name="name" label="Name" required=true value=fields.name errors=errors />
        <TextField id="reseller-contact-email" name="contact_email" label="Contact email" input_type="email"
            required=true value=fields.contact_email errors=errors />
        <div class="field-row">
            <TextField id="reseller-discount" name="discount_percent" label="Discount (%)" input_type="number"
                step="0.01" min="0" max="100" required=true value=fields.discount errors=errors
                hint="Off the list price per credit, up to two decimals." />
            <SelectField id="reseller-currency" name="currency" label="Currency" required=true
                value=fields.currency errors=errors options=format::currency_options() />
        </div>
        <TextField id="reseller-custom-host" name="custom_host" label="Custom host" value=fields.custom_host
            errors=errors placeholder="assess.partner.example"
            hint="Optional. Portals on this host show the reseller's default skin." />
        <TextField id="reseller-mail-from" name="mail_from" label="Mail From address" input_type="email"
            value=fields.mail_from errors=errors placeholder="no-reply@partner.example"
            hint="Optional. Emails to this reseller, its clients and their candidates come from this address; use only a domain the reseller has verified with its mail provider. Empty: the platform address." />
        {with_status.then(|| view! {
            <SelectField id="reseller-status" name="status" label="Status" required=true value=fields.status
                errors=errors options=ResellerStatus::ALL.iter().map(|s| (s.as_str().to_string(), s.label())).collect() />
        })}
        <BrandChoices selected=fields.brand_ids errors=errors />
    }
}

#[component]
pub fn ResellerNew() -> impl IntoView {
    let toasts = use_toasts();
    let navigate = use_navigate();
    let fields = ResellerFields::new(None);
    let errors: FieldErrors = RwSignal::new(Vec::new());
    let create = Action::new_local(move |body: &ResellerCreate| {
        let body = body.clone();
        let navigate = navigate.clone();
        async move {
            match api::create_reseller(&body).await {
                Ok(r) => {
                    toasts.success(format!("Reseller “{}” created", r.name));
                    navigate(&format!("/admin/resellers/{}", r.id), Default::default());
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
        let discount = match fields.discount_percent() {
            Ok(d) => d,
            Err(e) => {
                errors.set(vec![e]);
                return;
            }
        };
        create.dispatch_local(ResellerCreate {
            name: fields.name.get_untracked().trim().to_string(),
            contact_email: fields.contact_email.get_untracked().trim().to_string(),
            discount_percent: discount,
            currency: fields.currency.get_untracked(),
            custom_host: fields.custom_host(),
            mail_from: fields.mail_from(),
            brand_ids: fields.brand_ids.get_untracked(),
        });
    };
    view! {
        <section class="page" data-testid="reseller-new-page">
            <header class="page-header"><h1>"New reseller"</h1></header>
            <form class="card stack form-narrow" on:submit=on_submit novalidate=true data-testid="reseller-form">
                <ResellerFormFields fields=fields errors=errors />
                <div class="form-actions">
                    <SubmitButton testid="reseller-submit" label="Create reseller" busy_label="Creating…" pending=create.pending() />
                    <A href="/admin/resellers" attr:class="btn btn-ghost">"Cancel"</A>
                </div>
            </form>
        </section>
    }
}

#[component]
pub fn ResellerDetail() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id")).unwrap_or_default();
    let load = move || {
        let id = id();
        async move { api::get_reseller(&id).await }
    };
    view! {
        <section class="page" data-testid="reseller-detail">
            <Loaded fetch=load error_heading="Reseller" let:r>
                <ResellerEditor reseller=r />
            </Loaded>
        </section>
    }
}

#[component]
fn ResellerEditor(reseller: Reseller) -> impl IntoView {
    let toasts = use_toasts();
    let fields = ResellerFields::new(Some(&reseller));
    let errors: FieldErrors = RwSignal::new(Vec::new());
    let title = RwSignal::new(reseller.name.clone());
    let id = reseller.id.clone();
    let save = Action::new_local(move |body: &ResellerPatch| {
        let body = body.clone();
        let id = id.clone();
        async move {
            match api::patch_reseller(&id, &body).await {
                Ok(r) => {
                    title.set(r.name.clone());
                    toasts.success(format!("Reseller “{}” saved", r.name));
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
        let discount = match fields.discount_percent() {
            Ok(d) => d,
            Err(e) => {
                errors.set(vec![e]);
                return;
            }
        };
        save.dispatch_local(ResellerPatch {
            name: Some(fields.name.get_untracked().trim().to_string()),
            contact_email: Some(fields.contact_email.get_untracked().trim().to_string()),
            discount_percent: discount,
            currency: Some(fields.currency.get_untracked()),
            // An empty string removes the custom host.
            custom_host: Some(fields.custom_host().unwrap_or_default()),
            // An empty string goes back to the platform address.
            mail_from: Some(fields.mail_from().unwrap_or_default()),
            brand_ids: Some(fields.brand_ids.get_untracked()),
            status: Some(fields.status.get_untracked()),
        });
    };
    view! {
        <header class="page-header">
            <h1 data-testid="reseller-title">{move || title.get()}</h1>
            <StatusBadge status=reseller.status />
        </header>
        <div class="two-columns">
            <form class="card stack" on:submit=on_submit novalidate=true data-testid="reseller-edit-form">
                <h2>"Details"</h2>
                <ResellerFormFields fields=fields errors=errors with_status=true />
                <div class="form-actions">
                    <SubmitButton testid="reseller-save" label="Save changes" busy_label="Saving…" pending=save.pending() />
                </div>
            </form>
            <div class="stack">
                <CustomHostCard reseller_id=reseller.id.clone() />
                <ResellerUsers reseller_id=reseller.id.clone() />
            </div>
        </div>
    }
}

#[component]
fn ResellerUsers(reseller_id: String) -> impl IntoView {
    let toasts = use_toasts();
    let list_id = reseller_id.clone();
    let users = Paged::new(move |cursor: Option<String>| {
        let id = list_id.clone();
        async move { api::list_reseller_users(&id, cursor.as_deref()).await }
    });
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let errors: FieldErrors = RwSignal::new(Vec::new());
    let add = Action::new_local(move |body: &ResellerUserCreate| {
        let body = body.clone();
        let id = reseller_id.clone();
        async move {
            match api::create_reseller_user(&id, &body).await {
                Ok(user) => {
                    toasts.success(format!("Welcome email sent to {}", user.email));
                    name.set(String::new());
                    email.set(String::new());
                    users.reload();
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
        add.dispatch_local(ResellerUserCreate {
            name: name.get_untracked().trim().to_string(),
            email: email.get_untracked().trim().to_string(),
        });
    };
    view! {
        <section class="card stack" aria-labelledby="reseller-users-heading" data-testid="reseller-users">
            <h2 id="reseller-users-heading">"Users"</h2>
            {users
                .view(
                    "This reseller has no users yet.",
                    |items: Vec<User>| {
                        view! {
                            <TableScroll label="Reseller users">
                                <table class="table">
                                    <thead>
                                        <tr>
                                            <th scope="col">"Name"</th>
                                            <th scope="col">"Email"</th>
                                            <th scope="col">"Status"</th>
                                            <th scope="col">"Last sign-in"</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {items
                                            .into_iter()
                                            .map(|u| {
                                                view! {
                                                    <tr data-testid="reseller-user-row" data-email=u.email.clone()>
                                                        <td>{u.name.clone()}</td>
                                                        <td class="email">{u.email.clone()}</td>
                                                        <td><StatusBadge status=u.status /></td>
                                                        <td>{u.last_login_at.as_ref().map(format::date_time).unwrap_or_else(|| "Never".into())}</td>
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            </TableScroll>
                        }
                    },
                )}
            <form class="stack add-user" on:submit=on_submit novalidate=true data-testid="add-user-form">
                <h3>"Add user"</h3>
                <p class="muted small">"They get a welcome email with a link to choose their password."</p>
                <ErrorSummary errors=errors known=&["name", "email"] />
                <TextField id="new-user-name" name="name" label="Name" required=true value=name errors=errors />
                <TextField id="new-user-email" name="email" label="Email" input_type="email" required=true value=email errors=errors />
                <div class="form-actions">
                    <SubmitButton testid="add-user-submit" label="Add user" busy_label="Adding…" pending=add.pending() />
                </div>
            </form>
        </section>
    }
}
