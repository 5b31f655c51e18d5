//! Credence SPA: the vendor admin, reseller and client portals and the candidates' test area
//! (Leptos, client-side rendered). Built as one small program per area (`src/bin/*.rs`, see
//! `credence_shared::bundle`): each starts here with its own root component, and the linker
//! keeps only what that root reaches.

mod api;
mod api_email;
mod app;
mod auth;
mod branding;
mod components;
mod format;
mod pages;

use leptos::prelude::IntoView;

fn start<F, N>(root: F)
where
    F: FnOnce() -> N + 'static,
    N: IntoView,
{
    console_error_panic_hook::set_once();
    remove_preload();
    leptos::mount::mount_to_body(root);
}

/// The public pages' bundle (`/`, sign-in, password and email links).
pub fn start_public() {
    start(app::PublicApp);
}

/// The vendor admin portal's bundle.
pub fn start_admin() {
    start(app::AdminApp);
}

/// The reseller portal's bundle.
pub fn start_reseller() {
    start(app::ResellerApp);
}

/// The client portal's bundle.
pub fn start_client() {
    start(app::ClientApp);
}

/// The candidates' test area's bundle.
pub fn start_test_area() {
    start(app::TestAreaApp);
}

/// Removes index.html's plain loading state: the app shows its own from now on.
fn remove_preload() {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("preload"))
    {
        el.remove();
    }
}
