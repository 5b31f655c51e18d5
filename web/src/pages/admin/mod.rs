//! `/admin`: the vendor's pages (brand skins, resellers, test catalogue, platform settings,
//! audit log).

pub mod audit;
pub mod brands;
pub mod invoices;
pub mod prices;
pub mod resellers;
pub mod retention;
pub mod settings;
pub mod tests;

use credence_shared::Role;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::auth::use_session;
use crate::components::layout::{NavItem, PortalLayout};

const NAV: &[NavItem] = &[
    NavItem {
        href: "/admin",
        label: "Overview",
        testid: "nav-overview",
        exact: true,
    },
    NavItem {
        href: "/admin/brands",
        label: "Brand skins",
        testid: "nav-brands",
        exact: false,
    },
    NavItem {
        href: "/admin/resellers",
        label: "Resellers",
        testid: "nav-resellers",
        exact: false,
    },
    NavItem {
        href: "/admin/tests",
        label: "Tests",
        testid: "nav-tests",
        exact: false,
    },
    NavItem {
        href: "/admin/invoices",
        label: "Invoices",
        testid: "nav-invoices",
        exact: false,
    },
    NavItem {
        href: "/admin/analytics",
        label: "Analytics",
        testid: "nav-analytics",
        exact: false,
    },
    NavItem {
        href: "/admin/settings",
        label: "Settings",
        testid: "nav-settings",
        exact: false,
    },
    NavItem {
        href: "/admin/audit",
        label: "Audit log",
        testid: "nav-audit",
        exact: false,
    },
];

#[component]
pub fn AdminLayout() -> impl IntoView {
    view! { <PortalLayout role=Role::PlatformAdmin portal_name="Vendor admin" nav=NAV /> }
}

#[component]
pub fn AdminHome() -> impl IntoView {
    let session = use_session();
    let name = move || {
        session
            .user
            .with(|u| u.as_ref().map(|u| u.name.clone()).unwrap_or_default())
    };
    view! {
        <section class="page" data-testid="admin-home">
            <header class="page-header">
                <h1>{move || format!("Welcome, {}", name())}</h1>
            </header>
            <div class="card-grid">
                <A href="/admin/brands" attr:class="card card-link">
                    <h2>"Brand skins"</h2>
                    <p class="muted">"Colours, logos and product names for portals and test areas."</p>
                </A>
                <A href="/admin/resellers" attr:class="card card-link">
                    <h2>"Resellers"</h2>
                    <p class="muted">"Partners who resell credits, their discounts and their users."</p>
                </A>
                <A href="/admin/tests" attr:class="card card-link">
                    <h2>"Tests"</h2>
                    <p class="muted">"The test catalogue: names, credit costs, which tests are offered."</p>
                </A>
                <A href="/admin/invoices" attr:class="card card-link">
                    <h2>"Invoices"</h2>
                    <p class="muted">"Monthly invoices to resellers: issue, mark paid, void."</p>
                </A>
                <A href="/admin/settings" attr:class="card card-link">
                    <h2>"Settings"</h2>
                    <p class="muted">"The list price of a credit and the default credit threshold."</p>
                </A>
                <A href="/admin/audit" attr:class="card card-link">
                    <h2>"Audit log"</h2>
                    <p class="muted">"Who did what, when, and from where."</p>
                </A>
            </div>
        </section>
    }
}
