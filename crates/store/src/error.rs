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
    #[error("cannot connect to PostgreSQL at {url}: {}", pg_text(source))]
    /// The PostgreSQL server could not be reached or refused the login.
    PgOpen {
        /// The URL, as given.
        url: String,
        /// The client's reason.
        source: postgres::Error,
    },
    #[cfg(feature = "postgres")]
    #[error("PostgreSQL error: {}", pg_text(.0))]
    /// Any other PostgreSQL failure: shown with the server's message,
    /// SQLSTATE code, detail and hint when the server sent them. Not an
    /// error `source`: the text already holds all the client would add
    /// ("db error", then the server's words again).
    Postgres(postgres::Error),
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

#[cfg(feature = "postgres")]
impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> Self {
        StoreError::Postgres(e)
    }
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

/// A PostgreSQL client error as the user needs to see it. The client's own
/// `Display` is only "db error" when the server refused a statement; the
/// server's words (message, SQLSTATE code, detail, hint) are in
/// `as_db_error()`. Other errors (I/O, TLS, protocol) keep the client's
/// text and their causes.
#[cfg(feature = "postgres")]
pub(crate) fn pg_text(e: &postgres::Error) -> String {
    let Some(db) = e.as_db_error() else {
        let mut text = e.to_string();
        let mut cause = std::error::Error::source(e);
        while let Some(c) = cause {
            let more = c.to_string();
            if !text.contains(&more) {
                text = format!("{text}: {more}");
            }
            cause = c.source();
        }
        return text;
    };
    let mut text = format!("{} (SQLSTATE {})", db.message(), db.code().code());
    if let Some(detail) = db.detail() {
        text.push_str(&format!("; detail: {detail}"));
    }
    if let Some(hint) = db.hint() {
        text.push_str(&format!("; hint: {hint}"));
    }
    text
}

#[cfg(all(test, feature = "postgres"))]
mod tests {
    use super::StoreError;
    use crate::postgres::testing;

    /// The test server's URL without storyline's own `schema=` parameter.
    fn server_url() -> String {
        let url = testing::base_url();
        url.split_once('?').map_or(url.clone(), |(server, _)| server.to_string())
    }

    /// Issue 21: a statement the server refused showed as "PostgreSQL
    /// error: db error", without what the server said.
    #[test]
    fn pg_a_server_error_shows_its_message_code_and_detail() {
        if !testing::available("pg_a_server_error_shows_its_message_code_and_detail") {
            return;
        }
        let base = server_url();
        let mut c = postgres::Client::connect(&base, postgres::NoTls).expect("the test database");
        let e = StoreError::from(c.batch_execute("SELECT 1/0").unwrap_err());
        let text = e.to_string();
        assert!(text.contains("division by zero"), "{text}");
        assert!(text.contains("22012"), "the SQLSTATE code: {text}");
        assert!(!text.contains("db error"), "{text}");
        assert!(std::error::Error::source(&e).is_none(), "said once, not again as a cause");

        // A refusal with a detail: a duplicate key names the key.
        let temp = testing::TempSchema::new("errtext");
        let schema = &temp.name;
        c.batch_execute(&format!(
            "CREATE SCHEMA \"{schema}\"; CREATE TABLE \"{schema}\".t (k int PRIMARY KEY); \
             INSERT INTO \"{schema}\".t VALUES (7)"
        ))
        .unwrap();
        let e = StoreError::from(c.batch_execute(&format!("INSERT INTO \"{schema}\".t VALUES (7)")).unwrap_err());
        let text = e.to_string();
        assert!(text.contains("duplicate key value violates unique constraint"), "{text}");
        assert!(text.contains("23505"), "{text}");
        assert!(text.contains("detail: Key (k)=(7) already exists"), "{text}");
    }

    /// A refused login is a server error too, shown by `PgOpen`.
    #[test]
    fn pg_a_refused_connection_says_why() {
        if !testing::available("pg_a_refused_connection_says_why") {
            return;
        }
        let base = server_url();
        let url = match base.rsplit_once('/') {
            Some((server, _)) => format!("{server}/storyline_no_such_database"),
            None => return,
        };
        let e = crate::PgStore::connect(&url).err().expect("no such database");
        let text = e.to_string();
        assert!(text.contains("storyline_no_such_database") && text.contains("does not exist"), "{text}");
        assert!(text.contains("3D000"), "{text}");
    }
}
