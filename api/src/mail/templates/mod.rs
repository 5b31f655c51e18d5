//! Branded email templates: every mail has a plain-text and an HTML part in the skin's colours.

use credence_shared::Role;

use crate::mail::MailMessage;

mod candidate;
pub mod wording;

pub use candidate::{
    candidate_values, completion_values, link_mail, report_summary, CandidateMail, CompletionMail,
    InvitedProject,
};
pub use wording::Wording;

/// The brand skin as mail needs it: colours, logo and the product name people see.
#[derive(Debug, Clone)]
pub struct Skin {
    pub product_name: String,
    pub primary_color: String,
    pub background_color: String,
    pub text_color: String,
    pub logo_id: Option<String>,
}

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Escapes text for HTML element content and keeps its line breaks (`<br>`), so multi-line
/// texts (a project's description) read in the HTML part as they do in the text part.
pub fn escape_lines(s: &str) -> String {
    s.split('\n').map(escape).collect::<Vec<_>>().join("<br>")
}

/// One paragraph of a mail: text, optionally followed by a link (shown as its address).
#[derive(Debug, Clone)]
pub struct Para {
    text: String,
    link: Option<String>,
}

impl Para {
    pub fn text(text: impl Into<String>) -> Para {
        Para {
            text: text.into(),
            link: None,
        }
    }

    /// `text` followed by a clickable `href`, e.g. "Afterwards, sign in at " + the login page.
    pub fn link(text: impl Into<String>, href: impl Into<String>) -> Para {
        Para {
            text: text.into(),
            link: Some(href.into()),
        }
    }

    /// The paragraph in the plain-text part.
    pub fn plain(&self) -> String {
        match &self.link {
            Some(href) => format!("{}{href}", self.text),
            None => self.text.clone(),
        }
    }

    fn html(&self) -> String {
        let link = self
            .link
            .as_deref()
            .map(|href| format!(r#"<a href="{h}">{h}</a>"#, h = escape(href)))
            .unwrap_or_default();
        format!(
            "<p style=\"margin:0 0 16px\">{}{link}</p>",
            escape_lines(&self.text)
        )
    }
}

impl From<String> for Para {
    fn from(text: String) -> Para {
        Para::text(text)
    }
}

pub(super) fn paras(texts: &[String]) -> Vec<Para> {
    texts.iter().cloned().map(Para::from).collect()
}

/// Wraps paragraphs, an optional button and closing paragraphs in the skin's layout.
pub(super) fn layout(
    brand: &Skin,
    public_url: &str,
    heading: &str,
    paragraphs: &[Para],
    button: Option<(&str, &str)>,
    after: &[Para],
) -> String {
    let logo = brand
        .logo_id
        .as_deref()
        .map(|id| format!(r#"<img src="{}/api/v1/logos/{}" alt="{}" style="max-height:48px;margin-bottom:16px">"#, escape(public_url), escape(id), escape(&brand.product_name)))
        .unwrap_or_default();
    let body: String = paragraphs.iter().map(Para::html).collect();
    let after: String = after.iter().map(Para::html).collect();
    let button = button
        .map(|(label, href)| {
            format!(
                r#"<p style="margin:24px 0"><a href="{href}" style="background:{bg};color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none;display:inline-block">{label}</a></p><p style="font-size:13px;color:#555">If the button does not work, open this link: <a href="{href}">{href}</a></p>"#,
                href = escape(href),
                bg = escape(&brand.primary_color),
                label = escape(label)
            )
        })
        .unwrap_or_default();
    format!(
        r#"<!doctype html><html><body style="margin:0;background:{bg};font-family:Arial,Helvetica,sans-serif;color:{text}"><div style="max-width:560px;margin:0 auto;padding:32px 24px"><div style="border-top:4px solid {primary};background:#ffffff;padding:24px;border-radius:8px">{logo}<h1 style="font-size:20px;margin:0 0 16px;color:{primary}">{heading}</h1>{body}{button}{after}</div><p style="font-size:12px;color:#777;margin-top:16px">{product}</p></div></body></html>"#,
        bg = escape(&brand.background_color),
        text = escape(&brand.text_color),
        primary = escape(&brand.primary_color),
        heading = escape(heading),
        product = escape(&brand.product_name),
    )
}

fn role_words(role: &Role) -> &'static str {
    match role {
        Role::PlatformAdmin => "the platform administration",
        Role::Reseller => "your reseller account",
        Role::ClientUser => "your client account",
        Role::Candidate => "your assessments",
    }
}

pub fn welcome(brand: &Skin, public_url: &str, name: &str, role: &Role, link: &str) -> MailMessage {
    let subject = format!("Welcome to {}", brand.product_name);
    let intro = format!("Hello {name},");
    let what = format!(
        "An account has been created for you on {}, giving you access to {}.",
        brand.product_name,
        role_words(role)
    );
    let how =
        "Choose your password with the link below. The link works once and expires in 72 hours."
            .to_string();
    // The same lines in both parts: the sign-in address and, for client users, the guide.
    let mut after = vec![sign_in_line(public_url)];
    if *role == Role::ClientUser {
        after.push(guide_line(public_url));
    }
    let mut text = format!("{intro}\n\n{what}\n\n{how}\n\nSet your password: {link}\n");
    for p in &after {
        text.push_str(&format!("\n{}\n", p.plain()));
    }
    text.push_str(&format!("\n{}\n", brand.product_name));
    let html = layout(
        brand,
        public_url,
        &subject,
        &paras(&[intro, what, how]),
        Some(("Set your password", link)),
        &after,
    );
    MailMessage {
        subject,
        text,
        html,
    }
}

fn sign_in_line(public_url: &str) -> Para {
    Para::link("Afterwards, sign in at ", format!("{public_url}/login"))
}

fn guide_line(public_url: &str) -> Para {
    Para::link(
        "New here? The Quick Start Guide walks you through projects, candidates, results and credits: ",
        guide_url(public_url),
    )
}

/// Where client users read the Quick Start Guide (after signing in).
pub fn guide_url(public_url: &str) -> String {
    format!("{public_url}/client/quick-start")
}

/// The Quick Start Guide, sent by the reseller to one of its client users.
pub fn quick_start_guide(
    brand: &Skin,
    public_url: &str,
    name: &str,
    client_name: &str,
    sender_name: &str,
) -> MailMessage {
    let subject = format!("Your {} Quick Start Guide", brand.product_name);
    let intro = format!("Hello {name},");
    let what = format!(
        "{sender_name} has sent you the Quick Start Guide for {client_name}'s account on {}. It takes you from an empty account to your first results in four steps: create a project, invite candidates, read the results, and keep an eye on your credits.",
        brand.product_name
    );
    let after = [
        sign_in_line(public_url),
        Para::text(
            "Forgotten your password, or never set one? Use “Forgot password” on the sign-in page.",
        ),
    ];
    let mut text = format!(
        "{intro}\n\n{what}\n\nRead the guide: {}\n",
        guide_url(public_url)
    );
    for p in &after {
        text.push_str(&format!("\n{}\n", p.plain()));
    }
    text.push_str(&format!("\n{}\n", brand.product_name));
    let html = layout(
        brand,
        public_url,
        &subject,
        &paras(&[intro, what]),
        Some(("Read the Quick Start Guide", &guide_url(public_url))),
        &after,
    );
    MailMessage {
        subject,
        text,
        html,
    }
}

#[allow(clippy::too_many_arguments)]
pub fn low_credit(
    brand: &Skin,
    public_url: &str,
    name: &str,
    client_name: &str,
    code: &str,
    balance: i64,
    threshold: i64,
    link: &str,
) -> MailMessage {
    let subject = format!("Low credit balance: {client_name} ({code})");
    let intro = format!("Hello {name},");
    let what = format!("The credit balance of {client_name} ({code}) is {balance}, below its threshold of {threshold}.");
    let next = "Inviting candidates needs credits. Order more credits to keep testing without interruption.".to_string();
    let text = format!(
        "{intro}\n\n{what}\n\n{next}\n\n{link}\n\n{}\n",
        brand.product_name
    );
    let html = layout(
        brand,
        public_url,
        &subject,
        &paras(&[intro, what, next]),
        Some(("View credits", link)),
        &[],
    );
    MailMessage {
        subject,
        text,
        html,
    }
}

/// `account` names the account the link resets when the email has several (e.g. "Client user
/// at Acme Ltd"); each account gets its own mail in its own skin.
pub fn password_reset(
    brand: &Skin,
    public_url: &str,
    name: &str,
    link: &str,
    account: Option<&str>,
) -> MailMessage {
    let subject = format!("Reset your {} password", brand.product_name);
    let intro = format!("Hello {name},");
    let which = match account {
        Some(account) => format!(
            " This email has several accounts: this link is for your {} account ({account}); each of the others gets its own email.",
            brand.product_name
        ),
        None => String::new(),
    };
    let what = format!("We received a request to reset your password. The link below works once and expires in one hour.{which}");
    let ignore =
        "If you did not ask for this, you can ignore this email: your password stays as it is."
            .to_string();
    let text = format!(
        "{intro}\n\n{what}\n\nReset your password: {link}\n\n{ignore}\n\n{}\n",
        brand.product_name
    );
    let html = layout(
        brand,
        public_url,
        &subject,
        &paras(&[intro, what, ignore]),
        Some(("Reset your password", link)),
        &[],
    );
    MailMessage {
        subject,
        text,
        html,
    }
}

/// To the new address: confirm it before it becomes the account's sign-in email.
pub fn email_change_confirm(
    brand: &Skin,
    public_url: &str,
    name: &str,
    new_email: &str,
    link: &str,
) -> MailMessage {
    let subject = format!("Confirm your new {} email", brand.product_name);
    let intro = format!("Hello {name},");
    let what = format!("Someone asked to make {new_email} the sign-in email of your {} account. It changes only when you confirm it with the link below, which works once and expires in 24 hours. Confirming signs you out everywhere.", brand.product_name);
    let ignore = "If you did not expect this, ignore this email: nothing changes.".to_string();
    let text = format!(
        "{intro}\n\n{what}\n\nConfirm the new email: {link}\n\n{ignore}\n\n{}\n",
        brand.product_name
    );
    let html = layout(
        brand,
        public_url,
        &subject,
        &paras(&[intro, what, ignore]),
        Some(("Confirm the new email", link)),
        &[],
    );
    MailMessage {
        subject,
        text,
        html,
    }
}

/// To the old address: a change of sign-in email was asked for (by `by`), or has happened.
pub fn email_change_notice(
    brand: &Skin,
    public_url: &str,
    name: &str,
    new_email: &str,
    by: &str,
    confirmed: bool,
) -> MailMessage {
    let subject = if confirmed {
        format!("Your {} sign-in email was changed", brand.product_name)
    } else {
        format!(
            "A change of your {} sign-in email was requested",
            brand.product_name
        )
    };
    let intro = format!("Hello {name},");
    let what = if confirmed {
        format!("The sign-in email of your account is now {new_email}; this address no longer signs in.")
    } else {
        format!("{by} asked to change the sign-in email of your account to {new_email}. It changes only once the new address confirms it; until then you sign in as before.")
    };
    let act = "If this was not you or someone you expected, contact your administrator at once."
        .to_string();
    let text = format!("{intro}\n\n{what}\n\n{act}\n\n{}\n", brand.product_name);
    let html = layout(
        brand,
        public_url,
        &subject,
        &paras(&[intro, what, act]),
        None,
        &[],
    );
    MailMessage {
        subject,
        text,
        html,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brand() -> Skin {
        Skin {
            product_name: "Acme <Assess>".into(),
            primary_color: "#112233".into(),
            background_color: "#ffffff".into(),
            text_color: "#000000".into(),
            logo_id: None,
        }
    }

    #[test]
    fn welcome_has_both_parts_the_link_and_escaped_branding() {
        let m = welcome(
            &brand(),
            "http://x",
            "Jo <script>",
            &Role::Reseller,
            "http://x/set-password?token=abc",
        );
        assert_eq!(m.subject, "Welcome to Acme <Assess>");
        assert!(m.text.contains("http://x/set-password?token=abc"));
        assert!(m.html.contains("href=\"http://x/set-password?token=abc\""));
        assert!(m.html.contains("#112233"));
        assert!(m.html.contains("Acme &lt;Assess&gt;"));
        assert!(!m.html.contains("<script>"));
        assert!(m.text.contains("sign in at http://x/login"));
        assert!(m
            .html
            .contains(r#"<a href="http://x/login">http://x/login</a>"#));
    }

    #[test]
    fn a_client_users_welcome_links_the_guide_and_sign_in_in_both_parts() {
        let m = welcome(
            &brand(),
            "http://x",
            "Jo",
            &Role::ClientUser,
            "http://x/set-password?token=abc",
        );
        for part in [&m.text, &m.html] {
            assert!(part.contains("Quick Start Guide"), "{part}");
            assert!(part.contains("sign in at"), "{part}");
        }
        assert!(m.text.contains("http://x/client/quick-start"));
        assert!(m.text.contains("http://x/login"));
        assert!(m
            .html
            .contains(r#"<a href="http://x/client/quick-start">http://x/client/quick-start</a>"#));
        assert!(m
            .html
            .contains(r#"<a href="http://x/login">http://x/login</a>"#));
    }

    #[test]
    fn a_reminder_says_so_with_the_deadline_and_the_link_in_both_parts() {
        let expires = chrono::NaiveDate::from_ymd_opt(2027, 3, 9)
            .unwrap()
            .and_hms_opt(17, 30, 0)
            .unwrap();
        let m = link_mail(
            &brand(),
            "http://x",
            &wording::default_wording(credence_shared::MailTextKind::Reminder),
            &CandidateMail {
                first_name: "Jo",
                last_name: "Bloggs",
                client_name: "Hiring <Co>",
                project: InvitedProject {
                    name: "Graduates",
                    description: None,
                    support_name: Some("Pat"),
                    support_email: Some("pat@hiring.example"),
                },
                link: "http://x/test?token=abc",
                expires,
            },
        );
        assert_eq!(
            m.subject,
            "Reminder: Hiring <Co> invites you to an online assessment"
        );
        for part in [&m.text, &m.html] {
            assert!(part.contains("This is a reminder"), "{part}");
            assert!(part.contains("9 March 2027 17:30"), "{part}");
            assert!(part.contains("pat@hiring.example"), "{part}");
        }
        assert!(m.text.contains("http://x/test?token=abc"));
        assert!(m.html.contains(r#"href="http://x/test?token=abc""#));
        assert!(m.html.contains("Hiring &lt;Co&gt;"));
        assert!(m.html.contains("#112233"), "the brand's look");
    }

    #[test]
    fn line_breaks_become_br_after_escaping() {
        assert_eq!(escape_lines("a <b>\nc & d"), "a &lt;b&gt;<br>c &amp; d");
    }

    #[test]
    fn the_guide_mail_links_the_guide() {
        let m = quick_start_guide(&brand(), "http://x", "Jo", "Acme", "Rita <R>");
        assert!(m.subject.contains("Quick Start Guide"));
        assert!(m.text.contains("http://x/client/quick-start"));
        assert!(m.html.contains(r#"href="http://x/client/quick-start""#));
        assert!(m.html.contains("Rita &lt;R&gt;"));
        assert!(m.text.contains("http://x/login"));
    }
}
