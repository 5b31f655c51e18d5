//! `/reseller`: the reseller portal frame and its dashboard.

use credence_shared::Role;
use leptos::prelude::*;

use crate::auth::use_session;
use crate::components::layout::{NavItem, PortalLayout};
use crate::pages::section::{Section, SectionPage};

const NAV: &[NavItem] = &[
    NavItem {
        href: "/reseller",
        label: "Dashboard",
        testid: "nav-dashboard",
        exact: true,
    },
    NavItem {
        href: "/reseller/clients",
        label: "Clients",
        testid: "nav-clients",
        exact: false,
    },
    NavItem {
        href: "/reseller/client-users",
        label: "Client Users",
        testid: "nav-client-users",
        exact: false,
    },
    NavItem {
        href: "/reseller/projects",
        label: "Projects",
        testid: "nav-projects",
        exact: false,
    },
    NavItem {
        href: "/reseller/candidates",
        label: "Candidates",
        testid: "nav-candidates",
        exact: false,
    },
    NavItem {
        href: "/reseller/credit-orders",
        label: "Credit Orders",
        testid: "nav-credit-orders",
        exact: false,
    },
    NavItem {
        href: "/reseller/invoices",
        label: "Invoices",
        testid: "nav-invoices",
        exact: false,
    },
    NavItem {
        href: "/reseller/users",
        label: "Reseller users",
        testid: "nav-reseller-users",
        exact: false,
    },
    NavItem {
        href: "/reseller/audit",
        label: "Audit log",
        testid: "nav-audit",
        exact: false,
    },
];

const SECTIONS: &[Section] = &[
    Section {
        slug: "clients",
        title: "Clients",
        empty: "Clients you create appear here with their client code and credit balance.",
    },
    Section {
        slug: "client-users",
        title: "Client users",
        empty: "The people who sign in for your clients appear here.",
    },
    Section {
        slug: "projects",
        title: "Projects",
        empty: "Your clients' projects appear here.",
    },
    Section {
        slug: "candidates",
        title: "Candidates",
        empty: "Your clients' candidates and their progress appear here.",
    },
    Section {
        slug: "credit-orders",
        title: "Credit orders",
        empty: "Credits you add to your clients' accounts appear here.",
    },
    Section {
        slug: "invoices",
        title: "Invoices",
        empty: "Your monthly invoices appear here.",
    },
    Section {
        slug: "users",
        title: "Reseller users",
        empty: "Colleagues who can sign in to this reseller account appear here.",
    },
    Section {
        slug: "audit",
        title: "Audit events",
        empty: "Changes made in your account appear here.",
    },
];

#[component]
pub fn ResellerLayout() -> impl IntoView {
    view! { <PortalLayout role=Role::Reseller portal_name="Reseller portal" nav=NAV /> }
}

#[component]
pub fn ResellerDashboard() -> impl IntoView {
    let session = use_session();
    let name = move || {
        session
            .user
            .with(|u| u.as_ref().map(|u| u.name.clone()).unwrap_or_default())
    };
    view! {
        <section class="page" data-testid="reseller-dashboard">
            <header class="page-header">
                <h1>"Dashboard"</h1>
            </header>
            <div class="card welcome-card">
                <h2 data-testid="welcome-name">{move || format!("Welcome, {}", name())}</h2>
                <p class="muted">
                    "From here you create client accounts, add their users, and order credits for them."
                </p>
            </div>
        </section>
    }
}

#[component]
pub fn ResellerSection() -> impl IntoView {
    view! { <SectionPage sections=SECTIONS /> }
}
