//! Editable wording: the subject and body of the candidate mails as plain text with
//! `{variable}` placeholders (`{{` and `}}` for literal braces). Blank lines separate
//! paragraphs; a paragraph left empty by an empty value is dropped. Values are plain text: the
//! HTML part escapes them like every other text.

use credence_shared::MailTextKind;

/// A subject and a body, as written (placeholders not yet filled).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wording {
    pub subject: String,
    pub body: String,
}

/// Longest subject and body a wording may have (characters).
pub const SUBJECT_MAX: usize = 200;
pub const BODY_MAX: usize = 5000;

const CANDIDATE_VARIABLES: &[&str] = &[
    "candidate_first_name",
    "candidate_last_name",
    "client_name",
    "project_name",
    "project_description",
    "deadline",
    "support_contact",
    "link",
    "product_name",
];

const COMPLETION_VARIABLES: &[&str] = &[
    "candidate_first_name",
    "candidate_last_name",
    "client_name",
    "project_name",
    "results",
    "link",
    "product_name",
];

/// Variables that may span lines or are long, so they belong in the body only.
const BODY_ONLY: &[&str] = &["project_description", "support_contact", "results", "link"];

/// The variables a kind of mail may use.
pub fn variables(kind: MailTextKind) -> &'static [&'static str] {
    match kind {
        MailTextKind::Invitation | MailTextKind::Reminder => CANDIDATE_VARIABLES,
        MailTextKind::Completion => COMPLETION_VARIABLES,
    }
}

/// The wording every skin starts with.
pub fn default_wording(kind: MailTextKind) -> Wording {
    let (subject, body) = match kind {
        MailTextKind::Invitation => (
            "{client_name} invites you to an online assessment",
            "Hello {candidate_first_name},\n\n\
             {client_name} has invited you to complete an online assessment: {project_name}.\n\n\
             {project_description}\n\n\
             Please complete it by {deadline} (UTC). Use a quiet place and a reliable connection; \
             timed tests show a countdown and save your answers as you go.\n\n\
             {support_contact}",
        ),
        MailTextKind::Reminder => (
            "Reminder: {client_name} invites you to an online assessment",
            "Hello {candidate_first_name},\n\n\
             This is a reminder: {client_name} has invited you to complete an online assessment, \
             {project_name}, and you have not started it yet.\n\n\
             Please complete it by {deadline} (UTC); after that the link no longer works. Use a \
             quiet place and a reliable connection; timed tests show a countdown and save your \
             answers as you go.\n\n\
             This email has a new link: earlier links to this assessment no longer work.\n\n\
             {support_contact}",
        ),
        MailTextKind::Completion => (
            "Completed: {candidate_first_name} {candidate_last_name} — {project_name}",
            "{candidate_first_name} {candidate_last_name} has completed {project_name}.\n\n{results}",
        ),
    };
    Wording {
        subject: subject.to_string(),
        body: body.to_string(),
    }
}

/// One piece of a written text.
#[derive(Debug, PartialEq, Eq)]
enum Piece<'a> {
    Text(&'a str),
    Brace(char),
    Variable(&'a str),
}

/// Splits a text into literal text and placeholders; an error says what is wrong.
fn pieces(text: &str) -> Result<Vec<Piece<'_>>, String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(['{', '}']) {
        if i > 0 {
            out.push(Piece::Text(&rest[..i]));
        }
        let tail = &rest[i..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            out.push(Piece::Brace(tail.as_bytes()[0] as char));
            rest = &tail[2..];
            continue;
        }
        if tail.starts_with('}') {
            return Err("A lone `}`: write variables as {name}, and `}}` for a brace.".into());
        }
        let Some(end) = tail.find('}') else {
            return Err(
                "A `{` is not closed: write variables as {name}, and `{{` for a brace.".into(),
            );
        };
        out.push(Piece::Variable(&tail[1..end]));
        rest = &tail[end + 1..];
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    Ok(out)
}

/// What is wrong with a wording for `kind`, as (field, message) pairs; empty when it is fine.
pub fn problems(kind: MailTextKind, wording: &Wording) -> Vec<(&'static str, String)> {
    let known = variables(kind);
    let mut found = Vec::new();
    for (field, text, max) in [
        ("subject", &wording.subject, SUBJECT_MAX),
        ("body", &wording.body, BODY_MAX),
    ] {
        if text.trim().is_empty() {
            found.push((field, format!("Write the {field}.")));
            continue;
        }
        if text.chars().count() > max {
            found.push((field, format!("At most {max} characters.")));
            continue;
        }
        if field == "subject" && text.chars().any(char::is_control) {
            found.push((field, "The subject is one line.".to_string()));
            continue;
        }
        if text.contains('\0') {
            found.push((field, "Null characters are not allowed.".to_string()));
            continue;
        }
        match pieces(text) {
            Err(message) => found.push((field, message)),
            Ok(pieces) => {
                for piece in pieces {
                    let Piece::Variable(name) = piece else {
                        continue;
                    };
                    if !known.contains(&name) {
                        found.push((
                            field,
                            format!(
                                "Unknown variable {{{name}}}: use one of {}.",
                                known
                                    .iter()
                                    .map(|v| format!("{{{v}}}"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        ));
                    } else if field == "subject" && BODY_ONLY.contains(&name) {
                        found.push((field, format!("{{{name}}} can be used in the body only.")));
                    }
                }
            }
        }
    }
    found
}

/// The values of one mail's variables.
#[derive(Debug, Default, Clone)]
pub struct Values(Vec<(&'static str, String)>);

impl Values {
    pub fn new() -> Values {
        Values::default()
    }

    pub fn with(mut self, name: &'static str, value: impl Into<String>) -> Values {
        self.0.push((name, value.into()));
        self
    }

    fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }
}

/// A text with its placeholders filled (a wording that `problems` refused is filled as far as
/// it goes: an unclosed brace stays as written).
fn fill(text: &str, values: &Values) -> String {
    match pieces(text) {
        Err(_) => text.to_string(),
        Ok(pieces) => pieces
            .into_iter()
            .map(|p| match p {
                Piece::Text(t) => t.to_string(),
                Piece::Brace(c) => c.to_string(),
                Piece::Variable(name) => values.get(name).to_string(),
            })
            .collect(),
    }
}

/// The subject, one line.
pub fn subject(wording: &Wording, values: &Values) -> String {
    fill(&wording.subject, values)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The body's paragraphs: filled, split at blank lines, trimmed, empty ones dropped.
pub fn paragraphs(wording: &Wording, values: &Values) -> Vec<String> {
    let body = wording.body.replace("\r\n", "\n");
    // Split the written text, then fill each paragraph: a value with blank lines stays one
    // paragraph.
    split_paragraphs(&body)
        .into_iter()
        .map(|p| fill(p, values).trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

fn split_paragraphs(body: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let lines: Vec<(usize, &str)> = body
        .split_inclusive('\n')
        .scan(0, |at, line| {
            let here = *at;
            *at += line.len();
            Some((here, line))
        })
        .collect();
    for (at, line) in lines {
        if line.trim().is_empty() {
            out.push(&body[start..at]);
            start = at + line.len();
        }
    }
    out.push(&body[start..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wording(subject: &str, body: &str) -> Wording {
        Wording {
            subject: subject.into(),
            body: body.into(),
        }
    }

    #[test]
    fn every_default_is_valid_for_its_kind() {
        for kind in MailTextKind::ALL {
            assert_eq!(problems(*kind, &default_wording(*kind)), vec![], "{kind:?}");
        }
    }

    #[test]
    fn unknown_variables_lone_braces_and_body_only_variables_are_refused() {
        let found = problems(
            MailTextKind::Invitation,
            &wording("Hi {first_name}", "Go {link} {deadlin}"),
        );
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].0, "subject");
        assert!(found[0].1.contains("Unknown variable {first_name}"));
        assert!(found[1].1.contains("{deadlin}"));
        let found = problems(MailTextKind::Reminder, &wording("{link}", "a } b"));
        assert!(found[0].1.contains("body only"));
        assert!(found[1].1.contains("lone"));
        assert!(!problems(MailTextKind::Completion, &wording("x", "{deadline}")).is_empty());
        assert!(!problems(MailTextKind::Invitation, &wording("a\nb", "x")).is_empty());
        assert!(!problems(MailTextKind::Invitation, &wording(" ", "x")).is_empty());
        assert!(!problems(MailTextKind::Invitation, &wording("x", "{open")).is_empty());
    }

    #[test]
    fn filling_keeps_literal_braces_and_drops_paragraphs_left_empty() {
        let values = Values::new()
            .with("candidate_first_name", "Ann")
            .with("project_description", "");
        let w = wording(
            "Hello  {candidate_first_name} {{team}}",
            "Hi {candidate_first_name},\r\n\r\n{project_description}\n \nBye",
        );
        assert_eq!(subject(&w, &values), "Hello Ann {team}");
        assert_eq!(paragraphs(&w, &values), vec!["Hi Ann,", "Bye"]);
    }
}
