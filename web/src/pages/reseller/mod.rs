//! `/reseller`: the reseller portal — the help article's flow (Clients > Create, Client Users >
//! Create, Credits Order > Create, Login As) plus invoices, colleagues and the audit log.

pub mod client_users;
pub mod clients;
pub mod credit_orders;
pub mod invoices;
pub mod mail_texts;
pub mod resale;
pub mod settings;
pub mod users;

use credence_shared::Role;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::{self, ClientFilter};
use crate::auth::use_session;
use crate::components::assess::Portal;
use crate::components::layout::{NavItem, PortalLayout};
use crate::pages::admin::audit::AuditLog;
use crate::pages::candidates::CandidateListPage;
use crate::pages::projects::ProjectListPage;

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
        label: "Credits Order",
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
        href: "/reseller/analytics",
        label: "Analytics",
        testid: "nav-analytics",
        exact: false,
    },
    NavItem {
        href: "/reseller/users",
        label: "Reseller Users",
        testid: "nav-reseller-users",
        exact: false,
    },
    NavItem {
        href: "/reseller/integrations",
        label: "Integrations",
        testid: "nav-integrations",
        exact: false,
    },
    NavItem {
        href: "/reseller/settings",
        label: "Settings",
        testid: "nav-settings",
        exact: false,
    },
    NavItem {
        href: "/reseller/audit",
        label: "Audit log",
        testid: "nav-audit",
        exact: false,
    },
];

#[component]
pub fn ResellerLayout() -> impl IntoView {
    view! { <PortalLayout role=Role::Reseller portal_name="Reseller portal" nav=NAV /> }
}

/// "N" or "200+" for a first page of at most 200.
fn count_label(page: &credence_shared::Page<credence_shared::reseller::Client>) -> String {
    if page.next_cursor.is_some() {
        format!("{}+", page.data.len())
    } else {
        page.data.len().to_string()
    }
}

#[component]
pub fn ResellerDashboard() -> impl IntoView {
    let session = use_session();
    let name = move || {
        session
            .user
            .with(|u| u.as_ref().map(|u| u.name.clone()).unwrap_or_default())
    };
    let clients = LocalResource::new(|| async move {
        api::list_clients(&ClientFilter::default(), 200, None).await
    });
    let low = LocalResource::new(|| async move {
        let filter = ClientFilter {
            below_threshold: true,
            ..Default::default()
        };
        api::list_clients(&filter, 200, None).await
    });
    let show = move |r: Option<
        api::ApiResult<credence_shared::Page<credence_shared::reseller::Client>>,
    >| match r {
        None => "…".to_string(),
        Some(Ok(p)) => count_label(&p),
        Some(Err(_)) => "—".to_string(),
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
            <div class="card-grid">
                <A href="/reseller/clients" attr:class="card card-link stat-card" attr:data-testid="stat-clients">
                    <span class="stat-number" data-testid="stat-clients-count">{move || show(clients.get())}</span>
                    <span class="muted">"Clients"</span>
                </A>
                <A href="/reseller/clients?below_threshold=true" attr:class="card card-link stat-card" attr:data-testid="stat-low-credit">
                    <span class="stat-number" data-testid="stat-low-credit-count">{move || show(low.get())}</span>
                    <span class="muted">"Clients low on credit"</span>
                </A>
                <A href="/reseller/clients/new" attr:class="card card-link" attr:data-testid="quick-create-client">
                    <h2>"Create a client"</h2>
                    <p class="muted">"A new client account, its skin, logo and first credits."</p>
                </A>
                <A href="/reseller/credit-orders/new" attr:class="card card-link" attr:data-testid="quick-order-credits">
                    <h2>"Order credits"</h2>
                    <p class="muted">"Add credits to a client's account with its client code."</p>
                </A>
                <A href="/reseller/quick-start" attr:class="card card-link" attr:data-testid="quick-start-preview-link">
                    <h2>"Quick Start Guide"</h2>
                    <p class="muted">"Preview the guide your clients' users get, then send it from Client Users."</p>
                </A>
            </div>
            <resale::MarginCard />
        </section>
    }
}

#[component]
pub fn ResellerProjects() -> impl IntoView {
    view! { <ProjectListPage portal=Portal::Reseller /> }
}

#[component]
pub fn ResellerCandidates() -> impl IntoView {
    view! { <CandidateListPage portal=Portal::Reseller /> }
}

#[component]
pub fn ResellerAudit() -> impl IntoView {
    view! { <AuditLog title="Audit log" testid="reseller-audit" /> }
}
