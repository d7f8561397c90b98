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
    #[cfg(feature = "postgres")]
    #[error("cannot connect to PostgreSQL at {url}: {source}")]
    PgOpen { url: String, source: postgres::Error },
    #[cfg(feature = "postgres")]
    #[error("PostgreSQL error: {0}")]
    Postgres(#[from] postgres::Error),
    #[error("cannot lock {path} to become the store's one writer: {source}")]
    Lock { path: PathBuf, source: std::io::Error },
    #[error("bad database URL {url}: {detail}")]
    BadUrl { url: String, detail: String },
    #[error("the database schema is version {found}, newer than this storyline ({supported}); upgrade storyline")]
    NewerSchema { found: i64, supported: i64 },
}

impl StoreError {
    /// The database's own words when it refused the data itself (a value
    /// too large for an index, out of range, breaking a constraint), which
    /// trying again cannot fix; `None` for everything else (a lost
    /// connection, a lock, a serialization conflict), which it may.
    pub fn refused_data(&self) -> Option<String> {
        match self {
            #[cfg(feature = "postgres")]
            StoreError::Postgres(e) => {
                let db = e.as_db_error()?;
                // SQLSTATE classes 22 (data exception), 23 (integrity
                // constraint violation), 54 (program limit exceeded).
                let class = db.code().code().get(..2)?;
                matches!(class, "22" | "23" | "54").then(|| format!("{} ({})", db.message(), db.code().code()))
            }
            _ => None,
        }
    }
}
