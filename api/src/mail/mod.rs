//! Outgoing mail: the message type, the SMTP transport, and the branded templates. The outbox
//! rows (written in the same transaction as the change that causes the mail) are kept by
//! `domain::outbox`; delivery is `jobs::mail`'s job.

pub mod templates;

use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, Tokio1Executor};

/// A rendered email: subject, plain-text part and HTML part.
#[derive(Debug, Clone)]
pub struct MailMessage {
    pub subject: String,
    pub text: String,
    pub html: String,
}

pub type SmtpTransport = AsyncSmtpTransport<Tokio1Executor>;

/// Builds the transport. `smtp://[user:password@]host[:port]` is plain SMTP (a local relay or
/// a test catcher; port 25 by default); `smtps://...` is implicit TLS (port 465) and
/// `smtp://...?tls=required` upgrades with STARTTLS (port 587), both through the system's TLS.
pub fn smtp_transport(url: &str) -> Result<SmtpTransport, String> {
    if url.starts_with("smtps://") || url.contains("tls=") {
        return SmtpTransport::from_url(url)
            .map(|b| b.timeout(Some(std::time::Duration::from_secs(30))).build())
            .map_err(|e| format!("`{url}` is not a usable SMTP URL: {e}"));
    }
    let rest = url
        .strip_prefix("smtp://")
        .ok_or_else(|| format!("`{url}` must look like smtp://host:port"))?;
    let rest = rest.trim_end_matches('/');
    let (credentials, host_port) = match rest.rsplit_once('@') {
        Some((userinfo, host_port)) => {
            let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
            (
                Some(Credentials::new(user.to_string(), password.to_string())),
                host_port,
            )
        }
        None => (None, rest),
    };
    let (host, port) = match host_port.rsplit_once(':') {
        Some((host, port)) => (
            host,
            port.parse::<u16>()
                .map_err(|_| format!("`{port}` is not a port number"))?,
        ),
        None => (host_port, 25),
    };
    if host.is_empty() {
        return Err(format!("`{url}` has no host"));
    }
    let mut builder = SmtpTransport::builder_dangerous(host)
        .port(port)
        .timeout(Some(std::time::Duration::from_secs(30)));
    if let Some(credentials) = credentials {
        builder = builder.credentials(credentials);
    }
    Ok(builder.build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_urls_are_checked() {
        assert!(smtp_transport("smtp://127.0.0.1:1025").is_ok());
        assert!(smtp_transport("smtp://user:secret@mail.example:587").is_ok());
        assert!(smtp_transport("smtp://mail.example").is_ok());
        assert!(smtp_transport("smtps://user:secret@mail.example").is_ok());
        assert!(smtp_transport("smtp://user:secret@mail.example:587?tls=required").is_ok());
        assert!(smtp_transport("http://mail.example").is_err());
        assert!(smtp_transport("smtp://mail.example:notaport").is_err());
        assert!(smtp_transport("smtp://").is_err());
    }
}
