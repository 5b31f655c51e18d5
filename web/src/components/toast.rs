//! Short-lived success and error messages, announced to screen readers through aria-live.

use gloo_timers::callback::Timeout;
use leptos::prelude::*;

use crate::api::ApiError;

const DISMISS_AFTER_MS: u32 = 6000;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ToastKind {
    Success,
    Error,
}

#[derive(Clone, PartialEq, Debug)]
pub struct Toast {
    pub id: u64,
    pub kind: ToastKind,
    pub message: String,
}

#[derive(Clone, Copy)]
pub struct Toasts {
    items: RwSignal<Vec<Toast>>,
    next_id: StoredValue<u64>,
}

impl Toasts {
    pub fn success(&self, message: impl Into<String>) {
        self.push(ToastKind::Success, message.into());
    }

    pub fn error(&self, message: impl Into<String>) {
        self.push(ToastKind::Error, message.into());
    }

    /// A toast for a failed call: a summary for field errors, the problem's detail otherwise.
    pub fn problem(&self, err: &ApiError) {
        if err.is_validation() {
            self.error("Some fields need attention. Please check the form.");
        } else {
            self.error(err.message());
        }
    }

    pub fn dismiss(&self, id: u64) {
        self.items.update(|v| v.retain(|t| t.id != id));
    }

    fn push(&self, kind: ToastKind, message: String) {
        // The same message twice (a double click, a retried call) is shown once.
        let shown = self
            .items
            .with_untracked(|v| v.iter().any(|t| t.kind == kind && t.message == message));
        if shown {
            return;
        }
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        self.items.update(|v| v.push(Toast { id, kind, message }));
        let this = *self;
        Timeout::new(DISMISS_AFTER_MS, move || this.dismiss(id)).forget();
    }
}

pub fn provide_toasts() -> Toasts {
    let toasts = Toasts {
        items: RwSignal::new(Vec::new()),
        next_id: StoredValue::new(1),
    };
    provide_context(toasts);
    toasts
}

pub fn use_toasts() -> Toasts {
    expect_context::<Toasts>()
}

/// The toast stack; rendered once, at the root.
#[component]
pub fn ToastRegion() -> impl IntoView {
    let toasts = use_toasts();
    view! {
        <div class="toasts" role="status" aria-live="polite" aria-relevant="additions">
            <For each=move || toasts.items.get() key=|t| t.id let:toast>
                <div
                    class="toast"
                    class:toast-success=toast.kind == ToastKind::Success
                    class:toast-error=toast.kind == ToastKind::Error
                    data-testid="toast"
                    data-kind=if toast.kind == ToastKind::Success { "success" } else { "error" }
                >
                    <span class="toast-message">{toast.message.clone()}</span>
                    <button
                        type="button"
                        class="toast-close"
                        aria-label="Dismiss message"
                        on:click=move |_| toasts.dismiss(toast.id)
                    >
                        "×"
                    </button>
                </div>
            </For>
        </div>
    }
}
