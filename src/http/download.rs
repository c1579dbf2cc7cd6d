//! Files the API hands out (workbooks, CSV, print pages): the right content type and a file
//! name that survives Chinese characters in every browser.

use crate::report::produce::Format;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The XLSX content type, for the API description.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// `bytes` as a download named `stem.ext` (with an ASCII fallback name for old clients).
pub fn download(bytes: Vec<u8>, format: Format, stem: &str, ascii_stem: &str) -> Response {
    let mut response = (StatusCode::OK, bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(format.content_type()));
    if format != Format::Json {
        let ext = format.extension();
        let encoded: String = format!("{stem}.{ext}")
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        let disposition = if format == Format::Html || format == Format::Text { "inline" } else { "attachment" };
        if let Ok(v) = HeaderValue::from_str(&format!(
            "{disposition}; filename=\"{ascii_stem}.{ext}\"; filename*=UTF-8''{encoded}"
        )) {
            headers.insert(header::CONTENT_DISPOSITION, v);
        }
    }
    response
}
