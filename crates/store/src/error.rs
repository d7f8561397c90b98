use std::path::PathBuf;

/// Store failures. `Open` names the database file so the user knows which
/// one to check; `Corrupt` means data this version cannot read.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the database {path}: {source}")]
    Open { path: PathBuf, source: rusqlite::Error },
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("stored record {id} cannot be read ({detail}); the database may come from another storyline version")]
    Corrupt { id: String, detail: String },
    #[error("the database schema is version {found}, newer than this storyline ({supported}); upgrade storyline")]
    NewerSchema { found: i64, supported: i64 },
}
