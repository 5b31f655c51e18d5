//! A portal section that has no records yet, and the welcome card of a portal's dashboard.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::components::states::EmptyState;

pub struct Section {
    pub slug: &'static str,
    pub title: &'static str,
    pub empty: &'static str,
}

/// Renders the named section (or the one the `:section` route parameter names), or a not-found card.
#[component]
pub fn SectionPage(
    sections: &'static [Section],
    /// The section to show; by default the `:section` route parameter names it.
    #[prop(optional)]
    slug: Option<&'static str>,
) -> impl IntoView {
    let params = use_params_map();
    move || {
        let slug = match slug {
            Some(s) => s.to_string(),
            None => params.with(|p| p.get("section")).unwrap_or_default(),
        };
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
