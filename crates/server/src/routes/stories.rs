//! `/api/stories`: the story list, one story's view and its version.

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::Json;
use serde::{Deserialize, Serialize};
use storyline_pipeline::ingest::story_label;
use storyline_store::filter::{developing, stories_of_hits};
use storyline_store::{SearchQuery, StoryFilter, StorySummary};
use utoipa::{IntoParams, ToSchema};

use super::{json_body, query, to_json};
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;
use storyline_store::Store;

/// Articles per day.
#[derive(Debug, Serialize, ToSchema)]
pub struct DayCount {
    pub date: String,
    pub count: u64,
}

/// One story in the list: the CONTRACT's `stories --json` line plus its
/// coverage per day.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoryItem {
    pub id: String,
    pub title: String,
    pub articles: u64,
    pub events: u64,
    pub first: Option<String>,
    pub last: Option<String>,
    pub coverage: Vec<DayCount>,
    /// Distinct outlets among its articles.
    pub outlets: usize,
    /// The start of its newest original article's lead, one line.
    pub snippet: String,
    /// Whether new articles arrived recently: more than one article, the
    /// newest at most two days older than the newest in the store.
    pub developing: bool,
}

/// Words of a list item's snippet.
const SNIPPET_WORDS: usize = 24;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Most stories to return (default 50, at most 1000).
    pub limit: Option<usize>,
    /// Stories to skip.
    pub offset: Option<usize>,
    /// `newest` (default: latest coverage first) or `biggest` (most articles first).
    pub sort: Option<String>,
    /// Only stories with at least this many articles (2 hides one-article stories).
    pub min_articles: Option<String>,
    /// Only stories covered on or after this date (`YYYY-MM-DD`, `YYYY-MM` or `YYYY`).
    pub since: Option<String>,
    /// Only stories covered on or before this date.
    pub until: Option<String>,
    /// Only stories with an article from this outlet.
    pub outlet: Option<String>,
    /// Only stories naming this entity, any spelling.
    pub entity: Option<String>,
}

/// The list's filters, by the parser `storyline stories` uses too.
fn story_filter(p: &ListParams) -> Result<StoryFilter, ApiError> {
    StoryFilter::parse(|name| match name {
        "min_articles" => p.min_articles.clone(),
        "since" => p.since.clone(),
        "until" => p.until.clone(),
        "outlet" => p.outlet.clone(),
        "entity" => p.entity.clone(),
        _ => None,
    })
    .map_err(|e| ApiError::bad_parameter(format!("{}={:?} is not valid: expected {}", e.name, e.value, e.expected)))
}

/// Default and largest page of the story list.
const DEFAULT_STORIES: usize = 50;
const MAX_STORIES: usize = 1000;

/// Stories, newest first (or biggest first).
#[utoipa::path(get, path = "/api/stories", tag = "stories", params(ListParams),
    responses((status = 200, body = [StoryItem]), (status = 400, body = ErrorBody)))]
pub async fn list_stories(
    State(state): State<AppState>,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let p = query(params)?;
    let biggest = match p.sort.as_deref() {
        None | Some("newest") => false,
        Some("biggest") => true,
        Some(other) => {
            return Err(ApiError::bad_parameter(format!("sort must be `newest` or `biggest`, not {other:?}")))
        }
    };
    let limit = p.limit.unwrap_or(DEFAULT_STORIES).clamp(1, MAX_STORIES);
    let offset = p.offset.unwrap_or(0);
    let filter = story_filter(&p)?;
    let key = (biggest, offset, limit, filter.clone());
    // The page as computed for this store version, without a trip to the
    // blocking pool when it is cached.
    if let Some(body) = state.caches().lists.get(&key, state.version()) {
        return Ok(json_body(body));
    }
    let st = state.clone();
    let body = state
        .with_store(move |s| {
            let (version, summaries) = st.summaries(s)?;
            st.caches().lists.get_or_compute(key, version, || {
                let with_entity = match filter.entity.as_deref() {
                    Some(e) => Some(stories_of_hits(&st.index().search(&SearchQuery {
                        entity: Some(e.to_string()),
                        limit: Some(storyline_store::search::MAX_LIMIT),
                        ..Default::default()
                    })?)),
                    None => None,
                };
                let newest = summaries.iter().filter_map(|s| s.last.as_deref()).max();
                let mut order: Vec<&StorySummary> =
                    summaries.iter().filter(|s| filter.matches(s, with_entity.as_ref())).collect();
                if biggest {
                    order.sort_by(|a, b| b.articles.cmp(&a.articles).then(b.last.cmp(&a.last)));
                }
                let mut out = Vec::new();
                for sum in order.into_iter().skip(offset).take(limit) {
                    // One stored row per listed story, not the story.
                    let snippet = s
                        .latest_original(sum.id)?
                        .map(|a| storyline_core::story::lead_snippet(a.article.lead(), SNIPPET_WORDS))
                        .unwrap_or_default();
                    let coverage = st
                        .index()
                        .coverage(sum.id)?
                        .into_iter()
                        .map(|(d, count)| DayCount { date: d.to_string(), count })
                        .collect();
                    out.push(StoryItem {
                        id: story_label(sum.id),
                        title: sum.title.clone(),
                        articles: sum.articles,
                        events: sum.events,
                        first: sum.first.clone(),
                        last: sum.last.clone(),
                        coverage,
                        outlets: sum.outlets.len(),
                        snippet,
                        developing: developing(sum, newest),
                    });
                }
                to_json(&out).map(Bytes::from)
            })
        })
        .await?;
    Ok(json_body(body))
}

/// One story folded into a single view (the CONTRACT's `show --json`).
#[utoipa::path(get, path = "/api/stories/{id}", tag = "stories",
    params(("id" = String, Path, description = "Story id (`s3`) or the id of an article in it")),
    responses((status = 200, description = "The StoryView: events, timeline, entities, facts, quotes, sources", body = serde_json::Value),
              (status = 404, body = ErrorBody)))]
pub async fn get_story(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, ApiError> {
    let st = state.clone();
    let cached = state.with_store(move |s| st.story_view(s, &id)).await?;
    Ok(json_body(cached.json.clone()))
}

/// A story's version: the number of its articles. It changes exactly when
/// the story gains an article, so a page showing the story polls this
/// (cheap: no article is read) and reloads the view when it changes.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoryVersion {
    /// The story id (`s3`), also when asked by an article id.
    pub id: String,
    /// Articles in the story (copies included).
    pub articles: u64,
}

/// How many articles a story has now (poll this to update a story page).
#[utoipa::path(get, path = "/api/stories/{id}/version", tag = "stories",
    params(("id" = String, Path, description = "Story id (`s3`) or the id of an article in it")),
    responses((status = 200, body = StoryVersion), (status = 404, body = ErrorBody)))]
pub async fn story_version(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<StoryVersion>, ApiError> {
    let st = state.clone();
    let (story, articles) = state.with_store(move |s| st.resolve_story(s, &id)).await?;
    Ok(Json(StoryVersion { id: story_label(story), articles }))
}
