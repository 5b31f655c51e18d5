//! The one check of a logo file picked in a form: its type, its size and its own first bytes
//! (a renamed SVG or text file claims `image/png` but is not one). The API checks again.

/// For the file input's `accept`.
pub const ACCEPT: &str = "image/png,image/jpeg,image/webp";
const TYPES: &[&str] = &["image/png", "image/jpeg", "image/webp"];
const MAX_BYTES: f64 = 1024.0 * 1024.0;

/// The image format that the first bytes of a file are, whatever its name or type claims.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some("image/jpeg")
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

/// `Ok` when the file may be a logo, else why not (shown beside the field).
pub async fn check(file: &web_sys::File) -> Result<(), String> {
    if !TYPES.contains(&file.type_().as_str()) {
        return Err("Choose a PNG, JPEG or WebP image.".into());
    }
    if file.size() > MAX_BYTES {
        return Err("The image must be at most 1 MiB.".into());
    }
    match first_bytes(file, 16).await {
        Some(head) if sniff(&head).is_some() => Ok(()),
        _ => Err("This file is not a PNG, JPEG or WebP image. Choose another file.".into()),
    }
}

async fn first_bytes(file: &web_sys::File, n: i32) -> Option<Vec<u8>> {
    let head = file.slice_with_i32_and_i32(0, n).ok()?;
    let buffer = wasm_bindgen_futures::JsFuture::from(head.array_buffer())
        .await
        .ok()?;
    Some(js_sys::Uint8Array::new(&buffer).to_vec())
}

#[cfg(test)]
mod tests {
    use super::sniff;

    #[test]
    fn sniffs_the_three_formats_and_nothing_else() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some("image/png"));
        assert_eq!(
            sniff(&[0xff, 0xd8, 0xff, 0xe0, 0, 0x10]),
            Some("image/jpeg")
        );
        assert_eq!(sniff(b"RIFF\x24\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(sniff(b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>"), None);
        assert_eq!(sniff(b"not really a png"), None);
        assert_eq!(sniff(b"RIFF\x24\0\0\0WAVEfmt "), None);
        assert_eq!(sniff(b""), None);
    }
}
