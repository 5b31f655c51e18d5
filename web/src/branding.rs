//! The brand skin for this host: fetched once, applied as CSS custom properties on `:root`.

use credence_shared::admin::Branding;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::api;

/// Shown until (or if never) `GET /branding` answers.
pub const FALLBACK_PRODUCT_NAME: &str = "Credence";

#[derive(Clone, Copy)]
pub struct Brand {
    /// The skin shown now: the host's, or a client user's own (`GET /me/branding`).
    pub branding: RwSignal<Option<Branding>>,
    /// The host's skin (`GET /branding`), restored when the client portal is left.
    host: RwSignal<Option<Branding>>,
}

impl Brand {
    /// Shows a client user's skin (their client's brand, name and logo).
    pub fn apply(&self, b: Branding) {
        apply_branding(&b);
        self.branding.set(Some(b));
    }

    /// Back to the host's skin (leaving the client portal, e.g. after Login As).
    pub fn restore_host(&self) {
        let host = self.host.get_untracked();
        if let Some(b) = &host {
            apply_branding(b);
        }
        self.branding.set(host);
    }

    /// The client's name, when the skin shown is a client user's own.
    pub fn client_name(&self) -> Option<String> {
        self.branding
            .with(|b| b.as_ref().and_then(|b| b.client_name.clone()))
    }

    pub fn client_logo_url(&self) -> Option<String> {
        self.branding
            .with(|b| b.as_ref().and_then(|b| b.client_logo_url.clone()))
    }

    pub fn product_name(&self) -> String {
        self.branding
            .with(|b| b.as_ref().map(|b| b.brand.product_name.clone()))
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| FALLBACK_PRODUCT_NAME.to_string())
    }

    pub fn logo_url(&self) -> Option<String> {
        self.branding
            .with(|b| b.as_ref().and_then(|b| b.brand.logo_url.clone()))
    }
}

pub fn provide_branding() -> Brand {
    let brand = Brand {
        branding: RwSignal::new(None),
        host: RwSignal::new(None),
    };
    provide_context(brand);
    wasm_bindgen_futures::spawn_local(async move {
        if let Ok(b) = api::branding().await {
            brand.host.set(Some(b.clone()));
            // A client user's own skin may have been applied meanwhile; it wins.
            if brand.branding.with_untracked(|cur| cur.is_none()) {
                apply_branding(&b);
                brand.branding.set(Some(b));
            }
        }
    });
    brand
}

fn apply_branding(b: &Branding) {
    apply_skin(
        &b.brand.primary_color,
        &b.brand.accent_color,
        &b.brand.background_color,
        &b.brand.text_color,
    );
    set_document_title(&b.brand.product_name);
}

pub fn use_brand() -> Brand {
    expect_context::<Brand>()
}

fn set_document_title(name: &str) {
    if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
        doc.set_title(name);
    }
}

fn root_style() -> Option<web_sys::CssStyleDeclaration> {
    let root = web_sys::window()?.document()?.document_element()?;
    Some(root.dyn_into::<web_sys::HtmlElement>().ok()?.style())
}

/// Sets the skin's colours, and a readable text colour on top of the primary and accent colours.
pub fn apply_skin(primary: &str, accent: &str, background: &str, text: &str) {
    let Some(style) = root_style() else { return };
    for (prop, value) in [
        ("--primary", primary),
        ("--accent", accent),
        ("--bg", background),
        ("--text", text),
    ] {
        if parse_hex(value).is_some() {
            let _ = style.set_property(prop, value);
        }
    }
    if let Some(rgb) = parse_hex(primary) {
        let _ = style.set_property("--on-primary", readable_on(rgb));
    }
    if let Some(rgb) = parse_hex(accent) {
        let _ = style.set_property("--on-accent", readable_on(rgb));
    }
}

/// `#rrggbb` (or `#rgb`) to its three channels.
pub fn parse_hex(s: &str) -> Option<(u8, u8, u8)> {
    let hex = s.trim().strip_prefix('#')?;
    let full: String = match hex.len() {
        3 => hex.chars().flat_map(|c| [c, c]).collect(),
        6 => hex.to_string(),
        _ => return None,
    };
    let channel = |i: usize| u8::from_str_radix(full.get(i..i + 2)?, 16).ok();
    Some((channel(0)?, channel(2)?, channel(4)?))
}

/// Black or white, whichever contrasts more with the colour (WCAG relative luminance).
pub fn readable_on((r, g, b): (u8, u8, u8)) -> &'static str {
    fn lin(c: u8) -> f64 {
        let c = f64::from(c) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    }
    let l = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
    // Contrast with white is 1.05/(l+0.05); with black (l+0.05)/0.05.
    if 1.05 / (l + 0.05) >= (l + 0.05) / 0.05 {
        "#ffffff"
    } else {
        "#111111"
    }
}
