//! What `storyline watch` keeps between polls: each feed's conditional-GET
//! validators, and the item URLs already taken, so an unchanged feed is not
//! fetched twice and an item is not fetched again once stored.

use rusqlite::{params, OptionalExtension};

use super::SqliteStore;
use crate::error::StoreError;

/// A feed's validators as its server last sent them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedValidators {
    /// The `ETag` header, sent back as `If-None-Match`.
    pub etag: Option<String>,
    /// The `Last-Modified` header, sent back as `If-Modified-Since`.
    pub last_modified: Option<String>,
}

impl SqliteStore {
    /// The validators saved for a feed, if it was polled before.
    pub fn feed_validators(&self, feed_url: &str) -> Result<Option<FeedValidators>, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT etag, last_modified FROM feed_state WHERE feed_url = ?1")?
            .query_row(params![feed_url], |r| Ok(FeedValidators { etag: r.get(0)?, last_modified: r.get(1)? }))
            .optional()?)
    }

    /// Saves a feed's validators (after a successful fetch).
    pub fn save_feed_validators(&self, feed_url: &str, v: &FeedValidators) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO feed_state (feed_url, etag, last_modified) VALUES (?1, ?2, ?3)
                 ON CONFLICT(feed_url) DO UPDATE SET etag = ?2, last_modified = ?3,
                   checked_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')",
            )?
            .execute(params![feed_url, v.etag, v.last_modified])?;
        Ok(())
    }

    /// Whether an item URL was taken before (by any feed).
    pub fn feed_item_seen(&self, item_url: &str) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM feed_items WHERE item_url = ?1")?
            .query_row(params![item_url], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// Records items as taken, in one transaction: `(item_url, article_id)`.
    pub fn mark_feed_items_seen(
        &mut self,
        feed_url: &str,
        items: &[(String, Option<String>)],
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        {
            let mut stmt = tx.prepare_cached(
                "INSERT OR IGNORE INTO feed_items (item_url, feed_url, article_id) VALUES (?1, ?2, ?3)",
            )?;
            for (url, id) in items {
                stmt.execute(params![url, feed_url, id])?;
            }
        }
        tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validators_and_seen_items_round_trip() {
        let mut s = SqliteStore::open_in_memory().unwrap();
        assert_eq!(s.feed_validators("https://a/feed").unwrap(), None);
        let v = FeedValidators { etag: Some("\"v1\"".into()), last_modified: None };
        s.save_feed_validators("https://a/feed", &v).unwrap();
        assert_eq!(s.feed_validators("https://a/feed").unwrap(), Some(v));
        let v2 = FeedValidators { etag: None, last_modified: Some("Mon, 27 Oct 2025 08:00:00 GMT".into()) };
        s.save_feed_validators("https://a/feed", &v2).unwrap();
        assert_eq!(s.feed_validators("https://a/feed").unwrap(), Some(v2));
        assert!(!s.feed_item_seen("https://a/1").unwrap());
        s.mark_feed_items_seen("https://a/feed", &[("https://a/1".into(), Some("a-1".into()))]).unwrap();
        s.mark_feed_items_seen("https://a/feed", &[("https://a/1".into(), None)]).unwrap();
        assert!(s.feed_item_seen("https://a/1").unwrap());
    }
}
