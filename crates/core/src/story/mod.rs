//! story: what does one story look like when all its coverage is folded
//! together? Events with dates, a timeline of dated statements merged across
//! sources, entities with their aliases, facts (amounts) with agreements and
//! conflicts, quotes, and the sources with copies under their originals.
//!
//! Pure: the caller hands in the story's articles with their analysis and
//! assignments; the view is derived, never stored.

mod sentences;
mod view;

pub use sentences::{sentence_spans, SentenceSpan};
pub use view::{build_view, EventView, FactConflict, FactView, QuoteView, SourceView, StoryMember, StoryView, TimelineEntry, EntityView};
