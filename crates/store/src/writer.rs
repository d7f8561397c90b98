//! writer: who may decide and store articles right now?
//!
//! Deciding duplicates, events and stories depends on everything stored
//! before, so one process at a time may do it per store: `ingest`, `watch`,
//! a server's `POST /api/articles`, or a distributed worker's assigner. The
//! lock is a guard ([`WriterLock`]): it is released when dropped, on every
//! path out, errors and panics included, and by the operating system (a
//! file lock) or PostgreSQL (a session advisory lock) when the process dies.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

use crate::StoreError;

/// Proof that this process is the one writer of a store; dropping it lets
/// the next writer in.
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct WriterLock {
    held: Held,
}

enum Held {
    /// A store no other process can open (SQLite in memory).
    Alone,
    /// An exclusive `flock` on the lock file beside a SQLite database; the
    /// kernel releases it when the file is closed or the process dies.
    File(#[allow(dead_code)] File),
    /// A PostgreSQL session advisory lock on this connection.
    #[cfg(feature = "postgres")]
    Pg(#[allow(dead_code)] crate::postgres::AdvisoryLock),
}

impl WriterLock {
    pub(crate) fn alone() -> Self {
        WriterLock { held: Held::Alone }
    }

    #[cfg(feature = "postgres")]
    pub(crate) fn pg(lock: crate::postgres::AdvisoryLock) -> Self {
        WriterLock { held: Held::Pg(lock) }
    }

    /// Whether this guard excludes other processes (false for an in-memory store).
    pub fn is_exclusive(&self) -> bool {
        !matches!(self.held, Held::Alone)
    }
}

/// The lock file beside a SQLite database: a separate file, because
/// closing any descriptor of the database file itself would drop SQLite's
/// own POSIX locks.
pub(crate) fn lock_path_for(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".writer-lock");
    PathBuf::from(name)
}

fn open_lock_file(path: &Path) -> Result<File, StoreError> {
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(|source| StoreError::Lock { path: path.to_path_buf(), source })
}

/// Waits for the file lock at `path`.
pub(crate) fn lock_file(path: &Path) -> Result<WriterLock, StoreError> {
    let file = open_lock_file(path)?;
    file.lock().map_err(|source| StoreError::Lock { path: path.to_path_buf(), source })?;
    Ok(WriterLock { held: Held::File(file) })
}

/// Takes the file lock at `path` if nobody holds it.
pub(crate) fn try_lock_file(path: &Path) -> Result<Option<WriterLock>, StoreError> {
    let file = open_lock_file(path)?;
    match file.try_lock() {
        Ok(()) => Ok(Some(WriterLock { held: Held::File(file) })),
        Err(TryLockError::WouldBlock) => Ok(None),
        Err(TryLockError::Error(source)) => Err(StoreError::Lock { path: path.to_path_buf(), source }),
    }
}
