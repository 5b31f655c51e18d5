//! `Loaded`: the one "load → loading state → show it, or the error with Try again" block of
//! every page and picker that loads a single thing.

use std::future::Future;

use leptos::prelude::*;

use crate::api::{ApiError, ApiResult};
use crate::components::states::{ErrorState, Loading};

/// Loads with `fetch` (again whenever a signal it reads changes, and on "Try again") and shows
/// the result with the children (`let:data`). While loading: the loading state, labelled
/// `loading_label`. On failure: the error with "Try again", under `error_heading` (a detail
/// page's `<h1>`) when given.
///
/// By default a reload shows the loading state again (a `<Suspense>`). With
/// `keep_while_reloading` the shown content stays until the new answer arrives (a list under a
/// form that reloads it after each change).
#[component]
pub fn Loaded<T, F, Fut, R, V>(
    fetch: F,
    children: R,
    #[prop(optional, into)] loading_label: Option<String>,
    #[prop(optional, into)] error_heading: Option<String>,
    #[prop(optional)] keep_while_reloading: bool,
) -> impl IntoView
where
    T: Clone + 'static,
    F: Fn() -> Fut + 'static,
    Fut: Future<Output = ApiResult<T>> + 'static,
    R: Fn(T) -> V + 'static,
    V: IntoView + 'static,
{
    let resource = LocalResource::new(fetch);
    let render = StoredValue::new_local(children);
    let loading = move || match loading_label.clone() {
        Some(label) => view! { <Loading label=label /> }.into_any(),
        None => view! { <Loading /> }.into_any(),
    };
    let failed = move |error: ApiError| {
        let heading = error_heading
            .clone()
            .map(|h| view! { <header class="page-header"><h1>{h}</h1></header> });
        view! {
            {heading}
            <ErrorState error=error on_retry=Callback::new(move |_| resource.refetch()) />
        }
        .into_any()
    };
    let show = move |result: ApiResult<T>| match result {
        Ok(data) => render.with_value(|render| render(data).into_any()),
        Err(error) => failed(error),
    };
    if keep_while_reloading {
        (move || match resource.get() {
            None => loading(),
            Some(result) => show(result),
        })
        .into_any()
    } else {
        let fallback = loading.clone();
        view! {
            <Suspense fallback=move || fallback()>
                {move || {
                    let show = show.clone();
                    Suspend::new(async move { show(resource.await) })
                }}
            </Suspense>
        }
        .into_any()
    }
}
