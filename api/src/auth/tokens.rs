//! Access JWTs (HS256) and the opaque random tokens behind refresh, welcome and reset links.

use credence_shared::Role;
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::db::DbConnection;
use crate::domain::settings;
use crate::error::ApiError;
use crate::secrets::random_token;

pub const ISSUER: &str = "credence";
pub const AUDIENCE: &str = "credence-api";
/// Access tokens live at most 15 minutes.
pub const ACCESS_TOKEN_SECONDS: i64 = 15 * 60;
/// Login As sessions last at most 30 minutes and are never refreshed.
pub const IMPERSONATION_SECONDS: i64 = 30 * 60;

/// The claims of an access token.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Claims {
    pub sub: String,
    pub role: Role,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reseller_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// The session this token belongs to; revoking the session ends the token.
    pub sid: String,
    pub jti: String,
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
    pub aud: String,
    /// RFC 8693 actor: the reseller user behind a Login As session.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub act: Option<Actor>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Actor {
    pub sub: String,
}

#[derive(Clone)]
pub struct Keys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl Keys {
    pub fn from_secret(secret: &[u8]) -> Keys {
        Keys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
        }
    }

    /// The configured key, else the one generated on first start and kept in `app_secrets`,
    /// so that a restart (or another process on the same database) logs nobody out.
    pub fn load(configured: Option<&str>, conn: &mut DbConnection) -> Result<Keys, ApiError> {
        if let Some(secret) = configured {
            return Ok(Keys::from_secret(secret.as_bytes()));
        }
        let secret = settings::signing_key(conn, || random_token(48))?;
        Ok(Keys::from_secret(secret.as_bytes()))
    }

    pub fn encode(&self, claims: &Claims) -> Result<String, ApiError> {
        encode(&Header::new(Algorithm::HS256), claims, &self.encoding).map_err(ApiError::internal)
    }

    /// Refuses every token not signed by us with HS256 for our audience, or past its expiry.
    pub fn decode(&self, token: &str) -> Result<Claims, ApiError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_audience(&[AUDIENCE]);
        validation.set_issuer(&[ISSUER]);
        validation.set_required_spec_claims(&["exp", "iat", "sub", "iss", "aud"]);
        validation.leeway = 5;
        decode::<Claims>(token, &self.decoding, &validation)
            .map(|data| data.claims)
            .map_err(|_| {
                ApiError::unauthorized("invalid_token", "The access token is invalid or expired.")
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;

    fn claims(exp_offset: i64) -> Claims {
        let now = chrono::Utc::now().timestamp();
        Claims {
            sub: "u1".into(),
            role: Role::Reseller,
            reseller_id: Some("r1".into()),
            client_id: None,
            sid: "s1".into(),
            jti: "j1".into(),
            iat: now,
            exp: now + exp_offset,
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            act: None,
        }
    }

    // jsonwebtoken 10 panics at the first encode without exactly one crypto backend.
    #[test]
    fn encodes_and_decodes_with_the_rust_crypto_backend() {
        let keys = Keys::from_secret(b"0123456789abcdef0123456789abcdef");
        let token = keys.encode(&claims(60)).unwrap();
        assert_eq!(keys.decode(&token).unwrap(), claims(60));
    }

    #[test]
    fn refuses_expired_foreign_and_unsigned_tokens() {
        let keys = Keys::from_secret(b"0123456789abcdef0123456789abcdef");
        assert!(keys.decode(&keys.encode(&claims(-3600)).unwrap()).is_err());
        let other = Keys::from_secret(b"another-secret-another-secret-xx");
        assert!(keys.decode(&other.encode(&claims(60)).unwrap()).is_err());
        let mut wrong_aud = claims(60);
        wrong_aud.aud = "someone-else".into();
        assert!(keys.decode(&keys.encode(&wrong_aud).unwrap()).is_err());
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
        let body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims(60)).unwrap());
        assert!(keys.decode(&format!("{header}.{body}.")).is_err());
    }
}
