//! The reseller's clients, filterable.

use credence_shared::reseller::Client;
use credence_shared::ClientStatus;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api::{self, ClientFilter};
use crate::components::form::FieldErrors;
use crate::components::paged::Paged;
use crate::components::pickers::BrandPicker;
use crate::components::widgets::{StatusBadge, TableScroll};

use super::LowCreditBadge;

#[component]
pub fn ClientList() -> impl IntoView {
    let query = use_query_map();
    let search = RwSignal::new(String::new());
    let q = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    let brand = RwSignal::new(String::new());
    let below = RwSignal::new(
        query
            .with_untracked(|q| q.get("below_threshold"))
            .as_deref()
            == Some("true"),
    );
    let no_errors: FieldErrors = RwSignal::new(Vec::new());
    // Selects and the checkbox apply at once; the search box on submit.
    let clients = Paged::new(move |cursor: Option<String>| {
        let f = ClientFilter {
            q: q.get(),
            status: status.get(),
            brand_id: brand.get(),
            below_threshold: below.get(),
        };
        async move { api::list_clients(&f, 50, cursor.as_deref()).await }
    });
    let on_search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        q.set(search.get_untracked());
    };
    view! {
        <section class="page" data-testid="client-list">
            <header class="page-header">
                <h1>"Clients"</h1>
                <A href="/reseller/clients/new" attr:class="btn btn-primary" attr:data-testid="client-create">
                    "Create"
                </A>
                <crate::components::widgets::ExportButton name="clients.csv" path=Signal::derive(move || {
                    api::clients_export_path(&ClientFilter {
                        q: q.get(),
                        status: status.get(),
                        brand_id: brand.get(),
                        below_threshold: below.get(),
                    })
                }) />
            </header>
            <div class="filters">
                <form class="search-bar" role="search" on:submit=on_search>
                    <label for="client-search">"Search clients"</label>
                    <input id="client-search" type="search" data-testid="client-search" bind:value=search
                        placeholder="Name, code or contact" />
                    <button type="submit" class="btn">"Search"</button>
                </form>
                <div class="filter-row">
                    <crate::components::form::SelectField id="client-status-filter" name="status" label="Status"
                        value=status errors=no_errors
                        options=std::iter::once((String::new(), "Active and suspended".to_string()))
                            .chain(ClientStatus::ALL.iter().map(|s| (s.as_str().to_string(), s.label())))
                            .collect() />
                    <BrandPicker id="client-brand-filter" name="brand_id" label="Skin" value=brand errors=no_errors
                        blank_label="All skins" />
                    <div class="checkbox filter-check">
                        <input type="checkbox" id="client-below-filter" data-testid="client-below-filter"
                            prop:checked=move || below.get() on:change=move |ev| below.set(event_target_checked(&ev)) />
                        <label for="client-below-filter">"Below threshold"</label>
                    </div>
                </div>
            </div>
            {clients.view("No clients match. Create one with the Create button.", |items: Vec<Client>| {
                view! {
                    <TableScroll label="Clients">
                        <table class="table">
                            <thead>
                                <tr>
                                    <th scope="col">"Name"</th>
                                    <th scope="col">"Code"</th>
                                    <th scope="col" class="num">"Balance"</th>
                                    <th scope="col" class="num">"Threshold"</th>
                                    <th scope="col" class="num">"Users"</th>
                                    <th scope="col">"Skin"</th>
                                    <th scope="col">"Status"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {items.into_iter().map(|c| {
                                    view! {
                                        <tr data-testid="client-row" data-code=c.code.clone()>
                                            <td><A href=format!("/reseller/clients/{}", c.id)>{c.name.clone()}</A></td>
                                            <td><code>{c.code.clone()}</code></td>
                                            <td class="num">
                                                {c.credit_balance}
                                                {c.low_credit.then(|| view! { " " <LowCreditBadge /> })}
                                            </td>
                                            <td class="num">{c.credit_threshold}</td>
                                            <td class="num">{c.user_count}</td>
                                            <td>{c.brand_name.clone()}</td>
                                            <td><StatusBadge status=c.status /></td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </TableScroll>
                }
            })}
        </section>
    }
}
