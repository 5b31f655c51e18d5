//! Credence SPA: the vendor admin, reseller and client portals (Leptos, client-side rendered).

mod api;
mod api_email;
mod app;
mod auth;
mod branding;
mod components;
mod format;
mod pages;

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
    remove_preload();
    leptos::mount::mount_to_body(app::App);
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
