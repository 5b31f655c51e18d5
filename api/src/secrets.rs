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

/// A 256-bit key for sealing values at rest (ChaCha20-Poly1305).
#[derive(Clone)]
pub struct SealingKey([u8; 32]);

impl std::fmt::Debug for SealingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealingKey(…)")
    }
}

/// What a sealed value starts with, so clear values written before sealing still read.
const SEALED_PREFIX: &str = "enc:v1:";

impl SealingKey {
    /// A key derived from a passphrase or key material (`CREDENCE_SECRET_KEY`): its SHA-256.
    pub fn derive(material: &str) -> SealingKey {
        SealingKey(Sha256::digest(format!("credence at-rest key\n{material}").as_bytes()).into())
    }

    /// A fresh random key, and its text form for storage.
    pub fn generate() -> (SealingKey, String) {
        let mut key = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut key);
        (SealingKey(key), URL_SAFE_NO_PAD.encode(key))
    }

    /// The key stored by `generate` (its text form).
    pub fn from_stored(text: &str) -> Option<SealingKey> {
        let bytes = URL_SAFE_NO_PAD.decode(text.trim()).ok()?;
        Some(SealingKey(bytes.try_into().ok()?))
    }

    /// `enc:v1:` + base64(nonce ‖ ciphertext ‖ tag).
    pub fn seal(&self, plain: &str) -> String {
        use chacha20poly1305::aead::{Aead, KeyInit};
        use chacha20poly1305::{ChaCha20Poly1305, Nonce};
        let cipher = ChaCha20Poly1305::new((&self.0).into());
        let mut nonce = [0u8; 12];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let sealed = cipher
            .encrypt(&Nonce::from(nonce), plain.as_bytes())
            .expect("ChaCha20-Poly1305 encrypts any length we store");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        format!("{SEALED_PREFIX}{}", URL_SAFE_NO_PAD.encode(out))
    }

    /// The clear text of a value `seal`ed with this key; a value without the prefix is returned
    /// as it is (stored before sealing); `None` if it was sealed with another key or altered.
    pub fn open(&self, stored: &str) -> Option<String> {
        use chacha20poly1305::aead::{Aead, KeyInit};
        use chacha20poly1305::{ChaCha20Poly1305, Nonce};
        let Some(body) = stored.strip_prefix(SEALED_PREFIX) else {
            return Some(stored.to_string());
        };
        let bytes = URL_SAFE_NO_PAD.decode(body).ok()?;
        if bytes.len() < 12 {
            return None;
        }
        let (nonce, sealed) = bytes.split_at(12);
        let nonce: [u8; 12] = nonce.try_into().ok()?;
        let cipher = ChaCha20Poly1305::new((&self.0).into());
        let plain = cipher.decrypt(&Nonce::from(nonce), sealed).ok()?;
        String::from_utf8(plain).ok()
    }
}

/// Whether a stored value is sealed.
pub fn is_sealed(stored: &str) -> bool {
    stored.starts_with(SEALED_PREFIX)
}

static MASTER_KEY: std::sync::OnceLock<SealingKey> = std::sync::OnceLock::new();

/// Installs the process's master key (`CREDENCE_SECRET_KEY`), once, at startup. Installing
/// another key later is refused (a process has one master key).
pub fn install_master_key(key: SealingKey) -> Result<(), String> {
    let installed = MASTER_KEY.get_or_init(|| key.clone());
    if installed.0 == key.0 {
        Ok(())
    } else {
        Err("a different CREDENCE_SECRET_KEY is already installed in this process".into())
    }
}

/// The master key, when `CREDENCE_SECRET_KEY` is configured: it seals the keys kept in
/// `app_secrets` (the JWT signing key, the outbox key).
pub fn master_key() -> Option<&'static SealingKey> {
    MASTER_KEY.get()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_hashes_are_stable_and_tokens_random() {
        assert_eq!(token_hash("abc"), token_hash("abc"));
        assert_ne!(random_token(32), random_token(32));
    }

    #[test]
    fn sealed_values_open_with_their_key_only() {
        let (key, stored) = SealingKey::generate();
        let sealed = key.seal("https://x/set-password?token=abc");
        assert!(is_sealed(&sealed));
        assert!(!sealed.contains("token=abc"));
        assert_ne!(
            sealed,
            key.seal("https://x/set-password?token=abc"),
            "random nonce"
        );
        let again = SealingKey::from_stored(&stored).unwrap();
        assert_eq!(
            again.open(&sealed).unwrap(),
            "https://x/set-password?token=abc"
        );
        assert_eq!(SealingKey::derive("other").open(&sealed), None);
        assert_eq!(
            key.open("plain, stored before").unwrap(),
            "plain, stored before"
        );
        let mut altered = sealed.clone();
        altered.pop();
        assert_eq!(key.open(&altered), None);
    }
}
