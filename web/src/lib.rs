//! Credence SPA: the vendor admin, reseller and client portals (Leptos, client-side rendered).

mod api;
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
    leptos::mount::mount_to_body(app::App);
}
