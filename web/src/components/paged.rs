//! A cursor-paginated list: the first page through a `LocalResource`, later pages by "Load more".

use std::future::Future;
use std::rc::Rc;

use credence_shared::Page;
use futures::future::{FutureExt, LocalBoxFuture};
use leptos::prelude::*;

use crate::api::ApiResult;
use crate::components::states::{EmptyState, ErrorState, LoadMore, Loading};
use crate::components::toast::{use_toasts, Toasts};

type Fetch<T> = Rc<dyn Fn(Option<String>) -> LocalBoxFuture<'static, ApiResult<Page<T>>>>;

pub struct Paged<T: Send + Sync + 'static> {
    pub resource: LocalResource<ApiResult<Page<T>>>,
    extra: RwSignal<Vec<T>>,
    /// Set once "Load more" has answered: the cursor after the last page loaded.
    next: RwSignal<Option<Option<String>>>,
    more_pending: RwSignal<bool>,
    fetch: StoredValue<Fetch<T>, LocalStorage>,
    toasts: Toasts,
}

impl<T: Send + Sync + 'static> Clone for Paged<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Paged<T> {}

impl<T: Clone + Send + Sync + 'static> Paged<T> {
    /// `fetch(cursor)` loads one page; signals it reads reload the list from the first page.
    pub fn new<F, Fut>(fetch: F) -> Self
    where
        F: Fn(Option<String>) -> Fut + 'static,
        Fut: Future<Output = ApiResult<Page<T>>> + 'static,
    {
        let fetch: Fetch<T> = Rc::new(move |cursor| fetch(cursor).boxed_local());
        let extra = RwSignal::new(Vec::new());
        let next = RwSignal::new(None);
        let first = fetch.clone();
        let resource = LocalResource::new(move || {
            extra.set(Vec::new());
            next.set(None);
            first(None)
        });
        Paged {
            resource,
            extra,
            next,
            more_pending: RwSignal::new(false),
            fetch: StoredValue::new_local(fetch),
            toasts: use_toasts(),
        }
    }

    pub fn reload(&self) {
        self.resource.refetch();
    }

    fn load_more(self, cursor: String) {
        let fetch = self.fetch.get_value();
        self.more_pending.set(true);
        leptos::task::spawn_local(async move {
            match fetch(Some(cursor)).await {
                Ok(page) => {
                    self.extra.update(|v| v.extend(page.data));
                    self.next.set(Some(page.next_cursor));
                }
                Err(e) => self.toasts.problem(&e),
            }
            self.more_pending.set(false);
        });
    }

    /// Loading, error (with retry), empty, or `rows(items)` followed by "Load more".
    pub fn view<V, R>(self, empty_title: &'static str, rows: R) -> impl IntoView
    where
        V: IntoView + 'static,
        R: Fn(Vec<T>) -> V + Clone + Send + Sync + 'static,
    {
        view! {
            <Suspense fallback=|| view! { <Loading /> }>
                {move || {
                    let rows = rows.clone();
                    Suspend::new(async move {
                        match self.resource.await {
                            Err(error) => {
                                view! {
                                    <ErrorState error=error on_retry=Callback::new(move |_| self.reload()) />
                                }
                                    .into_any()
                            }
                            Ok(page) => {
                                let first_items = page.data;
                                let first_next = page.next_cursor;
                                let items = move || {
                                    let mut all = first_items.clone();
                                    all.extend(self.extra.get());
                                    all
                                };
                                let next = Signal::derive(move || {
                                    self.next.get().unwrap_or_else(|| first_next.clone())
                                });
                                view! {
                                    {move || {
                                        let all = items();
                                        if all.is_empty() {
                                            view! { <EmptyState title=empty_title /> }.into_any()
                                        } else {
                                            rows(all).into_any()
                                        }
                                    }}
                                    <LoadMore
                                        next=next
                                        pending=self.more_pending
                                        on_load=Callback::new(move |cursor| self.load_more(cursor))
                                    />
                                }
                                    .into_any()
                            }
                        }
                    })
                }}
            </Suspense>
        }
    }
}
