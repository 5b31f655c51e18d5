//! `/admin/brands…`: brand skins — list with swatches, create and edit with a live preview, logo upload.

use credence_shared::admin::{Brand, BrandCreate, BrandPatch};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use wasm_bindgen::JsCast;

use crate::api;
use crate::branding::{parse_hex, readable_on};
use crate::components::form::{ColorField, ErrorSummary, FieldErrors, SubmitButton, TextField};
use crate::components::loaded::Loaded;
use crate::components::logo_file;
use crate::components::paged::Paged;
use crate::components::toast::use_toasts;
use crate::components::widgets::TableScroll;
use crate::format;

const BRAND_FIELDS: &[&str] = &[
    "name",
    "product_name",
    "primary_color",
    "accent_color",
    "background_color",
    "text_color",
];

#[component]
fn Swatches(brand: Brand) -> impl IntoView {
    let colours = [
        ("Primary", brand.primary_color),
        ("Accent", brand.accent_color),
        ("Background", brand.background_color),
        ("Text", brand.text_color),
    ];
    view! {
        <span class="swatches">
            {colours
                .into_iter()
                .map(|(label, colour)| {
                    view! {
                        <span
                            class="swatch"
                            style=format!("background-color: {colour}")
                            title=format!("{label} {colour}")
                            role="img"
                            aria-label=format!("{label} colour {colour}")
                        ></span>
                    }
                })
                .collect_view()}
        </span>
    }
}

#[component]
pub fn BrandList() -> impl IntoView {
    let brands =
        Paged::new(
            |cursor: Option<String>| async move { api::list_brands(cursor.as_deref()).await },
        );
    view! {
        <section class="page" data-testid="brand-list">
            <header class="page-header">
                <h1>"Brand skins"</h1>
                <A href="/admin/brands/new" attr:class="btn btn-primary" attr:data-testid="brand-new">
                    "New brand skin"
                </A>
            </header>
            {brands
                .view(
                    "There are no brand skins yet.",
                    |items: Vec<Brand>| {
                        view! {
                            <TableScroll label="Brand skins">
                                <table class="table">
                                    <thead>
                                        <tr>
                                            <th scope="col">"Name"</th>
                                            <th scope="col">"Product name"</th>
                                            <th scope="col">"Colours"</th>
                                            <th scope="col">"Logo"</th>
                                            <th scope="col">"Updated"</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {items
                                            .into_iter()
                                            .map(|b| {
                                                let href = format!("/admin/brands/{}", b.id);
                                                let link_name = b.name.clone();
                                                let logo_alt = format!("{} logo", b.name);
                                                view! {
                                                    <tr data-testid="brand-row" data-name=b.name.clone()>
                                                        <td>
                                                            <A href=href>{link_name}</A>
                                                            {b.is_default.then(|| view! { <span class="badge">"Default"</span> })}
                                                        </td>
                                                        <td>{b.product_name.clone()}</td>
                                                        <td><Swatches brand=b.clone() /></td>
                                                        <td>
                                                            {b
                                                                .logo_url
                                                                .clone()
                                                                .map(|src| view! { <img class="logo-thumb" src=src alt=logo_alt.clone() /> })}
                                                        </td>
                                                        <td>{format::date(&b.updated_at)}</td>
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

/// What a skin looks like, from the form's current values.
#[component]
fn BrandPreview(
    product_name: RwSignal<String>,
    primary: RwSignal<String>,
    accent: RwSignal<String>,
    background: RwSignal<String>,
    text: RwSignal<String>,
    #[prop(into)] logo_url: Signal<Option<String>>,
) -> impl IntoView {
    let colour = |s: RwSignal<String>, fallback: &'static str| {
        move || {
            let v = s.get();
            if parse_hex(&v).is_some() {
                v
            } else {
                fallback.to_string()
            }
        }
    };
    let p = colour(primary, "#2f5bea");
    let a = colour(accent, "#f5a524");
    let bg = colour(background, "#ffffff");
    let tx = colour(text, "#1c2330");
    let on = |c: String| parse_hex(&c).map(readable_on).unwrap_or("#ffffff");
    let style = move || {
        format!(
            "--pv-primary:{};--pv-on-primary:{};--pv-accent:{};--pv-on-accent:{};--pv-bg:{};--pv-text:{}",
            p(),
            on(p()),
            a(),
            on(a()),
            bg(),
            tx()
        )
    };
    view! {
        <figure class="brand-preview" style=style data-testid="brand-preview" aria-label="Preview of the skin">
            <div class="pv-bar">
                {move || logo_url.get().map(|src| view! { <img src=src alt="" class="pv-logo" /> })}
                <strong>{move || { let n = product_name.get(); if n.trim().is_empty() { "Product name".to_string() } else { n } }}</strong>
            </div>
            <div class="pv-body">
                <p class="pv-heading">"Numerical reasoning"</p>
                <p>"Candidates see this skin in the test area."</p>
                <div class="pv-actions">
                    <span class="pv-button">"Start test"</span>
                    <span class="pv-accent">"12 minutes"</span>
                </div>
            </div>
            <figcaption class="sr-only">"Live preview"</figcaption>
        </figure>
    }
}

/// The six fields of a skin, with a live preview; used by create and edit.
#[component]
fn BrandForm(
    initial: BrandCreate,
    #[prop(into)] submit_label: String,
    errors: FieldErrors,
    #[prop(into)] pending: Signal<bool>,
    on_submit: Callback<BrandCreate>,
    #[prop(optional, into)] logo_url: Signal<Option<String>>,
) -> impl IntoView {
    let name = RwSignal::new(initial.name);
    let product_name = RwSignal::new(initial.product_name);
    let primary = RwSignal::new(initial.primary_color);
    let accent = RwSignal::new(initial.accent_color);
    let background = RwSignal::new(initial.background_color);
    let text = RwSignal::new(initial.text_color);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        on_submit.run(BrandCreate {
            name: name.get_untracked().trim().to_string(),
            product_name: product_name.get_untracked().trim().to_string(),
            primary_color: primary.get_untracked().trim().to_string(),
            accent_color: accent.get_untracked().trim().to_string(),
            background_color: background.get_untracked().trim().to_string(),
            text_color: text.get_untracked().trim().to_string(),
        });
    };
    view! {
        <div class="form-with-preview">
            <form class="card stack" on:submit=submit novalidate=true data-testid="brand-form">
                <ErrorSummary errors=errors known=BRAND_FIELDS />
                <TextField id="brand-name" name="name" label="Name" required=true value=name errors=errors
                    hint="Only staff see this name." />
                <TextField id="brand-product-name" name="product_name" label="Product name" required=true
                    value=product_name errors=errors hint="Shown to users and candidates, e.g. in the page header." />
                <div class="color-grid">
                    <ColorField id="brand-primary" name="primary_color" label="Primary colour" value=primary errors=errors />
                    <ColorField id="brand-accent" name="accent_color" label="Accent colour" value=accent errors=errors />
                    <ColorField id="brand-background" name="background_color" label="Background colour" value=background errors=errors />
                    <ColorField id="brand-text" name="text_color" label="Text colour" value=text errors=errors />
                </div>
                <div class="form-actions">
                    <SubmitButton testid="brand-submit" label=submit_label busy_label="Saving…" pending=pending />
                    <A href="/admin/brands" attr:class="btn btn-ghost">"Cancel"</A>
                </div>
            </form>
            <BrandPreview product_name primary accent background text logo_url />
        </div>
    }
}

#[component]
pub fn BrandNew() -> impl IntoView {
    let toasts = use_toasts();
    let navigate = use_navigate();
    let errors: FieldErrors = RwSignal::new(Vec::new());
    let create = Action::new_local(move |body: &BrandCreate| {
        let body = body.clone();
        let navigate = navigate.clone();
        async move {
            match api::create_brand(&body).await {
                Ok(brand) => {
                    toasts.success(format!("Brand skin “{}” created", brand.name));
                    navigate(&format!("/admin/brands/{}", brand.id), Default::default());
                }
                Err(err) => {
                    errors.set(err.field_errors());
                    toasts.problem(&err);
                }
            }
        }
    });
    let initial = BrandCreate {
        name: String::new(),
        product_name: String::new(),
        primary_color: "#2f5bea".into(),
        accent_color: "#f5a524".into(),
        background_color: "#ffffff".into(),
        text_color: "#1c2330".into(),
    };
    view! {
        <section class="page" data-testid="brand-new-page">
            <header class="page-header">
                <h1>"New brand skin"</h1>
            </header>
            <BrandForm
                initial=initial
                submit_label="Create brand skin"
                errors=errors
                pending=create.pending()
                on_submit=Callback::new(move |body| {
                    errors.set(Vec::new());
                    create.dispatch_local(body);
                })
            />
        </section>
    }
}

#[component]
pub fn BrandEdit() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id")).unwrap_or_default();
    let brand_changed = Trigger::new();
    let load = move || {
        brand_changed.track();
        let id = id();
        async move { api::get_brand(&id).await }
    };
    view! {
        <section class="page" data-testid="brand-edit-page">
            <Loaded fetch=load error_heading="Brand skin" let:b>
                <BrandEditor brand=b on_changed=Callback::new(move |_| brand_changed.notify()) />
            </Loaded>
        </section>
    }
}

#[component]
fn BrandEditor(brand: Brand, on_changed: Callback<()>) -> impl IntoView {
    let toasts = use_toasts();
    let errors: FieldErrors = RwSignal::new(Vec::new());
    let id = brand.id.clone();
    let save = Action::new_local(move |body: &BrandCreate| {
        let body = body.clone();
        let id = id.clone();
        async move {
            let patch = BrandPatch {
                name: Some(body.name),
                product_name: Some(body.product_name),
                primary_color: Some(body.primary_color),
                accent_color: Some(body.accent_color),
                background_color: Some(body.background_color),
                text_color: Some(body.text_color),
            };
            match api::patch_brand(&id, &patch).await {
                Ok(b) => toasts.success(format!("Brand skin “{}” saved", b.name)),
                Err(err) => {
                    errors.set(err.field_errors());
                    toasts.problem(&err);
                }
            }
        }
    });
    let logo_url = brand.logo_url.clone();
    let initial = BrandCreate {
        name: brand.name.clone(),
        product_name: brand.product_name.clone(),
        primary_color: brand.primary_color.clone(),
        accent_color: brand.accent_color.clone(),
        background_color: brand.background_color.clone(),
        text_color: brand.text_color.clone(),
    };
    let preview_logo = logo_url.clone();
    view! {
        <header class="page-header">
            <h1 data-testid="brand-title">{brand.name.clone()}</h1>
            {brand.is_default.then(|| view! { <span class="badge">"Default skin"</span> })}
        </header>
        <BrandForm
            initial=initial
            submit_label="Save changes"
            errors=errors
            pending=save.pending()
            logo_url=Signal::derive(move || preview_logo.clone())
            on_submit=Callback::new(move |body| {
                errors.set(Vec::new());
                save.dispatch_local(body);
            })
        />
        <LogoUpload brand_id=brand.id.clone() current=logo_url on_uploaded=on_changed />
    }
}

/// Pick a PNG, JPEG or WebP of at most 1 MiB, preview it, then upload its bytes as they are.
#[component]
fn LogoUpload(
    brand_id: String,
    current: Option<String>,
    on_uploaded: Callback<()>,
) -> impl IntoView {
    let toasts = use_toasts();
    let file = RwSignal::new_local(None::<web_sys::File>);
    let preview = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);

    let set_preview = move |url: Option<String>| {
        if let Some(old) = preview.get_untracked() {
            let _ = web_sys::Url::revoke_object_url(&old);
        }
        preview.set(url);
    };

    // A refused file is neither kept nor previewed (the field is emptied); the error stays.
    let on_change = move |ev: leptos::ev::Event| {
        error.set(None);
        file.set(None);
        set_preview(None);
        let input: web_sys::HtmlInputElement = match ev.target().and_then(|t| t.dyn_into().ok()) {
            Some(i) => i,
            None => return,
        };
        let Some(f) = input.files().and_then(|fs| fs.get(0)) else {
            return;
        };
        leptos::task::spawn_local(async move {
            match logo_file::check(&f).await {
                Ok(()) => {
                    set_preview(web_sys::Url::create_object_url_with_blob(&f).ok());
                    file.set(Some(f));
                }
                Err(message) => {
                    input.set_value("");
                    error.set(Some(message));
                }
            }
        });
    };

    let upload_logo = Action::new_local(move |f: &web_sys::File| {
        let (id, f) = (brand_id.clone(), f.clone());
        async move {
            match api::upload_brand_logo(&id, &f).await {
                Ok(()) => {
                    toasts.success("Logo uploaded");
                    file.set(None);
                    set_preview(None);
                    on_uploaded.run(());
                }
                Err(err) => {
                    error.set(Some(err.message()));
                    toasts.problem(&err);
                }
            }
        }
    });
    let uploading = upload_logo.pending();
    let upload = move |_| {
        let Some(f) = file.get_untracked() else {
            error.set(Some("Choose an image first.".into()));
            return;
        };
        error.set(None);
        upload_logo.dispatch_local(f);
    };

    view! {
        <section class="card stack logo-upload" aria-labelledby="logo-heading" data-testid="logo-upload">
            <h2 id="logo-heading">"Logo"</h2>
            <div class="logo-row">
                <div class="logo-box">
                    <p class="small muted">"Current"</p>
                    {match current {
                        Some(src) => view! { <img src=src alt="Current logo" class="logo-preview" data-testid="logo-current" /> }.into_any(),
                        None => view! { <p class="muted">"No logo yet"</p> }.into_any(),
                    }}
                </div>
                <Show when=move || preview.get().is_some()>
                    <div class="logo-box">
                        <p class="small muted">"New"</p>
                        <img src=move || preview.get().unwrap_or_default() alt="Logo to upload" class="logo-preview" data-testid="logo-preview" />
                    </div>
                </Show>
            </div>
            <div class="field">
                <label for="logo-file">"Image file"</label>
                <p class="field-hint" id="logo-file-hint">"PNG, JPEG or WebP, at most 1 MiB."</p>
                <input
                    type="file"
                    id="logo-file"
                    data-testid="logo-file"
                    accept=logo_file::ACCEPT
                    aria-describedby="logo-file-hint"
                    on:change=on_change
                />
            </div>
            <Show when=move || error.get().is_some()>
                <div class="alert alert-error" role="alert" data-testid="logo-error">{move || error.get().unwrap_or_default()}</div>
            </Show>
            <div class="form-actions">
                <button
                    type="button"
                    class="btn btn-primary"
                    data-testid="logo-upload-submit"
                    disabled=move || uploading.get() || file.with(|f| f.is_none())
                    on:click=upload
                >
                    {move || if uploading.get() { "Uploading…" } else { "Upload logo" }}
                </button>
            </div>
        </section>
    }
}
