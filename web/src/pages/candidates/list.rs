//! The candidates list (search, client, project and status filters).

use leptos::prelude::*;

use crate::api::{self, CandidateFilter};
use crate::components::assess::{status_options, CandidateTable, Portal, ProjectPicker};
use crate::components::form::{FieldErrors, SelectField};
use crate::components::paged::Paged;
use crate::components::pickers::ClientPicker;

#[component]
pub fn CandidateListPage(portal: Portal) -> impl IntoView {
    let search = RwSignal::new(String::new());
    let q = RwSignal::new(String::new());
    let client_id = RwSignal::new(String::new());
    let project_id = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    let no_errors: FieldErrors = RwSignal::new(Vec::new());
    let candidates = Paged::new(move |cursor: Option<String>| {
        let f = CandidateFilter {
            q: q.get(),
            client_id: client_id.get(),
            project_id: project_id.get(),
            status: status.get(),
        };
        async move { api::list_candidates(&f, 50, cursor.as_deref()).await }
    });
    // A project of another client would match nothing.
    Effect::new(move |prev: Option<String>| {
        let c = client_id.get();
        if prev.is_some_and(|p| p != c) {
            project_id.set(String::new());
        }
        c
    });
    let on_search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        q.set(search.get_untracked());
    };
    let intro = match portal {
        Portal::Client => "Everyone you invited, with their progress. Open a candidate for scores and the printable report.",
        Portal::Reseller => "Every candidate of every one of your clients, with their progress. Scores stay with your clients.",
    };
    view! {
        <section class="page" data-testid="candidate-list">
            <header class="page-header">
                <h1>"Candidates"</h1>
                <crate::components::widgets::ExportButton name="candidates.csv" path=Signal::derive(move || {
                    api::candidates_export_path(&CandidateFilter {
                        q: q.get(),
                        client_id: client_id.get(),
                        project_id: project_id.get(),
                        status: status.get(),
                    })
                }) />
            </header>
            <p class="muted">{intro}</p>
            <div class="filters">
                <form class="search-bar" role="search" on:submit=on_search>
                    <label for="candidate-search">"Search candidates"</label>
                    <input id="candidate-search" type="search" data-testid="candidate-search" bind:value=search
                        placeholder="Name or email" />
                    <button type="submit" class="btn">"Search"</button>
                </form>
                <div class="filter-row">
                    {portal.is_reseller().then(|| view! {
                        <ClientPicker id="candidate-client-filter" name="client_id" label="Client" value=client_id
                            errors=no_errors blank_label="All clients" />
                    })}
                    <ProjectPicker id="candidate-project-filter" name="project_id" label="Project" value=project_id
                        errors=no_errors blank_label="All projects" client_id=Signal::derive(move || client_id.get()) />
                    <SelectField id="candidate-status-filter" name="status" label="Status" value=status errors=no_errors
                        options=status_options() />
                </div>
            </div>
            {candidates.view("No candidates match. Invite candidates from a project.", move |items| {
                view! { <CandidateTable items=items portal=portal /> }
            })}
        </section>
    }
}
