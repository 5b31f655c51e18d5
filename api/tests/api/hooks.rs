//! Webhook test support: a local receiver (answers as told, keeps what it reads), subscribing
//! to `client.credits_low`, making that event happen, and checking a delivery's signature.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use credence_shared::reseller::Webhook;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::app::TestApp;

/// What a test receiver does with each connection.
#[derive(Clone)]
pub enum Answer {
    Status(&'static str),
    RedirectTo(String),
    /// Accept, read, never answer (keep the connection open).
    Nothing,
}

/// A listener on 127.0.0.1 that counts connections and keeps the request heads (lower-cased)
/// and bodies it reads.
pub struct Receiver {
    pub url: String,
    pub connections: Arc<AtomicUsize>,
    pub bodies: Arc<Mutex<Vec<String>>>,
    pub heads: Arc<Mutex<Vec<String>>>,
}

pub async fn receiver(answer: Answer) -> Receiver {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let connections = Arc::new(AtomicUsize::new(0));
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let heads = Arc::new(Mutex::new(Vec::new()));
    let (count, store, head_store) = (connections.clone(), bodies.clone(), heads.clone());
    actix_web::rt::spawn(async move {
        let mut held = Vec::new();
        while let Ok((mut stream, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            loop {
                let n = stream.read(&mut chunk).await.unwrap_or(0);
                if n == 0 {
                    break;
                }
                buf.extend_from_slice(&chunk[..n]);
                let text = String::from_utf8_lossy(&buf).to_string();
                if let Some(split) = text.find("\r\n\r\n") {
                    let length: usize = text[..split]
                        .to_lowercase()
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .map(|v| v.trim().parse().unwrap())
                        .unwrap_or(0);
                    if buf.len() >= split + 4 + length {
                        head_store
                            .lock()
                            .unwrap()
                            .push(text[..split].to_lowercase());
                        store
                            .lock()
                            .unwrap()
                            .push(text[split + 4..split + 4 + length].to_string());
                        break;
                    }
                }
            }
            let reply = match &answer {
                Answer::Status(status) => {
                    format!("HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                }
                Answer::RedirectTo(to) => format!(
                    "HTTP/1.1 302 Found\r\nlocation: {to}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                ),
                Answer::Nothing => {
                    held.push(stream);
                    continue;
                }
            };
            let _ = stream.write_all(reply.as_bytes()).await;
        }
    });
    Receiver {
        url: format!("http://127.0.0.1:{port}/hooks"),
        connections,
        bodies,
        heads,
    }
}

pub async fn subscribe(app: &TestApp, token: &str, url: &str) -> Webhook {
    app.post(
        "/webhooks",
        Some(token),
        json!({ "url": url, "events": ["client.credits_low"] }),
    )
    .await
    .expect(201)
}

/// A new client of the reseller falls below its threshold: one `client.credits_low` event.
pub async fn credits_low(app: &TestApp, token: &str, name: &str) {
    let client = app.create_client(token, name, 12).await;
    app.post(
        &format!("/clients/{}/credit-adjustments", client.id),
        Some(token),
        json!({ "credits": 5, "reason": "test" }),
    )
    .await
    .assert_status(201);
}

/// Checks a received request's `Credence-Signature` against `secret`: HMAC-SHA256 of `t.body`.
#[track_caller]
pub fn assert_signed(head: &str, body: &str, secret: &str) {
    let signature = head
        .lines()
        .find_map(|l| l.strip_prefix("credence-signature:"))
        .expect("a Credence-Signature header")
        .trim()
        .to_string();
    let t: i64 = signature
        .split(',')
        .next()
        .and_then(|t| t.strip_prefix("t="))
        .and_then(|t| t.parse().ok())
        .expect("t=<unix time>");
    assert_eq!(
        signature,
        credence_api::jobs::webhooks::signature(secret, t, body),
        "signed with the webhook's secret"
    );
}

/// The `Credence-Delivery` header of a received request.
pub fn delivery_header(head: &str) -> String {
    head.lines()
        .find_map(|l| l.strip_prefix("credence-delivery:"))
        .expect("a Credence-Delivery header")
        .trim()
        .to_string()
}
