//! `/client`: the client portal frame and its dashboard.

use credence_shared::Role;
use leptos::prelude::*;

use crate::auth::use_session;
use crate::components::layout::{NavItem, PortalLayout};
use crate::pages::section::{Section, SectionPage};

const NAV: &[NavItem] = &[
    NavItem {
        href: "/client",
        label: "Dashboard",
        testid: "nav-dashboard",
        exact: true,
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
        href: "/client/users",
        label: "Users",
        testid: "nav-users",
        exact: false,
    },
    NavItem {
        href: "/client/activity",
        label: "Activity log",
        testid: "nav-activity",
        exact: false,
    },
];

const SECTIONS: &[Section] = &[
    Section {
        slug: "projects",
        title: "Projects",
        empty: "Projects group the tests you invite candidates to.",
    },
    Section {
        slug: "candidates",
        title: "Candidates",
        empty: "Candidates you invite appear here with their progress and results.",
    },
    Section {
        slug: "credits",
        title: "Credit entries",
        empty: "Every change to your credit balance appears here.",
    },
    Section {
        slug: "users",
        title: "Users",
        empty: "Colleagues who can sign in to your account appear here.",
    },
    Section {
        slug: "activity",
        title: "Activity entries",
        empty: "Changes made in your account appear here.",
    },
];

#[component]
pub fn ClientLayout() -> impl IntoView {
    view! { <PortalLayout role=Role::ClientUser portal_name="Client portal" nav=NAV /> }
}

#[component]
pub fn ClientDashboard() -> impl IntoView {
    let session = use_session();
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
        </section>
    }
}

#[component]
pub fn ClientSection() -> impl IntoView {
    view! { <SectionPage sections=SECTIONS /> }
}
