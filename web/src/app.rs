//! The root component of each bundle (see `credence_shared::bundle`): its contexts (skin, and
//! for staff and public pages the session and toasts) and its part of the route table.

use credence_shared::bundle::Bundle;
use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Router, Routes, A};
use leptos_router::hooks::use_navigate;
use leptos_router::path;
use leptos_router::NavigateOptions;

use crate::auth::{home_for, provide_session, use_session};
use crate::branding::provide_branding;
use crate::components::states::Loading;
use crate::components::toast::{provide_toasts, ToastRegion};
use crate::pages::admin::{
    audit::AuditLog,
    brands::{BrandEdit, BrandList, BrandNew},
    resellers::{ResellerDetail, ResellerList, ResellerNew},
    settings::SettingsPage,
    AdminHome, AdminLayout,
};
use crate::pages::client::{
    credits::ClientCredits, password::ChangePassword, quick_start::QuickStart, users::ClientUsers,
    ClientActivity, ClientCandidates, ClientDashboard, ClientLayout, ClientProjects,
};
use crate::pages::forgot_password::ForgotPassword;
use crate::pages::login::Login;
use crate::pages::public_shell::PublicShell;
use crate::pages::reseller::{
    client_users::{ClientUserEdit, ClientUserList, ClientUserNew},
    clients::{ClientDetail, ClientList, ClientNew},
    credit_orders::{CreditOrderList, CreditOrderNew},
    invoices::{InvoiceDetail, InvoiceList},
    resale::{StatementPage, StatementPrint},
    settings::ResellerSettings,
    users::{ColleagueEdit, ColleagueList},
    ResellerAudit, ResellerCandidates, ResellerDashboard, ResellerLayout, ResellerProjects,
};
use crate::pages::set_password::SetPassword;

/// The frame of every staff bundle and of the public pages: toasts, the host's skin, the
/// session, and the bundle's routes once the refresh cookie has had its say (so guards never
/// flash /login).
#[component]
fn StaffShell(children: ChildrenFn) -> impl IntoView {
    provide_toasts();
    provide_branding();
    let session = provide_session();
    let ready = Memo::new(move |_| session.ready.get());
    view! {
        {move || {
            if ready.get() {
                let routes = children.clone();
                view! { <Router>{routes()}</Router> }.into_any()
            } else {
                view! { <div class="boot"><Loading label="Starting…" /></div> }.into_any()
            }
        }}
        <ToastRegion />
    }
}

/// A path this bundle has no route for: another bundle's (the page is loaded again from the
/// server, which starts that bundle), else "not found". Checked once rendered, when the router
/// has put the new address in the bar.
fn elsewhere(own: Bundle) -> AnyView {
    let foreign = RwSignal::new(true);
    Effect::new(move |_| {
        let Some(location) = web_sys::window().map(|w| w.location()) else {
            return;
        };
        let path = location.pathname().unwrap_or_default();
        if Bundle::for_path(&path) != own {
            let _ = location.reload();
        } else {
            foreign.set(false);
        }
    });
    (move || {
        if foreign.get() {
            view! { <div class="boot"><Loading /></div> }.into_any()
        } else {
            view! { <NotFound /> }.into_any()
        }
    })
    .into_any()
}

/// The page's bundle: the one of the path it shows (a bundle never shows another's path).
fn current_bundle() -> Bundle {
    let path = web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default();
    Bundle::for_path(&path)
}

/// The router's `navigate`, except to another bundle's path: that page is loaded from the
/// server straight away (the address changes when it arrives, not before). `replace` keeps the
/// page left out of the history.
pub fn use_go() -> impl Fn(&str, bool) + Clone + 'static {
    let navigate = use_navigate();
    move |path: &str, replace: bool| {
        if Bundle::for_path(path) != current_bundle() {
            if let Some(location) = web_sys::window().map(|w| w.location()) {
                let _ = if replace {
                    location.replace(path)
                } else {
                    location.assign(path)
                };
            }
            return;
        }
        navigate(
            path,
            NavigateOptions {
                replace,
                ..Default::default()
            },
        );
    }
}

/// `<Redirect>` that goes to another bundle's path by loading it (see [`use_go`]).
#[component]
pub fn Goto(#[prop(into)] path: String) -> impl IntoView {
    let go = use_go();
    Effect::new(move |_| go(&path, Bundle::for_path(&path) != current_bundle()));
}

/// `/`, sign-in, password and email links, and unknown addresses.
#[component]
pub fn PublicApp() -> impl IntoView {
    view! {
        <StaffShell>
            <Routes fallback=|| elsewhere(Bundle::Public)>
                <Route path=path!("/") view=Home />
                <Route path=path!("/login") view=Login />
                <Route path=path!("/forgot-password") view=ForgotPassword />
                <Route path=path!("/set-password") view=SetPassword />
                <Route path=path!("/confirm-email") view=crate::pages::confirm_email::ConfirmEmail />
            </Routes>
        </StaffShell>
    }
}

/// The vendor's portal.
#[component]
pub fn AdminApp() -> impl IntoView {
    view! {
        <StaffShell>
            <Routes fallback=|| elsewhere(Bundle::Admin)>
                <ParentRoute path=path!("/admin") view=AdminLayout>
                    <Route path=path!("") view=AdminHome />
                    <Route path=path!("brands") view=BrandList />
                    <Route path=path!("brands/new") view=BrandNew />
                    <Route path=path!("brands/:id") view=BrandEdit />
                    <Route path=path!("resellers") view=ResellerList />
                    <Route path=path!("resellers/new") view=ResellerNew />
                    <Route path=path!("resellers/:id") view=ResellerDetail />
                    <Route path=path!("settings") view=SettingsPage />
                    <Route path=path!("tests") view=crate::pages::admin::tests::TestCatalogue />
                    <Route path=path!("invoices") view=crate::pages::admin::invoices::InvoiceAdmin />
                    <Route path=path!("analytics") view=crate::pages::analytics::AdminAnalytics />
                    <Route path=path!("audit") view=|| view! { <AuditLog /> } />
                </ParentRoute>
            </Routes>
        </StaffShell>
    }
}

/// The reseller portal.
#[component]
pub fn ResellerApp() -> impl IntoView {
    view! {
        <StaffShell>
            <Routes fallback=|| elsewhere(Bundle::Reseller)>
                <Route path=path!("/reseller/clients/:id/statements/:period/print") view=StatementPrint />
                <ParentRoute path=path!("/reseller") view=ResellerLayout>
                    <Route path=path!("") view=ResellerDashboard />
                    <Route path=path!("clients") view=ClientList />
                    <Route path=path!("clients/new") view=ClientNew />
                    <Route path=path!("clients/:id") view=ClientDetail />
                    <Route path=path!("clients/:id/statements/:period") view=StatementPage />
                    <Route path=path!("client-users") view=ClientUserList />
                    <Route path=path!("client-users/new") view=ClientUserNew />
                    <Route path=path!("client-users/:id") view=ClientUserEdit />
                    <Route path=path!("projects") view=ResellerProjects />
                    <Route path=path!("projects/new") view=crate::pages::projects::ResellerProjectNew />
                    <Route path=path!("projects/:id") view=crate::pages::projects::ResellerProjectDetail />
                    <Route path=path!("candidates") view=ResellerCandidates />
                    <Route path=path!("candidates/:id") view=crate::pages::candidates::ResellerCandidateDetail />
                    <Route path=path!("candidates/:id/export") view=crate::pages::candidates::ResellerCandidateExport />
                    <Route path=path!("credit-orders") view=CreditOrderList />
                    <Route path=path!("credit-orders/new") view=CreditOrderNew />
                    <Route path=path!("invoices") view=InvoiceList />
                    <Route path=path!("invoices/:id") view=InvoiceDetail />
                    <Route path=path!("analytics") view=crate::pages::analytics::ResellerAnalytics />
                    <Route path=path!("users") view=ColleagueList />
                    <Route path=path!("users/:id") view=ColleagueEdit />
                    <Route path=path!("settings") view=ResellerSettings />
                    <Route path=path!("audit") view=ResellerAudit />
                    <Route path=path!("quick-start") view=crate::pages::client::quick_start::QuickStartPreview />
                    <Route path=path!("integrations") view=crate::pages::integrations::Integrations />
                </ParentRoute>
            </Routes>
        </StaffShell>
    }
}

/// The client portal.
#[component]
pub fn ClientApp() -> impl IntoView {
    view! {
        <StaffShell>
            <Routes fallback=|| elsewhere(Bundle::Client)>
                <ParentRoute path=path!("/client") view=ClientLayout>
                    <Route path=path!("") view=ClientDashboard />
                    <Route path=path!("quick-start") view=QuickStart />
                    <Route path=path!("projects") view=ClientProjects />
                    <Route path=path!("projects/new") view=crate::pages::projects::ClientProjectNew />
                    <Route path=path!("projects/:id") view=crate::pages::projects::ClientProjectDetail />
                    <Route path=path!("candidates") view=ClientCandidates />
                    <Route path=path!("candidates/:id") view=crate::pages::candidates::ClientCandidateDetail />
                    <Route path=path!("candidates/:id/report") view=crate::pages::candidates::ClientCandidateReport />
                    <Route path=path!("candidates/:id/export") view=crate::pages::candidates::ClientCandidateExport />
                    <Route path=path!("credits") view=ClientCredits />
                    <Route path=path!("analytics") view=crate::pages::analytics::ClientAnalytics />
                    <Route path=path!("users") view=ClientUsers />
                    <Route path=path!("activity") view=ClientActivity />
                    <Route path=path!("password") view=ChangePassword />
                    <Route path=path!("integrations") view=crate::pages::integrations::ClientIntegrations />
                </ParentRoute>
            </Routes>
        </StaffShell>
    }
}

/// The candidates' test area: the host's skin and the test screens, without the staff session,
/// toasts, `leptos_router` (`pages::test_area::nav` instead) or any staff page: its own small
/// bundle.
#[component]
pub fn TestAreaApp() -> impl IntoView {
    provide_branding();
    crate::pages::test_area::nav::provide_nav();
    view! { <crate::pages::test_area::TestArea /> }
}

/// `/`: the signed-in user's portal, or the login page.
#[component]
fn Home() -> impl IntoView {
    let session = use_session();
    let target = session.user.with_untracked(|u| match u {
        Some(u) => home_for(u.role),
        None => "/login",
    });
    view! { <Goto path=target /> }
}

/// An unknown address, in the skin's signed-out frame (logo, product name).
#[component]
fn NotFound() -> impl IntoView {
    view! {
        <PublicShell title="Page not found">
            <div class="stack" data-testid="not-found">
                <p class="muted">"The address may be mistyped, or the page has moved."</p>
                <A href="/" attr:class="btn btn-primary" attr:data-testid="not-found-home">"Go to the start page"</A>
            </div>
        </PublicShell>
    }
}
