//! The bearer token that guards writes (and reads, with `--protect-reads`).

use axum::http::HeaderMap;

use crate::error::{ApiError, Code};
use crate::state::AppState;

/// Compares in time independent of where the strings first differ.
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Checks `Authorization: Bearer <token>` against the server's token.
pub fn check_token(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(expected) = state.token() else {
        return Err(ApiError::new(Code::WritesDisabled, "this server was started without a token, so it accepts no articles; restart it with --token or STORYLINE_TOKEN"));
    };
    let Some(value) = headers.get(axum::http::header::AUTHORIZATION) else {
        return Err(ApiError::new(Code::MissingToken, "send the server's token as `Authorization: Bearer <token>`"));
    };
    // The scheme is case-insensitive (RFC 9110 section 11.1): `bearer` and
    // `BEARER` are the same scheme as `Bearer`.
    let given = value.to_str().ok().and_then(|v| {
        let (scheme, token) = v.trim_start().split_once([' ', '\t'])?;
        scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
    });
    match given {
        Some(t) if same_secret(t.as_bytes(), expected.as_bytes()) => Ok(()),
        Some(_) => Err(ApiError::new(Code::InvalidToken, "the bearer token is not this server's token")),
        None => Err(ApiError::new(Code::MissingToken, "the Authorization header must be `Bearer <token>`")),
    }
}
