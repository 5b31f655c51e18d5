//! Image uploads (logos): the raw file as the body, or `multipart/form-data` with one file
//! field (`logo` or `file`). Reading stops just past the size limit, so an oversized upload is
//! a clear 413 without buffering it whole.

use actix_web::{web, HttpRequest};
use futures_util::StreamExt;

use crate::domain::logos::MAX_UPLOAD_BYTES;
use crate::error::{ApiError, ApiResult};
use crate::routes::extract::payload_error;

/// Room for multipart headers and boundaries around the file.
const MULTIPART_OVERHEAD: usize = 64 * 1024;

fn too_large() -> ApiError {
    ApiError::too_large(
        "logo_too_large",
        "The logo is larger than 1 MiB. Upload a smaller PNG, JPEG or WebP image.",
    )
}

fn boundary(req: &HttpRequest) -> Option<String> {
    let ct = req.headers().get("content-type")?.to_str().ok()?;
    if !ct
        .trim()
        .to_ascii_lowercase()
        .starts_with("multipart/form-data")
    {
        return None;
    }
    ct.split(';')
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("boundary"))
        .map(|(_, v)| v.trim().trim_matches('"').to_string())
}

/// The uploaded image's bytes (not yet checked: `logos::clean` does that).
pub async fn read_image(req: &HttpRequest, mut body: web::Payload) -> ApiResult<Vec<u8>> {
    let boundary = boundary(req);
    let limit = MAX_UPLOAD_BYTES
        + if boundary.is_some() {
            MULTIPART_OVERHEAD
        } else {
            0
        };
    let mut bytes = Vec::new();
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| payload_error(e.into()))?;
        if bytes.len() + chunk.len() > limit {
            return Err(too_large());
        }
        bytes.extend_from_slice(&chunk);
    }
    match boundary {
        None => Ok(bytes),
        Some(b) => file_part(&bytes, &b).ok_or_else(|| {
            ApiError::field(
                "logo",
                "missing_file",
                "Send the image as the request body, or as a multipart file field named `logo`.",
            )
        }),
    }
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

/// The content of the first part named `logo` or `file` (or the first part with a filename).
pub fn file_part(body: &[u8], boundary: &str) -> Option<Vec<u8>> {
    let delimiter = format!("--{boundary}");
    let mut at = find(body, delimiter.as_bytes(), 0)?;
    let mut fallback = None;
    loop {
        let start = at + delimiter.len();
        if body.get(start..start + 2) == Some(b"--") {
            return fallback;
        }
        let headers_end = find(body, b"\r\n\r\n", start)?;
        let headers = String::from_utf8_lossy(&body[start..headers_end]).to_ascii_lowercase();
        let content_start = headers_end + 4;
        let next = find(body, format!("\r\n{delimiter}").as_bytes(), content_start)?;
        let content = body[content_start..next].to_vec();
        if headers.contains("name=\"logo\"") || headers.contains("name=\"file\"") {
            return Some(content);
        }
        if fallback.is_none() && headers.contains("filename=") {
            fallback = Some(content);
        }
        at = next + 2;
    }
}

#[cfg(test)]
mod tests {
    use super::file_part;

    #[test]
    fn finds_the_file_field() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n--XyZ\r\nContent-Disposition: form-data; name=\"logo\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\nDATA\r\n--XyZ--\r\n";
        assert_eq!(file_part(body, "XyZ").unwrap(), b"\x89PNG\r\n\x1a\nDATA");
        let other = b"--b\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"x.jpg\"\r\n\r\nJPEG\r\n--b--\r\n";
        assert_eq!(file_part(other, "b").unwrap(), b"JPEG");
        assert!(file_part(
            b"--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\ny\r\n--b--\r\n",
            "b"
        )
        .is_none());
    }
}
