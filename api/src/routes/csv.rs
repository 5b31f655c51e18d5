//! CSV downloads: a document from `csv_io`, sent as an attachment.

pub use crate::csv_io::{document, money};

use actix_web::HttpResponse;

pub fn download(filename: &str, body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{filename}\""),
        ))
        .body(body)
}
