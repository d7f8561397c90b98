use std::path::PathBuf;

/// Store failures. `Open` names the database file so the user knows which
/// one to check; `Corrupt` means data this version cannot read.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the database {path}: {source}")]
    /// The SQLite file could not be opened or created.
    Open {
        /// The database file.
        path: PathBuf,
        /// SQLite's reason.
        source: rusqlite::Error,
    },
    #[error("database error: {0}")]
    /// Any other SQLite failure.
    Sqlite(#[from] rusqlite::Error),
    #[error("stored record {id} cannot be read ({detail}); the database may come from another storyline version")]
    /// A stored record that does not decode (another version's format).
    Corrupt {
        /// The record that does not decode.
        id: String,
        /// The decoder's message.
        detail: String,
    },
    #[cfg(feature = "postgres")]
    #[error("cannot connect to PostgreSQL at {url}: {source}")]
    /// The PostgreSQL server could not be reached or refused the login.
    PgOpen {
        /// The URL, as given.
        url: String,
        /// The client's reason.
        source: postgres::Error,
    },
    #[cfg(feature = "postgres")]
    #[error("PostgreSQL error: {0}")]
    /// Any other PostgreSQL failure.
    Postgres(#[from] postgres::Error),
    #[error("cannot lock {path} to become the store's one writer: {source}")]
    /// The writer-lock file beside a SQLite store could not be locked.
    Lock {
        /// The lock file.
        path: PathBuf,
        /// The OS's reason.
        source: std::io::Error,
    },
    #[error("bad database URL {url}: {detail}")]
    /// A `postgres://` URL that cannot be used.
    BadUrl {
        /// The URL, as given.
        url: String,
        /// What is wrong with it.
        detail: String,
    },
    #[error("the database schema is version {found}, newer than this storyline ({supported}); upgrade storyline")]
    /// The database was written by a newer storyline; reading it could lose data.
    NewerSchema {
        /// The database's schema version.
        found: i64,
        /// The newest version this build reads.
        supported: i64,
    },
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
