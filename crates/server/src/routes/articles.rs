//! `/api/articles`: read one article, add articles.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::Serialize;
use storyline_core::{Analysis, Removed};
use storyline_pipeline::ingest::{self, story_label, Failed, Outcome, Status};
use storyline_pipeline::views::find_article;
use utoipa::ToSchema;

use super::auth::check_token;
use crate::error::{ApiError, Code, ErrorBody};
use crate::state::AppState;

/// One article: cleaned text, what cleaning removed, analysis, assignment.
#[derive(Debug, Serialize)]
pub struct ArticleDetail {
    pub id: String,
    pub title: String,
    pub outlet: Option<String>,
    pub url: Option<String>,
    pub published: Option<String>,
    pub authors: Vec<String>,
    pub language: String,
    pub machine_translated: bool,
    pub wire_credits: Vec<String>,
    /// The cleaned text, paragraphs separated by a blank line.
    pub text: String,
    /// Lines cleaning removed, with the reason.
    pub removed: Vec<Removed>,
    pub analysis: Analysis,
    pub story: String,
    pub event: String,
    pub duplicate_of: Option<String>,
    /// How it copies `duplicate_of`: `exact`, `near`, `excerpt` (a teaser
    /// or part of it) or `extended` (it plus more).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duplicate_kind: Option<String>,
}

/// One article.
#[utoipa::path(get, path = "/api/articles/{id}", tag = "articles",
    params(("id" = String, Path, description = "Article id")),
    responses((status = 200, description = "Cleaned text, removed lines (with reasons), analysis, event and story", body = serde_json::Value),
              (status = 404, body = ErrorBody)))]
pub async fn get_article(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<ArticleDetail>, ApiError> {
    let detail = state
        .with_store(move |s| {
            let a = find_article(s, &id)?.ok_or_else(|| ApiError::not_found(format!("no article with id {id:?}")))?;
            let art = a.article;
            Ok(ArticleDetail {
                published: art.best_date().map(|d| d.to_string()),
                id: art.id,
                title: art.title,
                outlet: art.outlet,
                url: art.url,
                authors: art.authors,
                language: art.language,
                machine_translated: art.machine_translated,
                wire_credits: art.wire_credits,
                text: art.text,
                removed: art.removed,
                analysis: a.analysis,
                story: story_label(a.story),
                event: ingest::event_label(a.event),
                duplicate_kind: a.duplicate.as_ref().map(|d| d.kind.as_str().to_string()),
                duplicate_of: a.duplicate.map(|d| d.original),
            })
        })
        .await?;
    Ok(Json(detail))
}

/// What happened to one posted article (the engine's `Outcome`, described
/// for the API's schema here: the engine knows no HTTP documentation).
#[derive(Debug, Serialize, ToSchema)]
pub struct OutcomeView {
    pub id: String,
    pub status: StatusView,
    /// The stored article this one is (for `already_stored`).
    pub existing: Option<String>,
    pub event: Option<String>,
    pub story: Option<String>,
    pub duplicate_of: Option<String>,
    /// `exact`, `near`, `excerpt` or `extended`, for a copy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duplicate_kind: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StatusView {
    /// Stored now.
    New,
    /// Already stored (same id, or same text, outlet and URL); `existing`
    /// names the stored id, and event/story are the stored assignment.
    AlreadyStored,
}

impl From<Outcome> for OutcomeView {
    fn from(o: Outcome) -> Self {
        let status = match o.status {
            Status::New => StatusView::New,
            Status::AlreadyStored => StatusView::AlreadyStored,
        };
        OutcomeView {
            id: o.id,
            status,
            existing: o.existing,
            event: o.event,
            story: o.story,
            duplicate_of: o.duplicate_of,
            duplicate_kind: o.duplicate_kind.map(str::to_string),
        }
    }
}

/// A record that could not be read or processed.
#[derive(Debug, Serialize, ToSchema)]
pub struct SkippedView {
    /// Where it came from (`<request>:LINE`).
    pub origin: String,
    pub reason: String,
}

impl From<Failed> for SkippedView {
    fn from(f: Failed) -> Self {
        SkippedView { origin: f.origin, reason: f.reason }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IngestResponse {
    /// One line per article read, in input order.
    pub articles: Vec<OutcomeView>,
    /// Records that could not be read or processed, with the reason.
    pub skipped: Vec<SkippedView>,
    pub new: usize,
    pub duplicates: usize,
    pub already_stored: usize,
}

/// Adds articles: one JSON article object, a JSON array, or JSONL, in the
/// CONTRACT input form (`id`, `title`, `text` or `html`, `date`, `url`,
/// `source`, `language`). Runs the pipeline and returns each article's
/// event and story. Idempotent: an article already stored is reported as
/// `already_stored`.
#[utoipa::path(post, path = "/api/articles", tag = "articles",
    request_body(content = String, description = "One article object, a JSON array, or JSONL", content_type = "application/json"),
    security(("bearer" = [])),
    responses((status = 200, body = IngestResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn post_articles(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<IngestResponse>, ApiError> {
    check_token(&state, &headers)?;
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                Code::PayloadTooLarge,
                format!(
                    "the body is over the limit of {} bytes; send fewer articles per request",
                    state.max_body_bytes()
                ),
            )
        } else {
            ApiError::new(Code::BadBody, e.body_text())
        }
    })?;
    let max = state.max_body_bytes() as u64;
    let (raws, mut skipped) = ingest::parse_articles(&body, max);
    if raws.is_empty() {
        let why: Vec<String> = skipped.iter().map(|s| format!("{}: {}", s.origin, s.reason)).collect();
        return Err(ApiError::new(
            Code::NoArticles,
            format!("no article could be read ({})", if why.is_empty() { "empty body".into() } else { why.join("; ") }),
        ));
    }
    let report = state.ingest(raws).await?;
    skipped.extend(report.failed);
    Ok(Json(IngestResponse {
        articles: report.outcomes.into_iter().map(OutcomeView::from).collect(),
        skipped: skipped.into_iter().map(SkippedView::from).collect(),
        new: report.new,
        duplicates: report.duplicates,
        already_stored: report.already,
    }))
}
