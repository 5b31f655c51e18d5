//! The test area's own small router: the path in a signal, links that push history, and the
//! browser's back and forward. The test area has four screens and one parameter, and
//! `leptos_router` would be a fifth of its bundle (a candidate's phone downloads every byte).

use credence_shared::bundle::Bundle;
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// The screen for a path under `/test`.
#[derive(Debug, Clone, PartialEq)]
pub enum Screen {
    Home,
    Register,
    Instructions(String),
    Run(String),
    Unknown,
}

impl Screen {
    pub fn for_path(path: &str) -> Screen {
        let rest = path.trim_end_matches('/');
        let Some(rest) = rest.strip_prefix("/test") else {
            return Screen::Unknown;
        };
        let parts: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
        match parts.as_slice() {
            [] => Screen::Home,
            ["register"] => Screen::Register,
            ["assessment", id] => Screen::Instructions(decode(id)),
            ["assessment", id, "run"] => Screen::Run(decode(id)),
            _ => Screen::Unknown,
        }
    }
}

fn decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    js_sys::decode_uri_component(s)
        .map(String::from)
        .unwrap_or_else(|_| s.to_string())
}

/// The browser's path now.
pub fn current_path() -> String {
    web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default()
}

/// A query parameter of the address now (`?token=…`, `?key=…`).
pub fn query_param(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search)
        .ok()?
        .get(name)
}

#[derive(Clone, Copy)]
pub struct Nav {
    path: RwSignal<String>,
}

/// Starts following the address (back and forward included) for the test area.
pub fn provide_nav() -> Nav {
    let nav = Nav {
        path: RwSignal::new(current_path()),
    };
    provide_context(nav);
    if let Some(window) = web_sys::window() {
        let on_pop = Closure::<dyn Fn()>::new(move || nav.path.set(current_path()));
        let _ =
            window.add_event_listener_with_callback("popstate", on_pop.as_ref().unchecked_ref());
        on_pop.forget();
    }
    nav
}

pub fn use_nav() -> Nav {
    expect_context::<Nav>()
}

impl Nav {
    /// The screen of the address now (tracked).
    pub fn screen(&self) -> Screen {
        self.path.with(|p| Screen::for_path(p))
    }

    /// Goes to `href` (a path): in the test area with a new history entry, elsewhere with a
    /// page load (another bundle's page).
    pub fn go(&self, href: &str) {
        let Some(window) = web_sys::window() else {
            return;
        };
        if Bundle::for_path(href) != Bundle::TestArea {
            let _ = window.location().assign(href);
            return;
        }
        if let Ok(history) = window.history() {
            let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(href));
        }
        window.scroll_to_with_x_and_y(0.0, 0.0);
        self.path.set(current_path());
    }
}

/// A link within the test area (a plain link when opened in a new tab or window).
#[component]
pub fn Link(#[prop(into)] href: String, children: Children) -> impl IntoView {
    let nav = use_nav();
    let target = href.clone();
    view! {
        <a
            href=href
            on:click=move |ev: web_sys::MouseEvent| {
                if ev.button() != 0 || ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key() {
                    return;
                }
                ev.prevent_default();
                nav.go(&target);
            }
        >
            {children()}
        </a>
    }
}

#[cfg(test)]
mod tests {
    use super::Screen;

    #[test]
    fn each_path_has_its_screen() {
        assert_eq!(Screen::for_path("/test"), Screen::Home);
        assert_eq!(Screen::for_path("/test/"), Screen::Home);
        assert_eq!(Screen::for_path("/test/register"), Screen::Register);
        assert_eq!(
            Screen::for_path("/test/assessment/a1"),
            Screen::Instructions("a1".into())
        );
        assert_eq!(
            Screen::for_path("/test/assessment/a1/run/"),
            Screen::Run("a1".into())
        );
        assert_eq!(Screen::for_path("/test/other"), Screen::Unknown);
        assert_eq!(Screen::for_path("/login"), Screen::Unknown);
    }
}
