//! The web UI: static files from `crates/server/ui/`, embedded in the
//! binary (nothing is loaded from elsewhere at run time).

use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

#[derive(rust_embed::Embed)]
#[folder = "ui/"]
pub struct Assets;

/// Serves `/` as `index.html` and every other path as the embedded file.
pub async fn asset(uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    let path = if path.is_empty() { "index.html" } else { path };
    match Assets::get(path) {
        Some(file) => {
            let mime = mime_guess::from_path(path).first_or_octet_stream();
            (
                StatusCode::OK,
                [(header::CONTENT_TYPE, mime.as_ref().to_string()), (header::CACHE_CONTROL, "no-cache".to_string())],
                file.data.into_owned(),
            )
                .into_response()
        }
        None => ApiError::not_found(format!("no page or API route at {}", uri.path())).into_response(),
    }
}
