//! Small pieces several portals share: status badges, confirmed actions, copy-to-clipboard.

use credence_shared::{
    AssessmentStatus, CandidateStatus, ClientStatus, HostCheckResult, HostStatus, InvitationStatus,
    InvoiceStatus, PriceStatus, ResellerStatus, UserStatus, WebhookDeliveryStatus,
};
use leptos::html;
use leptos::prelude::*;

use crate::components::toast::use_toasts;

/// A status as a badge: the API's word (in `data-status`), shown capitalised, and its colour.
#[derive(Clone, Debug, PartialEq)]
pub struct Badge {
    pub word: &'static str,
    pub label: String,
    pub class: &'static str,
}

const OK: &str = "badge badge-ok";
const WARN: &str = "badge badge-warn";
const MUTED: &str = "badge badge-muted";
const INFO: &str = "badge badge-info";
const ACCENT: &str = "badge badge-accent";

macro_rules! badge_from {
    ($ty:ty, |$s:ident| $tone:expr) => {
        impl From<$ty> for Badge {
            fn from($s: $ty) -> Badge {
                Badge {
                    word: $s.as_str(),
                    label: $s.label(),
                    class: $tone,
                }
            }
        }
    };
}

badge_from!(ResellerStatus, |s| match s {
    ResellerStatus::Active => OK,
    ResellerStatus::Suspended => WARN,
});
badge_from!(ClientStatus, |s| match s {
    ClientStatus::Active => OK,
    ClientStatus::Suspended => WARN,
    ClientStatus::Archived => MUTED,
});
badge_from!(UserStatus, |s| match s {
    UserStatus::Invited => INFO,
    UserStatus::Active => OK,
    UserStatus::Deactivated => WARN,
});
badge_from!(InvoiceStatus, |s| match s {
    InvoiceStatus::Draft | InvoiceStatus::Issued => INFO,
    InvoiceStatus::Paid => OK,
    InvoiceStatus::Void => WARN,
});
badge_from!(PriceStatus, |s| match s {
    PriceStatus::Scheduled => INFO,
    PriceStatus::Current => OK,
    PriceStatus::Ended => MUTED,
});
badge_from!(InvitationStatus, |s| match s {
    InvitationStatus::Invited => INFO,
    InvitationStatus::InProgress => ACCENT,
    InvitationStatus::Submitted => OK,
    InvitationStatus::Cancelled | InvitationStatus::Expired => MUTED,
});
badge_from!(AssessmentStatus, |s| match s {
    AssessmentStatus::NotStarted => INFO,
    AssessmentStatus::InProgress => ACCENT,
    AssessmentStatus::Submitted => OK,
    AssessmentStatus::Refunded => MUTED,
});
badge_from!(CandidateStatus, |s| match s {
    CandidateStatus::NotInvited => "badge",
    CandidateStatus::Invited => INFO,
    CandidateStatus::InProgress => ACCENT,
    CandidateStatus::Submitted => OK,
    CandidateStatus::Cancelled | CandidateStatus::Expired => MUTED,
});

badge_from!(WebhookDeliveryStatus, |s| match s {
    WebhookDeliveryStatus::Pending => INFO,
    WebhookDeliveryStatus::Delivered => OK,
    WebhookDeliveryStatus::Failed => WARN,
    WebhookDeliveryStatus::Cancelled => MUTED,
});

badge_from!(HostStatus, |s| match s {
    HostStatus::NoHost => MUTED,
    HostStatus::Requested => INFO,
    HostStatus::Approved => OK,
    HostStatus::Rejected => WARN,
});

badge_from!(HostCheckResult, |s| match s {
    HostCheckResult::PointsHere => OK,
    HostCheckResult::PointsElsewhere => WARN,
    HostCheckResult::NotFound => MUTED,
});

/// A status (`active`, `suspended`, `invited`, …) as a coloured badge.
#[component]
pub fn StatusBadge(
    #[prop(into)] status: Badge,
    #[prop(optional, into)] testid: Option<String>,
) -> impl IntoView {
    view! { <span class=status.class data-testid=testid data-status=status.word>{status.label}</span> }
}

/// A button that asks before it acts: the question appears inline with Confirm and Cancel
/// (focus moves to Confirm; Escape cancels).
#[component]
pub fn ConfirmButton(
    /// The button's `data-testid`; Confirm and Cancel get `-confirm` and `-cancel` appended.
    #[prop(into)]
    testid: String,
    #[prop(into)] label: String,
    #[prop(into)] question: String,
    #[prop(into)] confirm_label: String,
    #[prop(optional)] danger: bool,
    #[prop(optional, into)] pending: Signal<bool>,
    #[prop(optional)] small: bool,
    on_confirm: Callback<()>,
) -> impl IntoView {
    let asking = RwSignal::new(false);
    let confirm_ref = NodeRef::<html::Button>::new();
    let opener_ref = NodeRef::<html::Button>::new();
    Effect::new(move |_| {
        if asking.get() {
            if let Some(el) = confirm_ref.get() {
                let _ = el.focus();
            }
        }
    });
    let cancel = move || {
        asking.set(false);
        if let Some(el) = opener_ref.get_untracked() {
            let _ = el.focus();
        }
    };
    let btn_class = move |primary: bool| {
        let mut c = String::from("btn");
        if small {
            c.push_str(" btn-small");
        }
        if primary && danger {
            c.push_str(" btn-danger");
        }
        c
    };
    let confirm_testid = format!("{testid}-confirm");
    let cancel_testid = format!("{testid}-cancel");
    view! {
        <span class="confirm-action">
            <button
                type="button"
                class=btn_class(false)
                data-testid=testid
                node_ref=opener_ref
                disabled=move || pending.get()
                aria-expanded=move || if asking.get() { "true" } else { "false" }
                on:click=move |_| asking.set(true)
            >
                {label}
            </button>
            <Show when=move || asking.get()>
                <span
                    class="confirm-box"
                    role="group"
                    aria-label="Confirm"
                    on:keydown=move |ev| {
                        if ev.key() == "Escape" {
                            cancel();
                        }
                    }
                >
                    <span class="confirm-question">{question.clone()}</span>
                    <button
                        type="button"
                        class=btn_class(true)
                        data-testid=confirm_testid.clone()
                        node_ref=confirm_ref
                        disabled=move || pending.get()
                        on:click=move |_| {
                            asking.set(false);
                            on_confirm.run(());
                        }
                    >
                        {confirm_label.clone()}
                    </button>
                    <button
                        type="button"
                        class=btn_class(false)
                        data-testid=cancel_testid.clone()
                        on:click=move |_| cancel()
                    >
                        "Cancel"
                    </button>
                </span>
            </Show>
        </span>
    }
}

/// Copies a value (a client code) to the clipboard and says so.
#[component]
pub fn CopyButton(
    #[prop(into)] value: Signal<String>,
    #[prop(into)] label: String,
    #[prop(into)] testid: String,
) -> impl IntoView {
    let toasts = use_toasts();
    let copy = move |_| {
        let text = value.get_untracked();
        let Some(window) = web_sys::window() else {
            return;
        };
        let promise = window.navigator().clipboard().write_text(&text);
        leptos::task::spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(promise).await {
                Ok(_) => toasts.success(format!("Copied {text}")),
                Err(_) => toasts.error("Could not copy. Select the code and copy it by hand."),
            }
        });
    };
    view! {
        <button type="button" class="btn btn-small" data-testid=testid aria-label=label.clone() title=label on:click=copy>
            "Copy"
        </button>
    }
}

/// A label/value pair of a summary card.
#[component]
pub fn Fact(#[prop(into)] label: String, children: Children) -> impl IntoView {
    view! {
        <div class="fact">
            <dt>{label}</dt>
            <dd>{children()}</dd>
        </div>
    }
}

/// The scroll region around a table: a wide table scrolls sideways inside its card (with
/// shadows at the edges that show there is more, style.css `.table-wrap`), and keyboard users
/// can focus the region to scroll it.
#[component]
pub fn TableScroll(#[prop(into)] label: String, children: Children) -> impl IntoView {
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label=label>
            {children()}
        </div>
    }
}

/// "Export CSV": the whole list as it is filtered now (`path` under `/api/v1`), streamed by the
/// server, saved as a file.
#[component]
pub fn ExportButton(
    #[prop(into)] path: Signal<String>,
    #[prop(into)] name: String,
) -> impl IntoView {
    let toasts = use_toasts();
    let busy = RwSignal::new(false);
    let name = StoredValue::new(name);
    let export = move |_| {
        busy.set(true);
        let (path, name) = (path.get_untracked(), name.get_value());
        leptos::task::spawn_local(async move {
            if let Err(e) = crate::api::download_csv(&path, &name).await {
                toasts.problem(&e);
            }
            busy.set(false);
        });
    };
    view! {
        <button type="button" class="btn" data-testid="export-csv" on:click=export disabled=move || busy.get()>
            {move || if busy.get() { "Exporting…" } else { "Export CSV" }}
        </button>
    }
}
