//! The branded frame of the signed-out pages: logo, product name and a centred card.

use leptos::prelude::*;

use crate::branding::use_brand;

#[component]
pub fn PublicShell(#[prop(into)] title: String, children: Children) -> impl IntoView {
    let brand = use_brand();
    view! {
        <main class="centered-page" id="main">
            <div class="card auth-card">
                <div class="auth-brand">
                    {move || {
                        brand
                            .logo_url()
                            .map(|src| {
                                view! { <img class="auth-logo" src=src alt="" data-testid="login-logo" /> }
                            })
                    }}
                    <p class="auth-product" data-testid="login-product-name">{move || brand.product_name()}</p>
                    {move || {
                        brand
                            .branding
                            .with(|b| b.as_ref().and_then(|b| b.reseller_name.clone()))
                            .map(|r| view! { <p class="muted small">{format!("Provided by {r}")}</p> })
                    }}
                </div>
                <h1 class="auth-title">{title}</h1>
                {children()}
            </div>
        </main>
    }
}
