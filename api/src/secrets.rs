//! Opaque secrets: random URL-safe tokens (links, API-key secrets, refresh tokens) and the
//! SHA-256 that the database keeps instead of them. Below `auth` and `domain`, used by both.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A random URL-safe token of `bytes` random bytes.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

/// What the database keeps of an opaque token: its SHA-256, hex.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_hashes_are_stable_and_tokens_random() {
        assert_eq!(token_hash("abc"), token_hash("abc"));
        assert_ne!(random_token(32), random_token(32));
    }
}
