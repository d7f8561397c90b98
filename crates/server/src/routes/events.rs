//! `/api/events/{id}`: one event with its articles.

use axum::extract::{Path, State};
use axum::Json;
use serde::Serialize;
use storyline_core::story::EventView;
use storyline_pipeline::ingest::{self, story_label};
use storyline_store::search::parse_label;
use utoipa::ToSchema;

use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

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
