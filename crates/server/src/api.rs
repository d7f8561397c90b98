//! The JSON API under `/api/`, described by OpenAPI 3 (utoipa).
//!
//! Every handler that touches the store runs on the blocking pool
//! ([`AppState::with_store`]): rusqlite connections are not `Sync`, and a
//! query must not stall the async workers.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use storyline_core::story::{EntityView, EventView};
use storyline_core::{Analysis, Removed};
use storyline_store::filter::{developing, stories_of_hits};
use storyline_store::search::{name_key, parse_date_bound, parse_label};
use storyline_store::{Hit, SearchQuery, Store, StoryFilter, StorySummary};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::error::{ApiError, Code, ErrorBody};
use crate::state::AppState;
use storyline_pipeline::ingest::{self, story_label, Failed, Outcome, Status};
use storyline_pipeline::views::find_article;

#[derive(OpenApi)]
#[openapi(
    info(title = "storyline", description = "News articles grouped into events and stories: read stories, search articles, add articles."),
    paths(health, list_stories, get_story, story_version, get_event, get_article, search, entities, post_articles),
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

/// Liveness and the store's size.
#[utoipa::path(get, path = "/healthz", responses((status = 200, description = "The server is up", body = serde_json::Value)))]
pub async fn health(State(state): State<AppState>) -> Result<Json<serde_json::Value>, ApiError> {
    let st = state.clone();
    let (articles, stories) = state.with_store(move |s| Ok((s.article_count()?, st.summaries(s)?.1.len()))).await?;
    Ok(Json(
        serde_json::json!({"status": "ok", "articles": articles, "stories": stories, "indexed": state.index().len()}),
    ))
}

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

/// A JSON body computed earlier (see [`crate::cache`]).
fn json_body(body: Bytes) -> Response {
    ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], body).into_response()
}

fn to_json<T: Serialize>(value: &T) -> Result<Vec<u8>, ApiError> {
    serde_json::to_vec(value).map_err(ApiError::internal)
}

/// Stories, newest first (or biggest first).
#[utoipa::path(get, path = "/api/stories", tag = "stories", params(ListParams),
    responses((status = 200, body = [StoryItem]), (status = 400, body = ErrorBody)))]
pub async fn list_stories(
    State(state): State<AppState>,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(p) = params.map_err(|e| ApiError::bad_parameter(e.body_text()))?;
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
                        .map(|a| {
                            let art = &a.article;
                            let lead = art.paragraphs.first().map_or(art.text.as_str(), |p| p.text.as_str());
                            storyline_core::story::lead_snippet(lead, SNIPPET_WORDS)
                        })
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

/// An article in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleBrief {
    pub id: String,
    pub title: String,
    pub outlet: Option<String>,
    pub published: Option<String>,
    pub duplicate_of: Option<String>,
    /// `exact`, `near`, `excerpt` or `extended`, for a copy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duplicate_kind: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventResponse {
    pub id: String,
    pub story: String,
    pub story_title: String,
    pub title: String,
    pub date: Option<String>,
    pub articles: Vec<ArticleBrief>,
}

/// One event with its articles.
#[utoipa::path(get, path = "/api/events/{id}", tag = "stories",
    params(("id" = String, Path, description = "Event id (`e12`)")),
    responses((status = 200, body = EventResponse), (status = 404, body = ErrorBody)))]
pub async fn get_event(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<EventResponse>, ApiError> {
    let event = parse_label(&id, 'e')
        .ok_or_else(|| ApiError::bad_parameter(format!("{id:?} is not an event id (like e12)")))?;
    let not_found = || ApiError::not_found(format!("no event {id:?}"));
    let story = state.index().story_of_event(event)?.ok_or_else(not_found)?;
    let label = ingest::event_label(event);
    // From the story's cached view: its sources list every article, so
    // nothing is read from the store once the view is cached.
    let st = state.clone();
    let cached = state.with_store(move |s| st.story_view(s, &story_label(story))).await?;
    let view = &cached.view;
    let ev: &EventView =
        view.events.iter().find(|e| e.id == label).ok_or_else(|| ApiError::not_found(format!("no event {label:?}")))?;
    let members: std::collections::HashSet<&str> = ev.articles.iter().map(String::as_str).collect();
    let articles = view
        .sources
        .iter()
        .filter(|src| members.contains(src.article.as_str()))
        .map(|src| ArticleBrief {
            id: src.article.clone(),
            title: src.title.clone(),
            outlet: src.outlet.clone(),
            published: src.published.clone(),
            duplicate_of: src.duplicate_of.clone(),
            duplicate_kind: src.duplicate_kind.clone(),
        })
        .collect();
    Ok(Json(EventResponse {
        id: ev.id.clone(),
        story: view.id.clone(),
        story_title: view.title.clone(),
        title: ev.title.clone(),
        date: ev.date.clone(),
        articles,
    }))
}

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
    let Query(p) = params.map_err(|e| ApiError::bad_parameter(e.body_text()))?;
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

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EntityParams {
    /// The entities of one story (`s3`).
    pub story: Option<String>,
    /// One entity by any of its names: its canonical, aliases and articles
    /// across the stories that name it.
    pub name: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EntitiesResponse {
    /// Canonical, type, aliases and articles of each entity.
    #[schema(value_type = Vec<Object>)]
    pub entities: Vec<EntityView>,
}

/// Stories a name search reads to gather one entity's aliases.
const ENTITY_STORIES: usize = 20;

/// Entities of a story, or one entity by any of its names.
#[utoipa::path(get, path = "/api/entities", tag = "stories", params(EntityParams),
    responses((status = 200, body = EntitiesResponse), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn entities(
    State(state): State<AppState>,
    params: Result<Query<EntityParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(p) = params.map_err(|e| ApiError::bad_parameter(e.body_text()))?;
    if let Some(story) = p.story.filter(|s| !s.trim().is_empty()) {
        let st = state.clone();
        let cached = state.with_store(move |s| st.story_view(s, &story)).await?;
        if let Some(body) = cached.entities_json.get() {
            return Ok(json_body(body.clone()));
        }
        let body = Bytes::from(to_json(&EntitiesResponse { entities: cached.view.entities.clone() })?);
        return Ok(json_body(cached.entities_json.get_or_init(|| body).clone()));
    }
    let Some(name) = p.name.filter(|s| !s.trim().is_empty()) else {
        return Err(ApiError::bad_parameter("give story=ID or name=NAME"));
    };
    let sq = SearchQuery {
        entity: Some(name.clone()),
        limit: Some(storyline_store::search::MAX_LIMIT),
        ..Default::default()
    };
    let hits = state.index().search(&sq)?;
    let mut stories: Vec<String> = Vec::new();
    for h in hits {
        if !stories.contains(&h.story) && stories.len() < ENTITY_STORIES {
            stories.push(h.story);
        }
    }
    let key = name_key(&name);
    let st = state.clone();
    let merged = state
        .with_store(move |s| {
            // The views' entities whose canonical or an alias is the name.
            let mut found: Vec<EntityView> = Vec::new();
            for story in stories {
                let cached = st.story_view(s, &story)?;
                let names_it =
                    |e: &&EntityView| name_key(&e.canonical) == key || e.aliases.iter().any(|a| name_key(a) == key);
                for e in cached.view.entities.iter().filter(names_it) {
                    match found.iter_mut().find(|f| f.canonical == e.canonical) {
                        Some(f) => {
                            for a in &e.aliases {
                                if !f.aliases.contains(a) {
                                    f.aliases.push(a.clone());
                                }
                            }
                            f.articles.extend(e.articles.iter().cloned());
                        }
                        None => found.push(e.clone()),
                    }
                }
            }
            Ok(found)
        })
        .await?;
    if merged.is_empty() {
        return Err(ApiError::not_found(format!("no entity named {name:?}")));
    }
    Ok(Json(EntitiesResponse { entities: merged }).into_response())
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
