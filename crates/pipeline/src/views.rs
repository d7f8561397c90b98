//! views: what does one story, or one article, look like to a reader?
//! The store lookups behind `GET /api/stories/{id}` and `/api/articles/{id}`
//! (the same as `storyline show`).

use storyline_core::story::{build_view, CopyOf, StoryMember, StoryView};
use storyline_store::search::parse_label;
use storyline_store::{Store, StoreError, StoredArticle};

use crate::ingest::story_label;

/// Why a story view could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ViewError {
    /// The id given; each surface (CLI, API) says what to do next in its
    /// own terms.
    #[error("no story or article with id {0:?}")]
    NotFound(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The story number `id` names when it is a story label exactly as
/// [`story_label`] writes it (`s3`; not `s03` or `s+3`, which can only be
/// article ids).
pub fn story_number(id: &str) -> Option<u32> {
    parse_label(id, 's').filter(|&n| story_label(n) == id)
}

/// Resolves an id to a story number. Article ids are the user's and may
/// look like story labels (an article may be called `s0`), so: an id
/// written `article:ID` is always the article `ID`; otherwise a story label
/// of a story that exists names that story, and anything else is an
/// article id.
pub fn resolve_story(store: &dyn Store, id: &str) -> Result<u32, ViewError> {
    let not_found = |id: &str| ViewError::NotFound(id.to_string());
    if let Some(article) = id.strip_prefix("article:") {
        return store.story_of_article(article)?.ok_or_else(|| not_found(article));
    }
    if let Some(n) = story_number(id) {
        if store.story_len(n)? > 0 {
            return Ok(n);
        }
    }
    store.story_of_article(id)?.ok_or_else(|| not_found(id))
}

/// One story folded into its view (the CONTRACT's `show --json`).
pub fn load_view(store: &dyn Store, id: &str) -> Result<StoryView, ViewError> {
    Ok(story_view(store, resolve_story(store, id)?)?)
}

/// Story number `story` folded into its view.
pub fn story_view(store: &dyn Store, story: u32) -> Result<StoryView, StoreError> {
    let stored = store.story_articles(story)?;
    let members: Vec<StoryMember> = stored
        .iter()
        .map(|s| StoryMember {
            article: &s.article,
            analysis: &s.analysis,
            event: s.event,
            copy_of: s.duplicate.as_ref().map(|d| CopyOf { original: d.original.as_str(), kind: d.kind }),
            paragraphs: &s.signature.paragraphs,
        })
        .collect();
    Ok(build_view(&story_label(story), &members))
}

/// One stored article by id: its own row only (reading its story instead
/// cost seconds for an article of a story of thousands).
pub fn find_article(store: &dyn Store, id: &str) -> Result<Option<StoredArticle>, StoreError> {
    store.article(id)
}
