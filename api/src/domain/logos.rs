//! Logos: PNG, JPEG or WebP up to 1 MiB, recognised by content, decoded and re-encoded as a
//! bounded PNG so that nothing but a clean image (no metadata, no script) is ever served.

use std::io::Cursor;

use diesel::prelude::*;
use image::{ImageFormat, ImageReader, Limits};
use sha2::{Digest, Sha256};

use crate::db::schema::logos;
use crate::db::{new_id, now, DbConnection};
use crate::error::ApiError;

pub const MAX_UPLOAD_BYTES: usize = 1024 * 1024;
/// Logos are shown in headers and the test area: larger ones are scaled down to fit this box.
const MAX_SIDE: u32 = 512;

/// A cleaned logo ready to store.
pub struct CleanLogo {
    pub png: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

pub fn clean(bytes: &[u8]) -> Result<CleanLogo, ApiError> {
    if bytes.is_empty() {
        return Err(ApiError::field(
            "logo",
            "required",
            "Choose an image file to upload.",
        ));
    }
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(ApiError::too_large(
            "logo_too_large",
            "The logo is larger than 1 MiB. Upload a smaller PNG, JPEG or WebP image.",
        ));
    }
    let unsupported = || {
        ApiError::unsupported_media(
            "unsupported_image",
            "The logo must be a PNG, JPEG or WebP image (SVG and other files are refused).",
        )
    };
    let format = image::guess_format(bytes).map_err(|_| unsupported())?;
    if !matches!(
        format,
        ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::WebP
    ) {
        return Err(unsupported());
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(8192);
    limits.max_image_height = Some(8192);
    limits.max_alloc = Some(128 * 1024 * 1024);
    reader.limits(limits);
    let decoded = reader.decode().map_err(|_| {
        ApiError::field(
            "logo",
            "invalid_image",
            "The file could not be read as an image.",
        )
    })?;
    let decoded = if decoded.width() > MAX_SIDE || decoded.height() > MAX_SIDE {
        decoded.thumbnail(MAX_SIDE, MAX_SIDE)
    } else {
        decoded
    };
    let mut png = Vec::new();
    decoded
        .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
        .map_err(ApiError::internal)?;
    Ok(CleanLogo {
        png,
        width: decoded.width(),
        height: decoded.height(),
    })
}

/// Stores a cleaned logo and returns its id.
pub fn store(conn: &mut DbConnection, logo: &CleanLogo) -> Result<String, ApiError> {
    let id = new_id();
    let etag = hex::encode(&Sha256::digest(&logo.png)[..16]);
    diesel::insert_into(logos::table)
        .values((
            logos::id.eq(&id),
            logos::content_type.eq("image/png"),
            logos::bytes.eq(&logo.png),
            logos::etag.eq(etag),
            logos::width.eq(logo.width as i32),
            logos::height.eq(logo.height as i32),
            logos::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(id)
}

/// (content type, bytes, etag)
pub fn load(conn: &mut DbConnection, id: &str) -> Result<(String, Vec<u8>, String), ApiError> {
    Ok(logos::table
        .find(id)
        .select((logos::content_type, logos::bytes, logos::etag))
        .first(conn)?)
}

pub fn url(id: &str) -> String {
    format!("/api/v1/logos/{id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbaImage::from_pixel(w, h, image::Rgba([10, 20, 30, 255]));
        let mut out = Vec::new();
        image::DynamicImage::ImageRgba8(img)
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn accepts_png_and_bounds_its_size() {
        let logo = clean(&png(1000, 500)).unwrap();
        assert_eq!((logo.width, logo.height), (512, 256));
        assert_eq!(image::guess_format(&logo.png).unwrap(), ImageFormat::Png);
    }

    #[test]
    fn refuses_svg_fakes_and_oversized_files() {
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;
        assert_eq!(clean(svg).err().unwrap().code(), "unsupported_image");
        let mut fake = b"\x89PNG\r\n\x1a\n".to_vec();
        fake.extend_from_slice(b"not really a png");
        assert_eq!(clean(&fake).err().unwrap().code(), "validation_failed");
        let big = vec![0u8; MAX_UPLOAD_BYTES + 1];
        assert_eq!(clean(&big).err().unwrap().code(), "logo_too_large");
    }
}
