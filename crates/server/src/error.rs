//! Every error the API returns, from one table: a code names the error, and
//! the table gives its HTTP status and its type (whose fault it is).
//!
//! The body is always `{"error": {"message", "code", "type"}}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// Whose fault an error is: the caller's request (`invalid_request`), its
/// credentials (`auth`), or the server (`internal`).
// The variants are the snake_case names above; no `///` on them because
// utoipa would publish it in `/api/openapi.json`, kept as it was.
#[allow(missing_docs)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorType {
    InvalidRequest,
    Auth,
    Internal,
}

/// Every error code the API can return.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Code {
    /// No story, event, article or route with that id or path.
    NotFound,
    /// A query parameter is malformed (a bad date, a bad id).
    BadParameter,
    /// The body could not be read as articles.
    BadBody,
    /// The body was read but held no usable article.
    NoArticles,
    /// The body is over the size limit.
    PayloadTooLarge,
    /// No `Authorization: Bearer` header on a protected endpoint.
    MissingToken,
    /// A bearer token was given but is not the server's.
    InvalidToken,
    /// Writing is disabled: the server was started without a token.
    WritesDisabled,
    /// The route exists but not for this HTTP method.
    MethodNotAllowed,
    /// The request took longer than the server's timeout.
    Timeout,
    /// The store or index failed; the message says how.
    Internal,
}

impl Code {
    /// The table.
    pub fn status_and_type(self) -> (StatusCode, ErrorType) {
        use ErrorType::*;
        match self {
            Code::NotFound => (StatusCode::NOT_FOUND, InvalidRequest),
            Code::BadParameter => (StatusCode::BAD_REQUEST, InvalidRequest),
            Code::BadBody => (StatusCode::BAD_REQUEST, InvalidRequest),
            Code::NoArticles => (StatusCode::UNPROCESSABLE_ENTITY, InvalidRequest),
            Code::PayloadTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, InvalidRequest),
            Code::MissingToken => (StatusCode::UNAUTHORIZED, Auth),
            Code::InvalidToken => (StatusCode::FORBIDDEN, Auth),
            Code::WritesDisabled => (StatusCode::FORBIDDEN, Auth),
            Code::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, InvalidRequest),
            Code::Timeout => (StatusCode::SERVICE_UNAVAILABLE, Internal),
            Code::Internal => (StatusCode::INTERNAL_SERVER_ERROR, Internal),
        }
    }
}

/// An API error: a code from the table and a message saying what to do.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// Which error, from the table.
    pub code: Code,
    /// What went wrong and what to do, for the caller.
    pub message: String,
}

/// The error body.
// `error` holds the [`ErrorDetail`]; no `///` on it because utoipa would
// publish it in `/api/openapi.json`, kept as it was.
#[allow(missing_docs)]
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

// The `error` object: `message` (what went wrong, what to do), `code` (a
// [`Code`]) and `type` (an [`ErrorType`]). No `///` here because utoipa
// would publish it in `/api/openapi.json`, kept as it was.
#[allow(missing_docs)]
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    pub message: String,
    pub code: Code,
    #[serde(rename = "type")]
    pub kind: ErrorType,
}

impl ApiError {
    /// An error with this code and message.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        ApiError { code, message: message.into() }
    }

    /// A 404: the story, event or article does not exist.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(Code::NotFound, message)
    }

    /// A 400: a query parameter could not be read.
    pub fn bad_parameter(message: impl Into<String>) -> Self {
        Self::new(Code::BadParameter, message)
    }

    /// Our fault: logged with its cause, reported with it too (the server is
    /// meant for a team's own network; nothing secret is in store errors).
    pub fn internal(err: impl std::fmt::Display) -> Self {
        tracing::error!("internal error: {err}");
        Self::new(Code::Internal, format!("internal error: {err}"))
    }

    /// The JSON body of this error.
    pub fn body(&self) -> ErrorBody {
        let (_, kind) = self.code.status_and_type();
        ErrorBody { error: ErrorDetail { message: self.message.clone(), code: self.code, kind } }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}: {}", self.code, self.message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, _) = self.code.status_and_type();
        (status, axum::Json(self.body())).into_response()
    }
}

impl From<storyline_store::StoreError> for ApiError {
    fn from(e: storyline_store::StoreError) -> Self {
        ApiError::internal(e)
    }
}

impl From<storyline_store::SearchError> for ApiError {
    fn from(e: storyline_store::SearchError) -> Self {
        match e {
            // the user's query, not the server, is at fault
            storyline_store::SearchError::BadQuery(why) => ApiError::bad_parameter(why),
            e => ApiError::internal(e),
        }
    }
}

impl From<tokio::task::JoinError> for ApiError {
    fn from(e: tokio::task::JoinError) -> Self {
        ApiError::internal(format!("a worker task failed: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_has_message_code_and_type() {
        let v = serde_json::to_value(ApiError::new(Code::MissingToken, "give a token").body()).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"error": {"message": "give a token", "code": "missing_token", "type": "auth"}})
        );
        assert_eq!(Code::MissingToken.status_and_type().0, StatusCode::UNAUTHORIZED);
    }
}
