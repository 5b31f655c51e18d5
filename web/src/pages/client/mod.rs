//! `/client`: the client portal — branded with the client's skin, logo and name, with the
//! credit balance always in view.

pub mod credits;
pub mod password;
pub mod quick_start;
pub mod users;

use credence_shared::Role;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::{self, ApiError};
use crate::auth::use_session;
use crate::branding::use_brand;
use crate::components::assess::Portal;
use crate::components::layout::{ClientAccount, NavItem, PortalLayout};
use crate::pages::admin::audit::AuditLog;
use crate::pages::candidates::CandidateListPage;
use crate::pages::projects::ProjectListPage;

const NAV: &[NavItem] = &[
    NavItem {
        href: "/client",
        label: "Dashboard",
        testid: "nav-dashboard",
        exact: true,
    },
    NavItem {
        href: "/client/quick-start",
        label: "Quick Start Guide",
        testid: "nav-quick-start",
        exact: false,
    },
    NavItem {
        href: "/client/projects",
        label: "Projects",
        testid: "nav-projects",
        exact: false,
    },
    NavItem {
        href: "/client/candidates",
        label: "Candidates",
        testid: "nav-candidates",
        exact: false,
    },
    NavItem {
        href: "/client/credits",
        label: "Credits",
        testid: "nav-credits",
        exact: false,
    },
    NavItem {
        href: "/client/analytics",
        label: "Analytics",
        testid: "nav-analytics",
        exact: false,
    },
    NavItem {
        href: "/client/users",
        label: "Users",
        testid: "nav-users",
        exact: false,
    },
    NavItem {
        href: "/client/integrations",
        label: "Integrations",
        testid: "nav-integrations",
        exact: false,
    },
    NavItem {
        href: "/client/activity",
        label: "Activity",
        testid: "nav-activity",
        exact: false,
    },
    NavItem {
        href: "/client/password",
        label: "Change password",
        testid: "nav-password",
        exact: false,
    },
];

/// Provides the client account (balance) and shows the client's own skin while in this portal.
#[component]
pub fn ClientLayout() -> impl IntoView {
    let session = use_session();
    let brand = use_brand();
    let client_id = move || {
        session.user.with(|u| {
            u.as_ref()
                .filter(|u| u.role == Role::ClientUser)
                .and_then(|u| u.client_id.clone())
        })
    };
    let client = LocalResource::new(move || {
        let id = client_id();
        async move {
            match id {
                Some(id) => api::get_client(&id).await,
                None => Err(ApiError {
                    problem: credence_shared::problem::Problem {
                        type_: "about:blank".into(),
                        title: "Not a client user".into(),
                        status: 403,
                        detail: None,
                        code: "forbidden".into(),
                        errors: Vec::new(),
                    },
                    retry_after: None,
                }),
            }
        }
    });
    provide_context(ClientAccount { client });
    // The skin follows the signed-in client user (it changes with Login As).
    // Disposed with this layout, so an answer arriving after it is gone is dropped.
    let alive = StoredValue::new(());
    Effect::new(move |_| {
        if client_id().is_some() {
            leptos::task::spawn_local(async move {
                if let Ok(b) = api::me_branding().await {
                    if alive.try_get_value().is_some() {
                        brand.apply(b);
                    }
                }
            });
        }
    });
    on_cleanup(move || brand.restore_host());
    view! { <PortalLayout role=Role::ClientUser portal_name="Client portal" nav=NAV /> }
}

#[component]
pub fn ClientDashboard() -> impl IntoView {
    let session = use_session();
    let account = expect_context::<ClientAccount>();
    let name = move || {
        session
            .user
            .with(|u| u.as_ref().map(|u| u.name.clone()).unwrap_or_default())
    };
    view! {
        <section class="page" data-testid="client-dashboard">
            <header class="page-header">
                <h1>"Dashboard"</h1>
            </header>
            <div class="card welcome-card">
                <h2 data-testid="welcome-name">{move || format!("Welcome, {}", name())}</h2>
                <p class="muted">"From here you set up projects and invite candidates to take tests."</p>
            </div>
            {move || account.client.get().and_then(|r| r.ok()).map(|c| view! {
                {c.closure.clone().filter(|k| k.closed_at.is_none()).map(|k| view! {
                    <p class="alert alert-warn" role="status" data-testid="account-closing">
                        "This account closes on " <strong>{crate::format::date_time(&k.closes_at)}</strong>
                        ". Until then you can sign in and export your candidates (Candidates → Export CSV, or one candidate's data from their page). "
                        "Then candidates' personal data is anonymised and every user is deactivated. Ask your reseller if this is a mistake."
                    </p>
                })}
                <div class="card-grid">
                    <A href="/client/credits" attr:class="card card-link stat-card" attr:data-testid="stat-balance">
                        <span class="stat-number" data-testid="dashboard-balance">{c.credit_balance}</span>
                        <span class="muted">"credits available"</span>
                        {c.low_credit.then(|| view! {
                            <span class="badge badge-warn" data-testid="low-credit">
                                {format!("Low credit: below {}", c.credit_threshold)}
                            </span>
                        })}
                    </A>
                    <A href="/client/quick-start" attr:class="card card-link" attr:data-testid="quick-start-link">
                        <h2>"Quick Start Guide"</h2>
                        <p class="muted">"Your first project, your first candidates and how to read their results."</p>
                    </A>
                    <A href="/client/users" attr:class="card card-link">
                        <h2>"Users"</h2>
                        <p class="muted">"Colleagues who can sign in to this account."</p>
                    </A>
                </div>
                <crate::components::retention::RetentionCard client_id=c.id.clone() />
                <crate::components::privacy_notice::PrivacyNoticeCard client_id=c.id.clone() />
            })}
        </section>
    }
}

#[component]
pub fn ClientProjects() -> impl IntoView {
    view! { <ProjectListPage portal=Portal::Client /> }
}

#[component]
pub fn ClientCandidates() -> impl IntoView {
    view! { <CandidateListPage portal=Portal::Client /> }
}

#[component]
pub fn ClientActivity() -> impl IntoView {
    view! { <AuditLog title="Activity" testid="client-activity" /> }
}
