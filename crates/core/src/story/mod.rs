//! story: what does one story look like when all its coverage is folded
//! together? Events with dates and summaries, a timeline of dated
//! statements merged across sources, entities with their aliases, facts
//! (amounts) with agreements and conflicts, name and title variants,
//! quotes with their wordings, and the sources with copies under their
//! originals. [`render`] turns the view into Markdown or a self-contained
//! HTML page.
//!
//! Pure: the caller hands in the story's articles with their analysis and
//! assignments; the view is derived, never stored.

mod build;
mod config;
mod facts;
mod headline;
mod quotes;
pub mod render;
mod sentences;
mod shared;
mod summary;
#[cfg(test)]
mod tests;
mod timeline;
mod view;

pub use build::{build_view, build_view_with, outlet as article_outlet};
pub use config::StoryConfig;
pub use headline::{lead_snippet, lead_title, story_title};
pub use sentences::{sentence_spans, SentenceSpan};
pub use view::{
    CopyOf, EntityView, EventView, FactConflict, FactStatement, FactView, QuoteView, QuoteWording, ReusedParagraph,
    SourceView, StoryMember, StoryView, TimelineEntry, VariantForm, VariantView,
};
