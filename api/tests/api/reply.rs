//! `Reply`, a response as the tests look at it, and the assertions on it: typed bodies
//! (`credence_shared` DTOs) and problems. Each assertion reports the caller's line and the body.

use credence_shared::problem::Problem;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::Value;

pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    /// The body as untyped JSON (`Null` when it is not JSON): for what no DTO describes, such
    /// as a field that must be absent.
    pub body: Value,
    pub bytes: Vec<u8>,
}

impl Reply {
    /// The body as text (for failure messages, CSV and HTML).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }

    pub fn content_type(&self) -> String {
        self.header("content-type").unwrap_or_default()
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }

    /// Asserts this status, showing the body when it differs.
    #[track_caller]
    pub fn assert_status(&self, status: u16) -> &Self {
        assert_eq!(
            self.status.as_u16(),
            status,
            "expected {status}, got {}; body: {}",
            self.status,
            self.text()
        );
        self
    }

    /// Asserts a 2xx status and decodes the body into `T`.
    #[track_caller]
    pub fn json<T: DeserializeOwned>(&self) -> T {
        assert!(
            self.status.is_success(),
            "expected a 2xx reply with a {}, got {}; body: {}",
            std::any::type_name::<T>(),
            self.status,
            self.text()
        );
        self.decode()
    }

    /// Asserts exactly this status and decodes the body into `T`.
    #[track_caller]
    pub fn expect<T: DeserializeOwned>(&self, status: u16) -> T {
        self.assert_status(status).decode()
    }

    #[track_caller]
    fn decode<T: DeserializeOwned>(&self) -> T {
        serde_json::from_slice(&self.bytes).unwrap_or_else(|e| {
            panic!(
                "the body is not a {}: {e}; body: {}",
                std::any::type_name::<T>(),
                self.text()
            )
        })
    }

    /// The body as a problem, whatever the status.
    #[track_caller]
    pub fn problem(&self) -> Problem {
        self.decode()
    }

    /// Asserts an RFC 9457 problem with this status and code, and returns it.
    #[track_caller]
    pub fn assert_problem(&self, status: u16, code: &str) -> Problem {
        self.assert_status(status);
        assert!(
            self.content_type().starts_with("application/problem+json"),
            "content type {}; body: {}",
            self.content_type(),
            self.text()
        );
        let problem: Problem = self.decode();
        assert_eq!(problem.code, code, "body: {}", self.text());
        assert_eq!(problem.status, status, "body: {}", self.text());
        assert!(!problem.title.is_empty() && !problem.type_.is_empty());
        problem
    }

    /// The fields named in a 422's `errors`.
    #[track_caller]
    pub fn error_fields(&self) -> Vec<String> {
        let problem: Problem = self.decode();
        problem.errors.into_iter().map(|e| e.field).collect()
    }
}
