//! The signed-in frame: role guard, top bar, side navigation, and the page outlet.

use credence_shared::Role;
use leptos::prelude::*;
use leptos_router::components::{Outlet, A};

use crate::api;
use crate::auth::{home_for, use_session};
use crate::branding::use_brand;
use crate::components::toast::use_toasts;

pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub testid: &'static str,
    /// Active only on this exact path (for a portal's home entry).
    pub exact: bool,
}

/// The skin's logo (when it has one) and product name.
#[component]
pub fn BrandMark(#[prop(optional)] large: bool) -> impl IntoView {
    let brand = use_brand();
    view! {
        <span class="brand-mark" class:brand-mark-large=large>
            {move || {
                brand
                    .logo_url()
                    .map(|src| {
                        view! { <img class="brand-logo" src=src alt="" data-testid="brand-logo" /> }
                    })
            }}
            <span class="brand-name" data-testid="product-name">{move || brand.product_name()}</span>
        </span>
    }
}

/// Guards a portal: signed-out visitors go to /login, other roles to their own portal.
#[component]
pub fn PortalLayout(
    role: Role,
    portal_name: &'static str,
    nav: &'static [NavItem],
) -> impl IntoView {
    let session = use_session();
    let allowed = move || {
        session
            .user
            .with(|u| u.as_ref().map(|u| u.role) == Some(role))
    };
    let redirect = move || {
        let landing = session.take_landing();
        let target = session.user.with(|u| match u {
            Some(u) if u.role != Role::Candidate => {
                landing.unwrap_or_else(|| home_for(u.role).to_string())
            }
            _ => "/login".to_string(),
        });
        view! { <crate::app::Goto path=target /> }
    };
    view! {
        <Show when=allowed fallback=redirect>
            <div class="portal" data-portal=role.as_str()>
                <a class="skip-link" href="#main">"Skip to content"</a>
                <ImpersonationBanner />
                <TopBar portal_name=portal_name role=role />
                <div class="portal-body">
                    <SideNav nav=nav />
                    <main id="main" class="content" tabindex="-1">
                        <Outlet />
                    </main>
                </div>
            </div>
        </Show>
    }
}

#[component]
fn TopBar(portal_name: &'static str, role: Role) -> impl IntoView {
    let session = use_session();
    let toasts = use_toasts();
    let go = crate::app::use_go();
    let home = move || {
        session.user.with(|u| {
            u.as_ref()
                .map(|u| home_for(u.role))
                .unwrap_or("/")
                .to_string()
        })
    };
    let sign_out = Action::new_local(move |_: &()| {
        let go = go.clone();
        async move {
            // During Login As, "Log out" leaves the client user's view only: the Login As
            // session ends and the reseller portal comes back (its own "Log out" signs out).
            if session.impersonation.get_untracked().is_some() || api::is_impersonating() {
                session
                    .end_impersonation(Some("You have left the client's view."))
                    .await;
                return;
            }
            if let Err(e) = api::logout().await {
                // The local session is gone either way; only say so when the server disagreed.
                if e.status() != 401 {
                    toasts.error(e.message());
                }
            }
            go("/login", false);
        }
    });
    let signing_out = sign_out.pending();
    let logout = move |_| {
        if !signing_out.get_untracked() {
            sign_out.dispatch_local(());
        }
    };
    view! {
        <header class="topbar">
            <A href=home attr:class="topbar-brand" attr:aria-label="Home">
                <BrandMark />
            </A>
            <span class="portal-name">{portal_name}</span>
            {(role == Role::ClientUser).then(|| view! { <ClientHeader /> })}
            <div class="topbar-user">
                <span class="user-name" data-testid="user-name">
                    {move || session.user.with(|u| u.as_ref().map(|u| u.name.clone()).unwrap_or_default())}
                </span>
                <button
                    type="button"
                    class="btn btn-ghost"
                    data-testid="logout"
                    disabled=move || signing_out.get()
                    on:click=logout
                >
                    "Log out"
                </button>
            </div>
        </header>
    }
}

#[component]
fn SideNav(nav: &'static [NavItem]) -> impl IntoView {
    view! {
        <nav class="sidenav" aria-label="Sections">
            <ul>
                {nav
                    .iter()
                    .map(|item| {
                        view! {
                            <li>
                                <A href=item.href exact=item.exact attr:data-testid=item.testid>
                                    {item.label}
                                </A>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
    }
}

/// The client portal's header: the client's logo, name and credit balance.
#[component]
fn ClientHeader() -> impl IntoView {
    let brand = use_brand();
    let account = use_context::<ClientAccount>();
    let balance = move || {
        account.and_then(|a| {
            a.client
                .get()
                .and_then(|r| r.ok())
                .map(|c| (c.credit_balance, c.low_credit, c.name))
        })
    };
    view! {
        <div class="client-header" data-testid="client-header">
            {move || {
                brand
                    .client_logo_url()
                    .map(|src| view! { <img class="client-logo" src=src alt="" data-testid="client-logo" /> })
            }}
            <span class="client-name" data-testid="client-name">
                {move || {
                    brand
                        .client_name()
                        .or_else(|| balance().map(|(_, _, name)| name))
                        .unwrap_or_default()
                }}
            </span>
            {move || {
                balance()
                    .map(|(credits, low, _)| {
                        view! {
                            <A href="/client/credits" attr:class=if low { "credit-pill credit-low" } else { "credit-pill" } attr:data-testid="client-balance-link">
                                <span data-testid="client-balance">{credits}</span>
                                " credits"
                            </A>
                        }
                    })
            }}
        </div>
    }
}

/// The client user's own client (balance etc.), shared by the client portal's header and pages.
#[derive(Clone, Copy)]
pub struct ClientAccount {
    pub client: LocalResource<api::ApiResult<credence_shared::reseller::Client>>,
}

/// Shown during a Login As session: who is being viewed as, and the way back.
#[component]
fn ImpersonationBanner() -> impl IntoView {
    let session = use_session();
    let viewing = move || {
        let client = session
            .impersonation
            .with(|i| i.as_ref().map(|i| i.client_name.clone()))?;
        let user = session.user.with(|u| {
            u.as_ref()
                .filter(|u| u.impersonator.is_some())
                .map(|u| u.name.clone())
        })?;
        Some((user, client))
    };
    let return_to_reseller =
        Action::new_local(move |_: &()| async move { session.end_impersonation(None).await });
    let returning = return_to_reseller.pending();
    let end = move |_| {
        if !returning.get_untracked() {
            return_to_reseller.dispatch_local(());
        }
    };
    view! {
        {move || {
            viewing()
                .map(|(user, client)| {
                    view! {
                        <div class="impersonation-banner" role="status" data-testid="impersonation-banner">
                            <span>{format!("Viewing as {user} ({client}) — ")}</span>
                            <button
                                type="button"
                                class="btn btn-small"
                                data-testid="return-to-reseller"
                                disabled=move || returning.get()
                                on:click=end
                            >
                                "Return to reseller"
                            </button>
                        </div>
                    }
                })
        }}
    }
}
