//! # storyline-core
//!
//! The domain model and every pipeline stage of storyline, as pure functions
//! and in-memory state. No file, socket, database or terminal: readers,
//! stores and servers live in the other crates and call into this one.
//!
//! ## Data flow
//!
//! ```text
//! RawArticle --clean--> Article --analyze--> Analysis
//!     |                    |
//!     |                    +--dedup--> duplicate_of (exact, near, excerpt, extended)
//!     |                    +--cluster--> EventId --story linking--> StoryId
//!     +-- (readers in storyline-ingest)     story::build -> StoryView
//! ```
//!
//! ## Example
//!
//! ```
//! use storyline_core::{prepare, PipelineConfig, RawArticle};
//!
//! let raw = RawArticle {
//!     id: "a1".into(),
//!     text: "Seoul talks set for Nov. 4\nDefense chiefs will meet in Seoul on Nov. 4.\n\
//!            Copyright (c) Example Press. All rights reserved.".into(),
//!     date: Some("2025-10-27".into()),
//!     ..Default::default()
//! };
//! let prepared = prepare(&raw, &PipelineConfig::default());
//! assert!(!prepared.article.text.contains("All rights reserved"));
//! ```

#![deny(missing_docs)]

mod model;
mod pipeline;
pub mod text;

pub mod analyze;
pub mod clean;
pub mod cluster;
pub mod dedup;
pub mod eval;
pub mod labels;
pub mod story;
pub mod url;
pub mod window;

#[cfg(test)]
mod test_data;

pub use model::{
    Amount, Analysis, Article, Dateline, Entity, EntityType, Origin, Paragraph, ParagraphKind, Quote, RawArticle,
    RemovalReason, Removed, TextFormat, TimeExpr, TimexType,
};
pub use pipeline::{parse_input_date, prepare, prepare_with, PipelineConfig, Prepared};
