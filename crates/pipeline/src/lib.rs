//! # storyline-pipeline
//!
//! The engine: what happens to a batch of raw articles between the readers
//! and the store, the same for every front end (the CLI's `ingest`,
//! `cluster` and `analyze`, the HTTP API's `POST /api/articles`, `watch`,
//! and the distributed workers). It knows no HTTP framework.
//!
//! ## Data flow
//!
//! ```text
//! RawArticle (storyline-ingest)
//!   --ingest::process_all       parallel, pure: clean, analyze, features, signature
//!   --ingest::arrival_order     by publication date, undated last
//!   --ingest::Streamer::decide  ordered, stateful: aliases, dedup, cluster, story link
//!   --Store::insert_batch       one transaction per batch (storyline-store)
//!   --IndexSession::add         the search index, when the backend needs one
//! views::load_view: Store -> core::story::build_view (what `show` and the API print)
//! distributed: publish -> NATS JetStream -> worker(s) -> PostgreSQL work queue -> one assigner
//! ```
//!
//! ## Example
//!
//! ```
//! use storyline_core::{PipelineConfig, RawArticle};
//! use storyline_pipeline::ingest::{ingest, load_streamer};
//! use storyline_store::{SqliteStore, Store};
//!
//! let mut store = SqliteStore::open_in_memory().unwrap();
//! let cfg = PipelineConfig::default();
//! let mut streamer = load_streamer(&store, &cfg).unwrap();
//! let raw = RawArticle {
//!     id: "a1".into(),
//!     text: "Officials in Seoul met their U.S. counterparts on Tuesday to discuss defence costs.".into(),
//!     ..Default::default()
//! };
//! let report = ingest(&mut store, None, &mut streamer, &[raw], &cfg).unwrap();
//! assert_eq!(report.new, 1);
//! assert_eq!(store.article_count().unwrap(), 1);
//! ```

#![deny(missing_docs)]

mod config;
pub mod distributed;
mod error;
pub mod ingest;
mod parallel;
pub mod views;

pub use config::{pipeline_config, WINDOW_DAYS_ENV};
pub use error::PipelineError;
