//! The brand skin for this host: fetched once, applied as CSS custom properties on `:root`.

use credence_shared::admin::Branding;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::api;

/// Shown until (or if never) `GET /branding` answers: no name rather than the vendor's, which
/// must never show on a reseller's host.
pub const FALLBACK_PRODUCT_NAME: &str = "";

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
    leptos::task::spawn_local(async move {
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
    set_icon(b.brand.logo_url.as_deref());
}

pub fn use_brand() -> Brand {
    expect_context::<Brand>()
}

fn set_document_title(name: &str) {
    let name = name.trim();
    if name.is_empty() {
        return;
    }
    if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
        doc.set_title(name);
    }
}

/// The icon of a skin without a logo: a neutral mark that names no product.
pub const NEUTRAL_ICON: &str = "/favicon.svg";

/// The tab's icon: the skin's logo (always a PNG), else the neutral one.
fn set_icon(logo_url: Option<&str>) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(Some(link)) = doc.query_selector("link[rel~='icon']") else {
        return;
    };
    let (href, kind) = match logo_url {
        Some(url) => (url, "image/png"),
        None => (NEUTRAL_ICON, "image/svg+xml"),
    };
    let _ = link.set_attribute("href", href);
    let _ = link.set_attribute("type", kind);
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
    if let (Some(text), Some(bg)) = (parse_hex(text), parse_hex(background)) {
        let _ = style.set_property("--muted", &to_hex(muted_on(text, bg)));
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
pub fn readable_on(rgb: (u8, u8, u8)) -> &'static str {
    let l = luminance(rgb);
    // Contrast with white is 1.05/(l+0.05); with black (l+0.05)/0.05.
    if 1.05 / (l + 0.05) >= (l + 0.05) / 0.05 {
        "#ffffff"
    } else {
        "#111111"
    }
}

type Rgb = (u8, u8, u8);

/// WCAG AA for normal text.
pub const MIN_TEXT_CONTRAST: f64 = 4.5;
/// The cards' colour (`--surface` in style.css); muted text sits on it as well as on the page.
const SURFACE: Rgb = (0xff, 0xff, 0xff);

/// WCAG relative luminance.
fn luminance((r, g, b): Rgb) -> f64 {
    fn lin(c: u8) -> f64 {
        let c = f64::from(c) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    }
    0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
}

/// WCAG contrast ratio of two colours (1 to 21).
pub fn contrast(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// `share` of `a` mixed with the rest of `b`, as CSS `color-mix(in srgb, …)` does (rounded).
fn mix(a: Rgb, b: Rgb, share: f64) -> Rgb {
    let ch = |x: u8, y: u8| (f64::from(x) * share + f64::from(y) * (1.0 - share)).round() as u8;
    (ch(a.0, b.0), ch(a.1, b.1), ch(a.2, b.2))
}

fn to_hex((r, g, b): Rgb) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// Every colour muted text is drawn on: the page, the cards, and both tinted with the skin's
/// text colour (table headers, hovered rows, muted badges: `--subtle`, twice at most).
fn muted_backgrounds(text: Rgb, bg: Rgb) -> [Rgb; 6] {
    [
        bg,
        SURFACE,
        mix(text, bg, 0.05),
        mix(text, SURFACE, 0.05),
        mix(text, bg, 0.10),
        mix(text, SURFACE, 0.10),
    ]
}

/// The lowest contrast of `c` over the backgrounds muted text is drawn on.
fn worst_contrast(c: Rgb, backgrounds: &[Rgb]) -> f64 {
    backgrounds
        .iter()
        .map(|b| contrast(c, *b))
        .fold(f64::INFINITY, f64::min)
}

/// `--muted`: the skin's text colour softened towards its background as far as WCAG AA
/// (4.5:1) allows on every background muted text is drawn on. When even the full text colour
/// falls short (a pale text colour), black or white, whichever reads better.
pub fn muted_on(text: Rgb, bg: Rgb) -> Rgb {
    let backgrounds = muted_backgrounds(text, bg);
    // 62 % text is the softest grey the design uses; step towards the full text colour.
    for percent in 62..=100 {
        let candidate = mix(text, bg, f64::from(percent) / 100.0);
        if worst_contrast(candidate, &backgrounds) >= MIN_TEXT_CONTRAST {
            return candidate;
        }
    }
    [(0, 0, 0), (0xff, 0xff, 0xff)]
        .into_iter()
        .max_by(|a, b| {
            worst_contrast(*a, &backgrounds).total_cmp(&worst_contrast(*b, &backgrounds))
        })
        .unwrap_or((0, 0, 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Rgb {
        parse_hex(s).expect("test colour")
    }

    /// (text, background) of skins: the stylesheet's, the platform default, the journeys', a warm page,
    /// a pale text colour, a tinted page and a very light grey text.
    const SKINS: &[(&str, &str)] = &[
        ("#1c2330", "#f6f7fb"),
        ("#1b2533", "#f6f8fb"),
        ("#17202a", "#fbfaf5"),
        ("#222222", "#ffffff"),
        ("#3b2f2f", "#fff4e0"),
        ("#6b7280", "#f3f4f6"),
        ("#334155", "#e0f2fe"),
        ("#bbbbbb", "#ffffff"),
        ("#000000", "#fafafa"),
    ];

    #[test]
    fn muted_text_reaches_aa_on_every_background_of_every_skin() {
        for (text, bg) in SKINS {
            let (text, bg) = (hex(text), hex(bg));
            let muted = muted_on(text, bg);
            for back in muted_backgrounds(text, bg) {
                let ratio = contrast(muted, back);
                assert!(
                    ratio >= MIN_TEXT_CONTRAST,
                    "{} on {} is {ratio:.2}:1 (skin text {}, bg {})",
                    to_hex(muted),
                    to_hex(back),
                    to_hex(text),
                    to_hex(bg)
                );
            }
        }
    }

    #[test]
    fn muted_text_stays_softer_than_the_text_when_it_can() {
        // The stylesheet's default skin: still a grey, not the text colour itself.
        let (text, bg) = (hex("#1c2330"), hex("#f6f7fb"));
        let muted = muted_on(text, bg);
        assert_ne!(muted, text);
        assert!(contrast(muted, bg) < contrast(text, bg));
    }

    #[test]
    fn contrast_matches_wcag_reference_values() {
        assert!((contrast((0, 0, 0), (255, 255, 255)) - 21.0).abs() < 1e-9);
        assert!((contrast((0x76, 0x76, 0x76), (255, 255, 255)) - 4.54).abs() < 0.01);
    }
}
