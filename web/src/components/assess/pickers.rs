//! The project picker and the test catalogue picker of the forms.

use credence_shared::assess::{ProjectTestInput, TestSummary};
use leptos::prelude::*;

use crate::api::{self, ProjectFilter};
use crate::components::form::{error_for, FieldErrorText, FieldErrors, SelectField};
use crate::components::loaded::Loaded;

use crate::format::{humanise, plural};

/// A select of projects (optionally of one client only); blank is `blank_label`.
#[component]
pub fn ProjectPicker(
    #[prop(into)] id: String,
    name: &'static str,
    #[prop(into)] label: String,
    value: RwSignal<String>,
    errors: FieldErrors,
    #[prop(into)] blank_label: String,
    /// Only this client's projects (blank: all).
    #[prop(optional, into)]
    client_id: Signal<String>,
) -> impl IntoView {
    let load = move || {
        let filter = ProjectFilter {
            client_id: client_id.get(),
            ..Default::default()
        };
        async move { api::list_projects(&filter, 200, None).await }
    };
    view! {
        <Loaded fetch=load loading_label="Loading projects…" let:page>
            {
                let mut options = vec![(String::new(), blank_label.clone())];
                options.extend(page.data.into_iter().map(|p| (p.id, p.name)));
                view! { <SelectField id=id.clone() name=name label=label.clone() value=value errors=errors options=options /> }
            }
        </Loaded>
    }
}

/// The catalogue as cards: a checkbox per test and a norm-group select (the first by default).
#[component]
pub fn TestPicker(
    chosen: RwSignal<Vec<ProjectTestInput>>,
    /// Filled once the catalogue has loaded (the form reads costs from it).
    catalogue: RwSignal<Vec<TestSummary>>,
    errors: FieldErrors,
) -> impl IntoView {
    let message = error_for(errors, "tests");
    view! {
        <fieldset class="field test-picker" data-testid="test-picker" class:field-invalid=move || message.get().is_some()>
            <legend>"Tests" <span class="required" aria-hidden="true">" *"</span></legend>
            <p class="field-hint">"Pick one or more tests, and the norm group each candidate is compared with."</p>
            <Loaded fetch=api::list_tests loading_label="Loading the test catalogue…" let:page>
                {
                    catalogue.set(page.data.clone());
                    view! {
                        <div class="test-cards">
                            {page.data.into_iter().map(|t| view! { <TestCard test=t chosen=chosen /> }).collect_view()}
                        </div>
                    }
                }
            </Loaded>
            <FieldErrorText id="project-tests-error" name="tests" message=message />
        </fieldset>
    }
}

#[component]
fn TestCard(test: TestSummary, chosen: RwSignal<Vec<ProjectTestInput>>) -> impl IntoView {
    let test_id = StoredValue::new(test.id.clone());
    let first_group = test
        .norm_groups
        .first()
        .map(|g| g.id.clone())
        .unwrap_or_default();
    // The norm group shown in the select, kept while the test is unticked.
    let group = RwSignal::new(
        chosen
            .with_untracked(|c| {
                c.iter()
                    .find(|x| x.test_id == test.id)
                    .map(|x| x.norm_group_id.clone())
            })
            .unwrap_or(first_group),
    );
    let is_chosen = move || chosen.with(|c| c.iter().any(|x| x.test_id == test_id.get_value()));
    let toggle = move |on: bool| {
        let id = test_id.get_value();
        chosen.update(|c| {
            c.retain(|x| x.test_id != id);
            if on {
                c.push(ProjectTestInput {
                    test_id: id.clone(),
                    norm_group_id: group.get_untracked(),
                });
            }
        });
    };
    let set_group = move |g: String| {
        group.set(g.clone());
        let id = test_id.get_value();
        chosen.update(|c| {
            if let Some(x) = c.iter_mut().find(|x| x.test_id == id) {
                x.norm_group_id = g;
            }
        });
    };
    let check_id = format!("test-{}", test.id);
    let norm_id = format!("norm-{}", test.id);
    let meta = match (test.timed, test.duration_seconds) {
        (true, Some(s)) => format!(
            "{} · {} minutes · {} questions",
            humanise(&test.category),
            s / 60,
            test.question_count
        ),
        _ => format!(
            "{} · untimed · {} questions",
            humanise(&test.category),
            test.question_count
        ),
    };
    view! {
        <div class="test-card" class:test-card-selected=is_chosen data-testid="test-card" data-test-name=test.name.clone()>
            <div class="checkbox">
                <input type="checkbox" id=check_id.clone() data-testid="test-check"
                    prop:checked=is_chosen on:change=move |ev| toggle(event_target_checked(&ev)) />
                <label for=check_id class="test-name">{test.name.clone()}</label>
            </div>
            <p class="small muted">{meta}</p>
            <p class="small">{test.description.clone()}</p>
            <p class="small"><strong>{plural(test.credit_cost, "credit", "credits")}</strong>" per candidate"</p>
            <div class="field">
                <label for=norm_id.clone() class="small">"Norm group"</label>
                <select id=norm_id data-testid="test-norm-group"
                    prop:value=move || group.get()
                    on:change=move |ev| set_group(event_target_value(&ev))>
                    {test.norm_groups.iter().map(|g| {
                        let gid = g.id.clone();
                        view! { <option value=g.id.clone() selected=move || group.get() == gid>{g.name.clone()}</option> }
                    }).collect_view()}
                </select>
            </div>
        </div>
    }
}
