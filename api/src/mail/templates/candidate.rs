//! The mails a candidate receives (the invitation, its reminders) and the completion report
//! about a candidate, in the wording the reseller (or the project) chose (`wording`); the
//! personal link and the product name close every one.

use super::wording::{self, Values, Wording};
use super::{layout, paras, Skin};
use crate::mail::MailMessage;

/// What an invitation says about the project.
pub struct InvitedProject<'a> {
    pub name: &'a str,
    pub description: Option<&'a str>,
    pub support_name: Option<&'a str>,
    pub support_email: Option<&'a str>,
}

/// "Questions? Contact …" for a project with a support email.
fn support_line(project: &InvitedProject<'_>) -> Option<String> {
    match (project.support_name, project.support_email) {
        (Some(n), Some(e)) => Some(format!(
            "Questions? Contact {n} at {e} (or reply to this email)."
        )),
        (None, Some(e)) => Some(format!("Questions? Contact {e} (or reply to this email).")),
        _ => None,
    }
}

/// A mail whose point is the candidate's personal magic link: the paragraphs, then the link
/// (a button in HTML) and the product name.
fn magic_link_mail(
    brand: &Skin,
    public_url: &str,
    subject: String,
    paragraphs: &[String],
    link: &str,
) -> MailMessage {
    let mut text = paragraphs.join("\n\n");
    text.push_str(&format!(
        "\n\nStart your assessment: {link}\n\nThis link is personal: do not share it.\n\n{}\n",
        brand.product_name
    ));
    let html = layout(
        brand,
        public_url,
        &subject,
        &paras(paragraphs),
        Some(("Start your assessment", link)),
        &[],
    );
    MailMessage {
        subject,
        text,
        html,
    }
}

/// What a candidate's link mail (invitation or reminder) is about.
pub struct CandidateMail<'a> {
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub client_name: &'a str,
    pub project: InvitedProject<'a>,
    pub link: &'a str,
    pub expires: chrono::NaiveDateTime,
}

/// The values an invitation or reminder's wording may use.
pub fn candidate_values(brand: &Skin, mail: &CandidateMail<'_>) -> Values {
    Values::new()
        .with("candidate_first_name", mail.first_name)
        .with("candidate_last_name", mail.last_name)
        .with("client_name", mail.client_name)
        .with("project_name", mail.project.name)
        .with(
            "project_description",
            mail.project.description.unwrap_or_default(),
        )
        .with(
            "deadline",
            mail.expires.format("%-d %B %Y %H:%M").to_string(),
        )
        .with(
            "support_contact",
            support_line(&mail.project).unwrap_or_default(),
        )
        .with("link", mail.link)
        .with("product_name", brand.product_name.as_str())
}

/// The candidate's invitation or reminder in `wording`: its paragraphs, then the personal
/// magic link (a button in HTML) and the product name.
pub fn link_mail(
    brand: &Skin,
    public_url: &str,
    wording: &Wording,
    mail: &CandidateMail<'_>,
) -> MailMessage {
    let values = candidate_values(brand, mail);
    magic_link_mail(
        brand,
        public_url,
        wording::subject(wording, &values),
        &wording::paragraphs(wording, &values),
        mail.link,
    )
}

/// The completion report sent to "email reports to" when a candidate completes a project.
pub struct CompletionMail<'a> {
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub client_name: &'a str,
    pub project_name: &'a str,
    pub results: &'a [credence_shared::assess::Assessment],
    pub link: &'a str,
}

/// One line per assessment: its scores, or its status.
fn result_lines(results: &[credence_shared::assess::Assessment]) -> String {
    results
        .iter()
        .map(|a| match &a.scores {
            Some(scores) => {
                let parts: Vec<String> = scores
                    .iter()
                    .map(|s| {
                        if s.scale == "total" {
                            format!(
                                "percentile {}, sten {}, T {:.1}",
                                s.percentile, s.sten, s.t_score
                            )
                        } else {
                            format!("{} sten {}", s.scale.replace('_', " "), s.sten)
                        }
                    })
                    .collect();
                format!(
                    "{} ({} norms): {}",
                    a.test_name,
                    a.norm_group_name,
                    parts.join("; ")
                )
            }
            None => format!("{}: {}", a.test_name, a.status.as_str().replace('_', " ")),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The values a completion report's wording may use.
pub fn completion_values(brand: &Skin, mail: &CompletionMail<'_>) -> Values {
    Values::new()
        .with("candidate_first_name", mail.first_name)
        .with("candidate_last_name", mail.last_name)
        .with("client_name", mail.client_name)
        .with("project_name", mail.project_name)
        .with("results", result_lines(mail.results))
        .with("link", mail.link)
        .with("product_name", brand.product_name.as_str())
}

/// The completion report in `wording`, then the link to the full results.
pub fn report_summary(
    brand: &Skin,
    public_url: &str,
    wording: &Wording,
    mail: &CompletionMail<'_>,
) -> MailMessage {
    let values = completion_values(brand, mail);
    let subject = wording::subject(wording, &values);
    let paragraphs = wording::paragraphs(wording, &values);
    let text = format!(
        "{}\n\nFull results: {}\n\n{}\n",
        paragraphs.join("\n\n"),
        mail.link,
        brand.product_name
    );
    let html = layout(
        brand,
        public_url,
        &subject,
        &paras(&paragraphs),
        Some(("View the results", mail.link)),
        &[],
    );
    MailMessage {
        subject,
        text,
        html,
    }
}
