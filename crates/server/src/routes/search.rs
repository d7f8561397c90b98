//! `/api/search`: full-text search with filters.

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use storyline_store::search::{parse_date_bound, parse_label};
use storyline_store::{Hit, SearchQuery};
use utoipa::{IntoParams, ToSchema};

use super::{json_body, query, to_json};
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Words, "quoted phrases", `title:word`, `+must -not`.
    pub q: Option<String>,
    /// Published on or after (`YYYY-MM-DD`, `YYYY-MM` or `YYYY`).
    pub from: Option<String>,
    /// Published on or before (`YYYY-MM-DD`, `YYYY-MM` or `YYYY`).
    pub to: Option<String>,
    /// Outlet name.
    pub outlet: Option<String>,
    /// Entity name, any spelling (`Ahn Kyu-back` finds `Ahn Gyu-back`).
    pub entity: Option<String>,
    /// Story id (`s3`).
    pub story: Option<String>,
    /// Event id (`e12`).
    pub event: Option<String>,
    /// Most hits (default 20, at most 500).
    pub limit: Option<usize>,
}

/// One matching article.
#[derive(Debug, Serialize, ToSchema)]
pub struct HitView {
    pub id: String,
    pub title: String,
    pub story: String,
    pub event: String,
    pub published: Option<String>,
    pub outlet: Option<String>,
    pub score: f32,
    /// HTML-escaped passage with matches in `<mark>`.
    pub snippet_html: String,
    /// The same passage as parts `{text, highlight}` (render these as text
    /// nodes, highlighted parts in a `<mark>`).
    #[schema(value_type = Vec<Object>)]
    pub snippet: Vec<storyline_store::SnippetPart>,
}

impl From<Hit> for HitView {
    fn from(h: Hit) -> Self {
        HitView {
            id: h.id,
            title: h.title,
            story: h.story,
            event: h.event,
            published: h.published,
            outlet: h.outlet,
            score: h.score,
            snippet_html: h.snippet_html,
            snippet: h.snippet,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResponse {
    pub q: String,
    pub hits: Vec<HitView>,
}

fn search_query(p: SearchParams) -> Result<SearchQuery, ApiError> {
    let date = |s: &Option<String>, end: bool, name: &str| -> Result<_, ApiError> {
        match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(v) => parse_date_bound(v, end).map(Some).ok_or_else(|| {
                ApiError::bad_parameter(format!("{name}={v:?} is not a date (YYYY-MM-DD, YYYY-MM or YYYY)"))
            }),
        }
    };
    let label = |s: &Option<String>, prefix: char, name: &str| -> Result<_, ApiError> {
        match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(v) => parse_label(v, prefix)
                .map(Some)
                .ok_or_else(|| ApiError::bad_parameter(format!("{name}={v:?} is not an id like {prefix}12"))),
        }
    };
    let nonempty = |s: Option<String>| s.filter(|v| !v.trim().is_empty());
    Ok(SearchQuery {
        from: date(&p.from, false, "from")?,
        to: date(&p.to, true, "to")?,
        story: label(&p.story, 's', "story")?,
        event: label(&p.event, 'e', "event")?,
        q: p.q.unwrap_or_default(),
        outlet: nonempty(p.outlet),
        entity: nonempty(p.entity),
        limit: p.limit,
    })
}

/// Full-text search with filters; best matches first.
#[utoipa::path(get, path = "/api/search", tag = "search", params(SearchParams),
    responses((status = 200, body = SearchResponse), (status = 400, body = ErrorBody)))]
pub async fn search(
    State(state): State<AppState>,
    params: Result<Query<SearchParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let p = query(params)?;
    let sq = search_query(p)?;
    let key = format!("{sq:?}");
    let version = state.index().len();
    if let Some(body) = state.caches().searches.get(&key, version) {
        return Ok(json_body(body));
    }
    let st = state.clone();
    let hits = state.with_store(move |store| Ok(store.search(Some(st.index()), &sq).map(|h| (sq.q, h))?)).await?;
    let body =
        Bytes::from(to_json(&SearchResponse { q: hits.0, hits: hits.1.into_iter().map(HitView::from).collect() })?);
    // Not single-flight (unlike views): distinct searches must not wait
    // for each other; at worst a burst computes one query twice.
    state.caches().searches.put(key, version, body.clone());
    Ok(json_body(body))
}
