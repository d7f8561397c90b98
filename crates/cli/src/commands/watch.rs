//! `storyline watch FEEDS`: poll feeds on a schedule and ingest their new
//! articles into a store.
//!
//! ```text
//! every --interval: for each feed URL
//!   conditional GET (saved ETag / Last-Modified) --304--> nothing to do
//!   --200--> feed-rs entries --item URL not seen before--> GET the page
//!            (HTML extraction; the entry's own text when the page has none)
//!   then one ingest of all new articles (the shared pipeline: dedup,
//!   cluster, store, index), and only then items marked seen and
//!   validators saved, so a crash never loses an item.
//! ```
//!
//! The fetcher refuses private, loopback and link-local addresses unless
//! `--allow-private`, and keeps `--host-delay-ms` between two requests to
//! one host.

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context;
use storyline_core::{Origin, PipelineConfig, RawArticle};
use storyline_ingest::fetch::{FetchConfig, FetchError, Fetcher, Validators};
use storyline_ingest::{feed_to_articles, html_page_to_article, id_from_url, is_html, read_feed_list};
use storyline_pipeline::ingest::{ingest, load_streamer, save_streamer_every, Status, Streamer, SAVE_STATE_EVERY};
use storyline_store::{FeedValidators, SearchIndex, SqliteStore, Store};

use super::{CliError, DbArgs};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// A file of feed URLs (one per line, `#` comments) or an OPML file.
    #[arg(value_name = "FEEDS")]
    pub feeds: PathBuf,
    #[command(flatten)]
    pub db: DbArgs,
    /// Seconds between the starts of two polls.
    #[arg(long, default_value_t = 900, value_name = "SECS")]
    pub interval: u64,
    /// Poll once and exit.
    #[arg(long, conflicts_with = "polls")]
    pub once: bool,
    /// Stop after this many polls (default: run until interrupted).
    #[arg(long, value_name = "N")]
    pub polls: Option<u64>,
    /// Fetch from private, loopback and link-local addresses (refused by default).
    #[arg(long)]
    pub allow_private: bool,
    /// Least time between two requests to one host, in milliseconds.
    #[arg(long, default_value_t = 1000, value_name = "MS")]
    pub host_delay_ms: u64,
    /// Seconds a request may take, body included.
    #[arg(long, default_value_t = 30, value_name = "SECS")]
    pub timeout: u64,
    /// Largest feed or page to download, in MiB.
    #[arg(long, default_value_t = 16, value_name = "MIB")]
    pub max_page_mb: u64,
}

/// What one poll did, for its summary line.
#[derive(Default)]
struct Poll {
    feeds: usize,
    not_modified: usize,
    failed: usize,
    items: usize,
    new: usize,
    duplicates: usize,
    already: usize,
}

/// A new item taken from a feed in this poll.
struct Item {
    feed: usize,
    key: String,
    article: RawArticle,
}

struct Watcher {
    feeds: Vec<String>,
    fetcher: Fetcher,
    store: SqliteStore,
    index: SearchIndex,
    streamer: Streamer,
    /// Articles in the store when `streamer` was last in step with it.
    in_step_at: u64,
    cfg: PipelineConfig,
}

impl Watcher {
    fn poll(&mut self) -> anyhow::Result<Poll> {
        let mut poll = Poll { feeds: self.feeds.len(), ..Default::default() };
        let mut items: Vec<Item> = Vec::new();
        // Per feed: validators to save once its items are stored, and
        // whether an item failed in a way worth retrying (then the feed is
        // fetched again next time instead of answered by a 304).
        let mut to_save: Vec<Option<Validators>> = vec![None; self.feeds.len()];
        let mut taken: HashSet<String> = HashSet::new();
        // Items that will never give an article (no text, page gone): seen
        // all the same, so they are not fetched again.
        let mut dropped: Vec<(usize, String)> = Vec::new();
        for (f, feed_url) in self.feeds.clone().iter().enumerate() {
            let saved = self
                .store
                .feed_validators(feed_url)?
                .map(|v| Validators { etag: v.etag, last_modified: v.last_modified });
            let resp = match self.fetcher.get(feed_url, saved.as_ref()) {
                Ok(r) => r,
                Err(e) => {
                    poll.failed += 1;
                    eprintln!("skipped {e}");
                    continue;
                }
            };
            if resp.not_modified() {
                poll.not_modified += 1;
                continue;
            }
            let origin = Origin { path: feed_url.clone(), line: None };
            let feed = match feed_to_articles(&resp.body, &origin, &id_from_url(feed_url), Some(&resp.url)) {
                Ok(feed) => feed,
                Err(reason) => {
                    poll.failed += 1;
                    eprintln!("skipped {feed_url}: {reason}");
                    continue;
                }
            };
            let mut retry = false;
            for item in feed.items {
                let key = item.link.clone().or_else(|| item.article.as_ref().ok().map(|a| a.id.clone()));
                let Some(key) = key else {
                    eprintln!("skipped {}: entry without a link or text", item.origin);
                    continue;
                };
                if taken.contains(&key) || self.store.feed_item_seen(&key)? {
                    continue;
                }
                taken.insert(key.clone());
                match self.item_article(&item, feed.title.as_deref()) {
                    Ok(article) => items.push(Item { feed: f, key, article }),
                    Err(true) => retry = true,
                    Err(false) => dropped.push((f, key)),
                }
            }
            if !retry {
                to_save[f] = Some(resp.validators);
            }
        }
        poll.items = items.len();
        let raws: Vec<RawArticle> = items.iter().map(|i| i.article.clone()).collect();
        if !raws.is_empty() {
            // Other writers (an `ingest`, a server) may have stored articles
            // since the last poll: decide as the one writer, on fresh state.
            let _writer = self.store.lock_writer().context("waiting to become the store's one writer")?;
            if self.store.article_count()? != self.in_step_at {
                self.streamer = load_streamer(&self.store, &self.cfg)?;
            }
            let report = ingest(&mut self.store, Some(&self.index), &mut self.streamer, &raws, &self.cfg)?;
            // Saved now and then, so a restart seldom replays the archive.
            if let Err(e) = save_streamer_every(&mut self.store, &mut self.streamer, &self.cfg, SAVE_STATE_EVERY) {
                eprintln!("warning: the online state was not saved ({e})");
            }
            self.in_step_at = self.store.article_count()?;
            for f in &report.failed {
                eprintln!("skipped {}: {}", f.origin, f.reason);
            }
            poll.new = report.new;
            poll.duplicates = report.duplicates;
            poll.already = report.outcomes.iter().filter(|o| o.status == Status::AlreadyStored).count();
        }
        // Stored: now the items are seen and the feeds' validators current.
        for (f, feed_url) in self.feeds.iter().enumerate() {
            let seen: Vec<(String, Option<String>)> = items
                .iter()
                .filter(|i| i.feed == f)
                .map(|i| (i.key.clone(), Some(i.article.id.clone())))
                .chain(dropped.iter().filter(|d| d.0 == f).map(|d| (d.1.clone(), None)))
                .collect();
            if !seen.is_empty() {
                self.store.mark_feed_items_seen(feed_url, &seen)?;
            }
            if let Some(v) = &to_save[f] {
                self.store.save_feed_validators(
                    feed_url,
                    &FeedValidators { etag: v.etag.clone(), last_modified: v.last_modified.clone() },
                )?;
            }
        }
        Ok(poll)
    }

    /// The article for a new item: its page when it has one that reads,
    /// else the entry's own text. `Err(true)` when the item should be tried
    /// again at the next poll (a network error or a server error).
    fn item_article(
        &mut self,
        item: &storyline_ingest::FeedItem,
        feed_title: Option<&str>,
    ) -> Result<RawArticle, bool> {
        let entry = item.article.as_ref().ok();
        let Some(link) = &item.link else {
            return entry.cloned().ok_or(false);
        };
        let origin = Origin { path: link.clone(), line: None };
        let page = match self.fetcher.get(link, None) {
            Ok(r) if is_html(r.content_type.as_deref(), &r.body) => {
                html_page_to_article(&r.body, r.content_type.as_deref(), link, &origin)
                    .map_err(|reason| reason.to_string())
            }
            Ok(r) => Err(format!("not an HTML page (Content-Type {})", r.content_type.as_deref().unwrap_or("unknown"))),
            Err(e) => {
                let transient = matches!(e, FetchError::Transport { .. } | FetchError::Status { status: 500.., .. });
                eprintln!("skipped {e}");
                if transient {
                    return Err(true);
                }
                return entry.cloned().ok_or(false);
            }
        };
        match page {
            Ok(mut a) => {
                // The feed knows what the page may not say.
                if let Some(e) = entry {
                    a.title = a.title.or_else(|| e.title.clone());
                    a.date = a.date.or_else(|| e.date.clone());
                    if a.authors.is_empty() {
                        a.authors = e.authors.clone();
                    }
                }
                a.source = a
                    .source
                    .or_else(|| feed_title.map(str::to_string))
                    .or_else(|| storyline_core::url::outlet_from_url(link));
                Ok(a)
            }
            Err(reason) => match entry {
                Some(e) => {
                    eprintln!("note: {link}: {reason}; using the feed entry's text");
                    Ok(e.clone())
                }
                None => {
                    eprintln!("skipped {link}: {reason}");
                    Err(false)
                }
            },
        }
    }
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let list = std::fs::read_to_string(&args.feeds)
        .with_context(|| format!("reading the feed list {}", args.feeds.display()))?;
    let feeds = read_feed_list(&list);
    if feeds.is_empty() {
        return Err(CliError::Usage(format!(
            "{}: no feed URL found (one URL per line, or an OPML file)",
            args.feeds.display()
        ))
        .into());
    }
    let db = &args.db.db;
    if storyline_store::is_postgres_url(&db.to_string_lossy()) {
        return Err(CliError::Usage(format!(
            "watch keeps each feed's state (ETags, items seen) in a SQLite store and cannot watch into {}; \
             give a SQLite --db, or read the feeds with `storyline publish` for workers on PostgreSQL",
            storyline_store::redact_url(&db.to_string_lossy())
        ))
        .into());
    }
    let store = SqliteStore::open(db).with_context(|| format!("opening the store {}", db.display()))?;
    let index = SearchIndex::open(&SearchIndex::path_for_db(db)).context("opening the search index")?;
    let cfg = storyline_pipeline::pipeline_config()?;
    let streamer = load_streamer(&store, &cfg)?;
    let in_step_at = store.article_count()?;
    let fetch = FetchConfig {
        timeout: Duration::from_secs(args.timeout.max(1)),
        connect_timeout: Duration::from_secs(args.timeout.clamp(1, 10)),
        max_bytes: args.max_page_mb << 20,
        host_delay: Duration::from_millis(args.host_delay_ms),
        allow_private: args.allow_private,
        ..FetchConfig::default()
    };
    let mut w = Watcher { feeds, fetcher: Fetcher::new(fetch), store, index, streamer, in_step_at, cfg };
    let polls = if args.once { Some(1) } else { args.polls };
    let interval = Duration::from_secs(args.interval.max(1));
    let mut all_failed = true;
    let mut n = 0u64;
    loop {
        n += 1;
        let started = Instant::now();
        let p = w.poll()?;
        all_failed &= p.failed == p.feeds;
        eprintln!(
            "poll {n}: {} feeds ({} not modified, {} failed), {} new items: {} articles stored ({} duplicates), {} already stored; {} articles in {}",
            p.feeds,
            p.not_modified,
            p.failed,
            p.items,
            p.new,
            p.duplicates,
            p.already,
            w.store.article_count()?,
            db.display()
        );
        if polls.is_some_and(|max| n >= max) {
            break;
        }
        if let Some(rest) = interval.checked_sub(started.elapsed()) {
            std::thread::sleep(rest);
        }
    }
    if all_failed {
        anyhow::bail!("no feed could be read (see the messages above)");
    }
    Ok(())
}
