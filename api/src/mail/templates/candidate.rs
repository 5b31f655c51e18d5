//! The mails a candidate receives (the invitation, its reminders) and the completion report
//! about a candidate: each carries the project's support contact.

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

/// The candidate's invitation: the magic link, the project, the support contact.
pub fn invitation(
    brand: &Skin,
    public_url: &str,
    first_name: &str,
    client_name: &str,
    project: &InvitedProject<'_>,
    link: &str,
    expires: chrono::NaiveDateTime,
) -> MailMessage {
    let subject = format!("{client_name} invites you to an online assessment");
    let mut paragraphs = vec![
        format!("Hello {first_name},"),
        format!(
            "{client_name} has invited you to complete an online assessment: {}.",
            project.name
        ),
    ];
    if let Some(d) = project.description {
        paragraphs.push(d.to_string());
    }
    paragraphs.push(format!("Please complete it by {} (UTC). Use a quiet place and a reliable connection; timed tests show a countdown and save your answers as you go.", expires.format("%-d %B %Y %H:%M")));
    paragraphs.extend(support_line(project));
    magic_link_mail(brand, public_url, subject, &paragraphs, link)
}

/// A reminder to a candidate who has not started: it says it is a reminder, the deadline, and
/// a fresh magic link (the earlier one stops working).
pub fn reminder(
    brand: &Skin,
    public_url: &str,
    first_name: &str,
    client_name: &str,
    project: &InvitedProject<'_>,
    link: &str,
    expires: chrono::NaiveDateTime,
) -> MailMessage {
    let subject = format!("Reminder: {client_name} invites you to an online assessment");
    let mut paragraphs = vec![
        format!("Hello {first_name},"),
        format!(
            "This is a reminder: {client_name} has invited you to complete an online assessment, {}, and you have not started it yet.",
            project.name
        ),
        format!(
            "Please complete it by {} (UTC); after that the link no longer works. Use a quiet place and a reliable connection; timed tests show a countdown and save your answers as you go.",
            expires.format("%-d %B %Y %H:%M")
        ),
        "This email has a new link: earlier links to this assessment no longer work.".to_string(),
    ];
    paragraphs.extend(support_line(project));
    magic_link_mail(brand, public_url, subject, &paragraphs, link)
}

/// The summary sent to "email reports to" when a candidate completes a project.
pub fn report_summary(
    brand: &Skin,
    public_url: &str,
    first_name: &str,
    last_name: &str,
    project_name: &str,
    results: &[credence_shared::assess::Assessment],
    link: &str,
) -> MailMessage {
    let subject = format!("Completed: {first_name} {last_name} — {project_name}");
    let mut paragraphs = vec![format!(
        "{first_name} {last_name} has completed {project_name}."
    )];
    for a in results {
        let line = match &a.scores {
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
        };
        paragraphs.push(line);
    }
    let text = format!(
        "{}\n\nFull results: {link}\n\n{}\n",
        paragraphs.join("\n"),
        brand.product_name
    );
    let html = layout(
        brand,
        public_url,
        &subject,
        &paras(&paragraphs),
        Some(("View the results", link)),
        &[],
    );
    MailMessage {
        subject,
        text,
        html,
    }
}
