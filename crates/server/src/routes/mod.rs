//! The JSON API under `/api/`, one module per resource (as meilisearch's
//! `routes/`), described by OpenAPI 3 (utoipa) in [`ApiDoc`].
//!
//! Every handler that touches the store runs on the blocking pool
//! ([`crate::AppState::with_store`]): rusqlite connections are not
//! `Sync`, and a query must not stall the async workers. What several
//! resources share (reading query parameters, answering with cached JSON)
//! lives here, with `/healthz` and the OpenAPI description.

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use storyline_store::Store;
use utoipa::OpenApi;

use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

pub mod articles;
pub mod auth;
pub mod entities;
pub mod events;
pub mod search;
pub mod stories;

use articles::{IngestResponse, OutcomeView, SkippedView, StatusView};
use entities::EntitiesResponse;
use events::{ArticleBrief, EventResponse};
use search::{HitView, SearchResponse};
use stories::{DayCount, StoryItem, StoryVersion};

#[derive(OpenApi)]
#[openapi(
    info(title = "storyline", description = "News articles grouped into events and stories: read stories, search articles, add articles."),
    paths(health, stories::list_stories, stories::get_story, stories::story_version, events::get_event, articles::get_article, search::search, entities::entities, articles::post_articles),
    components(schemas(ErrorBody, StoryItem, StoryVersion, DayCount, SearchResponse, HitView, EventResponse, ArticleBrief, IngestResponse, OutcomeView, StatusView, SkippedView, EntitiesResponse)),
    modifiers(&BearerAuth),
    tags((name = "stories"), (name = "articles"), (name = "search"))
)]
/// The OpenAPI 3 description of the API, served at `/api/openapi.json`.
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

// Here rather than in a module of its own: a handler listed by module
// path gets the module's name as its OpenAPI tag, and `/healthz` has none.
/// Liveness and the store's size.
#[utoipa::path(get, path = "/healthz", responses((status = 200, description = "The server is up", body = serde_json::Value)))]
pub async fn health(State(state): State<AppState>) -> Result<Json<serde_json::Value>, ApiError> {
    let st = state.clone();
    let (articles, stories) = state.with_store(move |s| Ok((s.article_count()?, st.summaries(s)?.1.len()))).await?;
    Ok(Json(
        serde_json::json!({"status": "ok", "articles": articles, "stories": stories, "indexed": state.index().len()}),
    ))
}

/// The query string as `T`; a malformed one is a 400 with the error body
/// rather than axum's plain-text rejection.
fn query<T>(params: Result<Query<T>, QueryRejection>) -> Result<T, ApiError> {
    params.map(|Query(p)| p).map_err(|e| ApiError::bad_parameter(e.body_text()))
}

/// A JSON body computed earlier (see [`crate::cache`]).
fn json_body(body: Bytes) -> Response {
    ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], body).into_response()
}

fn to_json<T: Serialize>(value: &T) -> Result<Vec<u8>, ApiError> {
    serde_json::to_vec(value).map_err(ApiError::internal)
}
