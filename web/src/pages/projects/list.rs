//! The projects list (all the reseller's clients, or the client's own).

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::{self, ProjectFilter};
use crate::components::assess::{Portal, ProjectTable};
use crate::components::form::{FieldErrors, SelectField};
use crate::components::paged::Paged;
use crate::components::pickers::ClientPicker;

#[component]
pub fn ProjectListPage(portal: Portal) -> impl IntoView {
    let search = RwSignal::new(String::new());
    let q = RwSignal::new(String::new());
    let client_id = RwSignal::new(String::new());
    let active = RwSignal::new(String::new());
    let no_errors: FieldErrors = RwSignal::new(Vec::new());
    let projects = Paged::new(move |cursor: Option<String>| {
        let f = ProjectFilter {
            q: q.get(),
            client_id: client_id.get(),
            active: active.get(),
        };
        async move { api::list_projects(&f, 50, cursor.as_deref()).await }
    });
    let on_search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        q.set(search.get_untracked());
    };
    let intro = match portal {
        Portal::Client => "A project groups the tests you invite candidates to. Each invitation uses the project's credits at once.",
        Portal::Reseller => "Every project of every one of your clients. You can also set one up for a client.",
    };
    view! {
        <section class="page" data-testid="project-list">
            <header class="page-header">
                <h1>"Projects"</h1>
                <A href=format!("{}/projects/new", portal.base()) attr:class="btn btn-primary" attr:data-testid="project-create">
                    "Create project"
                </A>
            </header>
            <p class="muted">{intro}</p>
            <div class="filters">
                <form class="search-bar" role="search" on:submit=on_search>
                    <label for="project-search">"Search projects"</label>
                    <input id="project-search" type="search" data-testid="project-search" bind:value=search placeholder="Project name" />
                    <button type="submit" class="btn">"Search"</button>
                </form>
                <div class="filter-row">
                    {portal.is_reseller().then(|| view! {
                        <ClientPicker id="project-client-filter" name="client_id" label="Client" value=client_id
                            errors=no_errors blank_label="All clients" />
                    })}
                    <SelectField id="project-active-filter" name="active" label="Status" value=active errors=no_errors
                        options=vec![
                            (String::new(), "All".into()),
                            ("true".into(), "Active".into()),
                            ("false".into(), "Inactive".into()),
                        ] />
                </div>
            </div>
            {projects.view("No projects yet. Create one with the Create project button.", move |items| {
                view! { <ProjectTable items=items portal=portal /> }
            })}
        </section>
    }
}
