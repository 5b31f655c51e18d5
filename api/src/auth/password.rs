//! Password hashing (argon2id) and the password policy.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::config::PasswordHashing;
use crate::error::FieldIssue;

const COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");
pub const MIN_LENGTH: usize = 10;

fn hasher(cost: PasswordHashing) -> Argon2<'static> {
    let params = match cost {
        // OWASP's argon2id recommendation: 19 MiB, 2 iterations, 1 lane.
        PasswordHashing::Interactive => Params::new(19 * 1024, 2, 1, None),
        PasswordHashing::Fast => Params::new(1024, 1, 1, None),
    }
    .expect("argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn hash(password: &str, cost: PasswordHashing) -> String {
    let salt = SaltString::generate(&mut OsRng);
    hasher(cost)
        .hash_password(password.as_bytes(), &salt)
        .expect("hashing a password cannot fail with valid parameters")
        .to_string()
}

/// Checks a password against a stored PHC hash (its own parameters are used).
pub fn verify(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// The policy: at least ten characters, not the account's email, not a well-known password.
/// The policy, then the hash: what a new password goes through before it is stored.
pub fn checked_hash(
    password: &str,
    email: &str,
    cost: PasswordHashing,
) -> Result<String, FieldIssue> {
    check_policy(password, email)?;
    Ok(hash(password, cost))
}

pub fn check_policy(password: &str, email: &str) -> Result<(), FieldIssue> {
    if password.chars().count() < MIN_LENGTH {
        return Err(FieldIssue::new(
            "too_short",
            format!("Use at least {MIN_LENGTH} characters."),
        ));
    }
    if password.chars().count() > 256 {
        return Err(FieldIssue::new("too_long", "Use at most 256 characters."));
    }
    let lowered = password.trim().to_lowercase();
    let email = email.trim().to_lowercase();
    let local_part = email.split('@').next().unwrap_or_default();
    if lowered == email || (local_part.len() >= 4 && lowered == local_part) {
        return Err(FieldIssue::new(
            "same_as_email",
            "The password must not be your email.",
        ));
    }
    if COMMON_PASSWORDS
        .lines()
        .any(|common| common.trim() == lowered)
    {
        return Err(FieldIssue::new(
            "too_common",
            "This password is too common. Choose something harder to guess.",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_wrong_passwords_do_not() {
        let stored = hash("correct horse battery", PasswordHashing::Fast);
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", &stored));
        assert!(!verify("correct horse batterz", &stored));
        assert!(!verify("anything", "not a hash"));
    }

    #[test]
    fn policy_refuses_short_email_and_common_passwords() {
        assert_eq!(
            check_policy("short", "a@b.co").unwrap_err().code,
            "too_short"
        );
        assert_eq!(
            check_policy("Jane.Doe@Example.com", "jane.doe@example.com")
                .unwrap_err()
                .code,
            "same_as_email"
        );
        assert_eq!(
            check_policy("password123", "a@b.co").unwrap_err().code,
            "too_common"
        );
        assert_eq!(
            check_policy("1234567890", "a@b.co").unwrap_err().code,
            "too_common"
        );
        assert!(check_policy("violet-otter-harbour", "a@b.co").is_ok());
    }
}
