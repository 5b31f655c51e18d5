//! Loading, empty and error states every list and detail page shows.

use leptos::prelude::*;

use crate::api::ApiError;

#[component]
pub fn Loading(#[prop(optional, into)] label: Option<String>) -> impl IntoView {
    view! {
        <div class="state state-loading" role="status" data-testid="loading">
            <span class="spinner" aria-hidden="true"></span>
            <span>{label.unwrap_or_else(|| "Loading…".into())}</span>
        </div>
    }
}

#[component]
pub fn EmptyState(
    #[prop(into)] title: String,
    #[prop(optional, into)] body: Option<String>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <div class="state state-empty" data-testid="empty-state">
            <p class="state-title">{title}</p>
            {body.map(|b| view! { <p class="muted">{b}</p> })}
            {children.map(|c| c())}
        </div>
    }
}

#[component]
pub fn ErrorState(
    error: ApiError,
    #[prop(optional, into)] on_retry: Option<Callback<()>>,
) -> impl IntoView {
    view! {
        <div class="state state-error" role="alert" data-testid="error-state">
            <p class="state-title">"This could not be loaded"</p>
            <p>{error.message()}</p>
            {on_retry
                .map(|cb| {
                    view! {
                        <button type="button" class="btn" data-testid="retry" on:click=move |_| cb.run(())>
                            "Try again"
                        </button>
                    }
                })}
        </div>
    }
}

/// "Load more" for cursor-paginated lists; hidden once there is no next page.
#[component]
pub fn LoadMore(
    #[prop(into)] next: Signal<Option<String>>,
    #[prop(into)] pending: Signal<bool>,
    on_load: Callback<String>,
) -> impl IntoView {
    view! {
        <Show when=move || next.get().is_some()>
            <div class="load-more">
                <button
                    type="button"
                    class="btn"
                    data-testid="load-more"
                    disabled=move || pending.get()
                    on:click=move |_| {
                        if let Some(c) = next.get_untracked() {
                            on_load.run(c);
                        }
                    }
                >
                    {move || if pending.get() { "Loading…" } else { "Load more" }}
                </button>
            </div>
        </Show>
    }
}
