//! `/admin/tests`: the test catalogue as the vendor manages it — each test's name, category,
//! credit cost and availability. A new cost applies to new invitations only; an inactive test
//! is not offered for new projects, while projects that have it keep working.

use credence_shared::admin::{CatalogueTest, CatalogueTestPatch};
use credence_shared::problem::FieldError;
use leptos::prelude::*;

use crate::api;
use crate::components::form::{
    parse_whole, ErrorSummary, FieldErrors, SelectField, SubmitButton, TextField,
};
use crate::components::loaded::Loaded;
use crate::components::toast::use_toasts;
use crate::components::widgets::TableScroll;

const CATEGORIES: [&str; 4] = ["numerical", "verbal", "inductive", "personality"];

#[component]
pub fn TestCatalogue() -> impl IntoView {
    let version = RwSignal::new(0u32);
    let editing: RwSignal<Option<CatalogueTest>> = RwSignal::new(None);
    let load = move || {
        version.track();
        async { api::list_catalogue().await }
    };
    view! {
        <section class="page" data-testid="tests-page">
            <header class="page-header"><h1>"Tests"</h1></header>
            <p class="muted">
                "The tests clients can put in projects and what each costs per invitation. A new cost applies to "
                "invitations made from now on: earlier invitations keep their charge and refund it. An inactive test "
                "is not offered for new projects; projects that have it keep working."
            </p>
            <Loaded fetch=load keep_while_reloading=true let:page>
                <TableScroll label="Tests">
                    <table class="table" data-testid="tests-table">
                        <thead>
                            <tr>
                                <th scope="col">"Test"</th>
                                <th scope="col">"Category"</th>
                                <th scope="col" class="num">"Credits per invitation"</th>
                                <th scope="col">"Status"</th>
                                <th scope="col">"Actions"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {page.data.into_iter().map(|t| {
                                let (class, label) = if t.active {
                                    ("badge badge-ok", "Active")
                                } else {
                                    ("badge badge-muted", "Inactive")
                                };
                                let row = t.clone();
                                view! {
                                    <tr data-testid="test-row" data-slug=t.slug.clone()>
                                        <td>{t.name.clone()}</td>
                                        <td>{t.category.clone()}</td>
                                        <td class="num" data-testid="test-cost">{t.credit_cost}</td>
                                        <td><span class=class data-testid="test-status">{label}</span></td>
                                        <td class="actions">
                                            <button type="button" class="btn btn-small" data-testid="edit-test"
                                                on:click=move |_| editing.set(Some(row.clone()))>
                                                "Edit"
                                            </button>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </TableScroll>
            </Loaded>
            {move || editing.get().map(|t| view! {
                <TestForm test=t
                    on_saved=Callback::new(move |_| { editing.set(None); version.update(|v| *v += 1); })
                    on_cancel=Callback::new(move |_| editing.set(None)) />
            })}
        </section>
    }
}

#[component]
fn TestForm(test: CatalogueTest, on_saved: Callback<()>, on_cancel: Callback<()>) -> impl IntoView {
    let toasts = use_toasts();
    let errors: FieldErrors = RwSignal::new(Vec::new());
    let name = RwSignal::new(test.name.clone());
    let category = RwSignal::new(test.category.clone());
    let cost = RwSignal::new(test.credit_cost.to_string());
    let active = RwSignal::new(test.active);
    let id = test.id.clone();
    let save = Action::new_local(move |body: &CatalogueTestPatch| {
        let body = body.clone();
        let id = id.clone();
        async move {
            match api::patch_catalogue_test(&id, &body).await {
                Ok(t) => {
                    toasts.success(format!("{} saved", t.name));
                    on_saved.run(());
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
        let credit_cost = match parse_whole(
            &cost.get_untracked(),
            "credit_cost",
            "the credits per invitation",
        ) {
            Ok(Some(c)) => c,
            Ok(None) => {
                errors.set(vec![FieldError {
                    field: "credit_cost".into(),
                    code: "required".into(),
                    message: "Enter the credits per invitation, 0 to 1000.".into(),
                }]);
                return;
            }
            Err(e) => {
                errors.set(vec![e]);
                return;
            }
        };
        errors.set(Vec::new());
        save.dispatch_local(CatalogueTestPatch {
            name: Some(name.get_untracked()),
            category: Some(category.get_untracked()),
            credit_cost: Some(credit_cost),
            active: Some(active.get_untracked()),
        });
    };
    let options = CATEGORIES
        .iter()
        .map(|c| (c.to_string(), c.to_string()))
        .collect();
    let heading = format!("Edit {}", test.name);
    view! {
        <form class="card stack form-narrow" on:submit=on_submit novalidate=true data-testid="test-form">
            <h2>{heading}</h2>
            <ErrorSummary errors=errors known=&["name", "category", "credit_cost"] />
            <TextField id="test-name" name="name" label="Name" required=true value=name errors=errors />
            <SelectField id="test-category" name="category" label="Category" required=true
                value=category errors=errors options=options />
            <TextField id="test-cost" name="credit_cost" label="Credits per invitation"
                input_type="number" step="1" min="0" max="1000" required=true value=cost errors=errors
                hint="0 to 1000. Applies to invitations made from now on." />
            <div class="checkbox">
                <input type="checkbox" id="test-active" data-testid="test-active"
                    prop:checked=move || active.get()
                    on:change=move |ev| active.set(event_target_checked(&ev)) />
                <label for="test-active">"Active (offered for new projects)"</label>
            </div>
            <div class="form-actions">
                <SubmitButton testid="test-save" label="Save test" busy_label="Saving…" pending=save.pending() />
                <button type="button" class="btn btn-secondary" data-testid="test-cancel"
                    on:click=move |_| on_cancel.run(())>"Cancel"</button>
            </div>
        </form>
    }
}
