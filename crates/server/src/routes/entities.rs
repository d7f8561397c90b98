//! `/api/entities`: the entities of a story, or one entity by any name.

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use storyline_core::story::EntityView;
use storyline_store::search::name_key;
use storyline_store::SearchQuery;
use utoipa::{IntoParams, ToSchema};

use super::{json_body, query, to_json};
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

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
    let p = query(params)?;
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
