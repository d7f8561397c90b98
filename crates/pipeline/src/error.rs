//! error: what can go wrong in the engine, typed, so that front ends pick
//! their own exit code or HTTP status (the CLI wraps these in anyhow).

use storyline_store::{SearchError, StoreError};

/// An engine failure: the store, the search index, or the message queue.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    /// The store refused a read or write.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The search index refused a read or write.
    #[error(transparent)]
    Search(#[from] SearchError),
    /// NATS JetStream failed while doing something (`doing` says what).
    #[error("{doing}: {detail}")]
    Queue {
        /// What the engine was doing, e.g. "connecting to NATS at ...".
        doing: String,
        /// The client's own message.
        detail: String,
    },
    /// The caller asked for something this engine cannot do.
    #[error("{0}")]
    Usage(String),
    /// An operating-system failure (threads, the async runtime).
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// Attaches what the engine was doing to a queue client's error.
pub(crate) trait Doing<T> {
    fn doing(self, what: impl FnOnce() -> String) -> Result<T, PipelineError>;
}

impl<T, E: std::fmt::Display> Doing<T> for Result<T, E> {
    fn doing(self, what: impl FnOnce() -> String) -> Result<T, PipelineError> {
        self.map_err(|e| PipelineError::Queue { doing: what(), detail: e.to_string() })
    }
}
