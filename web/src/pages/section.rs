//! A portal section that has no records yet, and the welcome card of a portal's dashboard.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::components::states::EmptyState;

pub struct Section {
    pub slug: &'static str,
    pub title: &'static str,
    pub empty: &'static str,
}

/// Renders the section named by the `:section` route parameter, or a not-found card.
#[component]
pub fn SectionPage(sections: &'static [Section]) -> impl IntoView {
    let params = use_params_map();
    move || {
        let slug = params.with(|p| p.get("section")).unwrap_or_default();
        match sections.iter().find(|s| s.slug == slug) {
            Some(section) => view! {
                <section class="page" data-testid=format!("section-{}", section.slug)>
                    <header class="page-header">
                        <h1>{section.title}</h1>
                    </header>
                    <EmptyState title=format!("There are no {} yet.", section.title.to_lowercase()) body=section.empty />
                </section>
            }
            .into_any(),
            None => view! {
                <section class="page" data-testid="section-not-found">
                    <header class="page-header"><h1>"Page not found"</h1></header>
                    <p class="muted">"Choose a section from the menu."</p>
                </section>
            }
            .into_any(),
        }
    }
}
