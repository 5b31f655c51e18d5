//! The outbox as the tests read it: mails queued, and the one-time links inside them.

use credence_api::db::schema::outbox;
use credence_api::db::DbConnection;
use diesel::prelude::*;

use crate::app::TestApp;

impl TestApp {
    /// The text of the newest mail of this kind to `to`, opened from its sealed body.
    #[track_caller]
    pub fn mail_text(&self, to: &str, kind: &str) -> String {
        let mut conn = self.conn();
        let stored: String = outbox::table
            .filter(outbox::to_address.eq(to))
            .filter(outbox::kind.eq(kind))
            .order(outbox::id.desc())
            .select(outbox::text_body)
            .first(&mut *conn)
            .unwrap_or_else(|_| panic!("a {kind} mail to {to} is in the outbox"));
        open(&mut conn, &stored)
    }

    /// The `token` of the newest `/set-password?token=` link mailed to `to` (of this kind).
    pub fn link_token_from_outbox(&self, to: &str, kind: &str) -> String {
        token_from_text(&self.mail_text(to, kind)).expect("the mail carries a set-password link")
    }

    pub fn outbox_count(&self, to: &str, kind: &str) -> i64 {
        let mut conn = self.conn();
        outbox::table
            .filter(outbox::to_address.eq(to))
            .filter(outbox::kind.eq(kind))
            .count()
            .get_result(&mut *conn)
            .unwrap()
    }

    /// Every mail in the outbox, oldest first: (to, status, attempts).
    pub fn outbox_statuses(&self) -> Vec<(String, String, i32)> {
        let mut conn = self.conn();
        outbox::table
            .order(outbox::id.asc())
            .select((outbox::to_address, outbox::status, outbox::attempts))
            .load(&mut *conn)
            .unwrap()
    }
}

/// The clear text of a stored (sealed) mail body.
pub fn open(conn: &mut DbConnection, stored: &str) -> String {
    credence_api::domain::outbox::open_body(conn, stored)
        .expect("the mail body opens with the outbox key")
}

pub fn token_from_text(text: &str) -> Option<String> {
    let start = text.find("/set-password?token=")? + "/set-password?token=".len();
    Some(
        text[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect(),
    )
}
