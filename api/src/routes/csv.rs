//! CSV downloads: a small document from `csv_io` sent as an attachment, or a large one
//! streamed batch by batch from the database.

pub use crate::csv_io::{document, money};

use actix_web::web::Bytes;
use actix_web::HttpResponse;
use futures_util::stream::{self, StreamExt};

use crate::db::{Db, DbConnection};
use crate::domain::PageRequest;
use crate::error::ApiError;

/// Rows this many at a time: one short query each, memory bounded by one batch.
pub const BATCH: i64 = 500;

pub fn download(filename: &str, body: String) -> HttpResponse {
    attachment(filename).body(body)
}

fn attachment(filename: &str) -> actix_web::HttpResponseBuilder {
    let mut builder = HttpResponse::Ok();
    builder
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{filename}\""),
        ));
    builder
}

/// A download too big to build in memory: rows come from [`Export::next_batch`], each batch on
/// its own pooled connection that is released before the bytes go out, so memory stays flat
/// in the number of rows, the first byte leaves after the first batch, and a slow reader
/// never holds a connection. Batches are read only as fast as the client takes them.
pub trait Export: Send + 'static {
    /// The rows after the previous batch, as cells; empty when every row was sent.
    fn next_batch(&mut self, conn: &mut DbConnection) -> Result<Vec<Vec<String>>, ApiError>;

    /// A last line after every row (e.g. totals).
    fn footer(&self) -> Option<Vec<String>> {
        None
    }
}

/// An export that reads a list a page at a time: `page` gets the page to read and answers its
/// rows as cells and the next page's cursor (`None`: that was the last).
pub struct Paged<F> {
    page: F,
    after: Option<String>,
    done: bool,
}

pub type PageOfCells = (Vec<Vec<String>>, Option<String>);

pub fn paged<F>(page: F) -> Paged<F>
where
    F: FnMut(&mut DbConnection, &PageRequest) -> Result<PageOfCells, ApiError> + Send + 'static,
{
    Paged {
        page,
        after: None,
        done: false,
    }
}

impl<F> Export for Paged<F>
where
    F: FnMut(&mut DbConnection, &PageRequest) -> Result<PageOfCells, ApiError> + Send + 'static,
{
    fn next_batch(&mut self, conn: &mut DbConnection) -> Result<Vec<Vec<String>>, ApiError> {
        if self.done {
            return Ok(Vec::new());
        }
        let request = PageRequest {
            limit: BATCH,
            after: self.after.take(),
            ..Default::default()
        };
        let (rows, next) = (self.page)(conn, &request)?;
        self.done = next.is_none();
        self.after = next;
        Ok(rows)
    }
}

pub fn stream<E: Export>(db: Db, filename: &str, header: Vec<String>, export: E) -> HttpResponse {
    let head = Bytes::from(crate::csv_io::lines([header]));
    let rows = stream::unfold(Some(export), move |state| {
        let db = db.clone();
        async move {
            let mut export = state?;
            let batch = db
                .run(move |conn| {
                    let rows = export.next_batch(conn)?;
                    Ok((export, rows))
                })
                .await;
            match batch {
                Ok((export, rows)) if rows.is_empty() => {
                    let footer = export.footer().map(|f| crate::csv_io::lines([f]));
                    footer.map(|f| (Ok(Bytes::from(f)), None))
                }
                Ok((export, rows)) => {
                    Some((Ok(Bytes::from(crate::csv_io::lines(rows))), Some(export)))
                }
                Err(e) => {
                    // The status line is gone already: ending the body early is the only
                    // signal left, and the client sees an incomplete download.
                    tracing::error!(error = %e, "CSV export failed mid-stream");
                    Some((
                        Err(actix_web::error::ErrorInternalServerError("export failed")),
                        None,
                    ))
                }
            }
        }
    });
    attachment(filename).streaming(stream::once(async move { Ok(head) }).chain(rows))
}
