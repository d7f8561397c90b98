//! `storyline watch FEED...`: poll feeds on a schedule and ingest their new
//! articles into a store.
//!
//! Each argument is told apart before the first poll, and said: a feed URL,
//! a feed file (or its `file://` URL) read again at every poll, or a list
//! of feed URLs (one per line, or OPML).
//!
//! ```text
//! every --interval: for each feed
//!   conditional GET (saved ETag / Last-Modified) --304--> nothing to do
//!   (a feed file: unchanged size and modification time --> nothing to do)
//!   --200--> feed-rs entries --item URL not seen before--> GET the page
//!            (HTML extraction; the entry's own text when the page has no
//!            main text or could not be fetched, said on stderr; a page
//!            that is gone (404, 410) is not stored at all)
//!   then one ingest of all new articles (the shared pipeline: dedup,
//!   cluster, store, index), and only then items marked seen and
//!   validators saved, so a crash never loses an item.
//! ```
//!
//! The fetcher refuses private, loopback and link-local addresses unless
//! `--allow-private`, and keeps `--host-delay-ms` between two requests to
//! one host.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
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
    /// Feeds to watch, any mix of: a feed URL (`https://example.com/rss`);
    /// a feed file (RSS, Atom or JSON Feed) or its `file://` URL; a file
    /// listing feed URLs (one per line, `#` comments) or an OPML file.
    #[arg(value_name = "FEED", required = true, num_args = 1..)]
    pub feeds: Vec<String>,
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
    /// New articles made of their feed entry because the page failed.
    from_entry: usize,
}

/// One feed to poll.
#[derive(Debug, Clone, PartialEq, Eq)]
enum FeedSource {
    /// An http(s) URL, fetched with a conditional GET.
    Url(String),
    /// A local feed file, read again when its size or time changes.
    File(PathBuf),
}

impl FeedSource {
    /// The name its state (validators, items seen) is kept under, and
    /// messages use: the URL, or the file's `file://` URL.
    fn key(&self) -> String {
        match self {
            FeedSource::Url(u) => u.clone(),
            FeedSource::File(p) => url::Url::from_file_path(p)
                .map(|u| u.to_string())
                .unwrap_or_else(|()| format!("file://{}", p.display())),
        }
    }
}

/// A feed document as one poll read it: `None` body when not modified.
struct FeedDoc {
    body: Option<Vec<u8>>,
    /// Resolves relative item links (an http feed's URL after redirects).
    base: Option<String>,
    validators: Validators,
}

/// How the article of a new item was made.
enum ItemArticle {
    /// From its page (with what the feed adds).
    Page(RawArticle),
    /// From the feed entry: the page had no main text or failed.
    Entry(RawArticle),
    /// Nothing now; the item is tried again at the next poll.
    Retry,
    /// Nothing, ever (no text, or the page is gone): seen all the same.
    Drop,
}

/// A new item taken from a feed in this poll.
struct Item {
    feed: usize,
    key: String,
    article: RawArticle,
    from_entry: bool,
}

struct Watcher {
    feeds: Vec<FeedSource>,
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
        for (f, source) in self.feeds.clone().iter().enumerate() {
            let feed_url = source.key();
            let saved = self
                .store
                .feed_validators(&feed_url)?
                .map(|v| Validators { etag: v.etag, last_modified: v.last_modified });
            let doc = match self.read_feed(source, saved.as_ref()) {
                Ok(d) => d,
                Err(message) => {
                    poll.failed += 1;
                    eprintln!("skipped {message}");
                    continue;
                }
            };
            let Some(body) = doc.body else {
                poll.not_modified += 1;
                continue;
            };
            let origin = Origin { path: feed_url.clone(), line: None };
            let feed = match feed_to_articles(&body, &origin, &id_from_url(&feed_url), doc.base.as_deref()) {
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
                    ItemArticle::Page(article) => items.push(Item { feed: f, key, article, from_entry: false }),
                    ItemArticle::Entry(article) => items.push(Item { feed: f, key, article, from_entry: true }),
                    ItemArticle::Retry => retry = true,
                    ItemArticle::Drop => dropped.push((f, key)),
                }
            }
            if !retry {
                to_save[f] = Some(doc.validators);
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
            let entry_ids: HashSet<&str> =
                items.iter().filter(|i| i.from_entry).map(|i| i.article.id.as_str()).collect();
            poll.from_entry =
                report.outcomes.iter().filter(|o| o.status == Status::New && entry_ids.contains(o.id.as_str())).count();
        }
        // Stored: now the items are seen and the feeds' validators current.
        for (f, source) in self.feeds.iter().enumerate() {
            let feed_url = &source.key();
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

    /// The feed's document, unless unchanged since `saved`; `Err` is the
    /// message for a feed that could not be read.
    fn read_feed(&mut self, source: &FeedSource, saved: Option<&Validators>) -> Result<FeedDoc, String> {
        match source {
            FeedSource::Url(url) => {
                let resp = self.fetcher.get(url, saved).map_err(|e| e.to_string())?;
                let body = (!resp.not_modified()).then_some(resp.body);
                Ok(FeedDoc { body, base: Some(resp.url), validators: resp.validators })
            }
            FeedSource::File(path) => {
                let name = source.key();
                let meta = std::fs::metadata(path).map_err(|e| format!("{name}: {e}"))?;
                let modified = meta
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_nanos());
                // A file's "ETag": its size and modification time.
                let validators = Validators { etag: Some(format!("{}-{modified}", meta.len())), last_modified: None };
                if saved.is_some_and(|s| s.etag == validators.etag) {
                    return Ok(FeedDoc { body: None, base: None, validators });
                }
                let body = std::fs::read(path).map_err(|e| format!("{name}: {e}"))?;
                Ok(FeedDoc { body: Some(body), base: None, validators })
            }
        }
    }

    /// The article for a new item: its page when it has one that reads,
    /// else the entry's own text, said on stderr. A page that is gone (404,
    /// 410) gives nothing: what the feed still says of it is not stored.
    fn item_article(&mut self, item: &storyline_ingest::FeedItem, feed_title: Option<&str>) -> ItemArticle {
        let entry = item.article.as_ref().ok();
        let Some(link) = &item.link else {
            return entry.cloned().map_or(ItemArticle::Drop, ItemArticle::Page);
        };
        let origin = Origin { path: link.clone(), line: None };
        let page = match self.fetcher.get(link, None) {
            Ok(r) if is_html(r.content_type.as_deref(), &r.body) => {
                html_page_to_article(&r.body, r.content_type.as_deref(), link, &origin)
                    .map_err(|reason| reason.to_string())
            }
            Ok(r) => Err(format!("not an HTML page (Content-Type {})", r.content_type.as_deref().unwrap_or("unknown"))),
            Err(e) => return page_failed(&e, entry),
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
                ItemArticle::Page(a)
            }
            Err(reason) => match entry {
                Some(e) => {
                    eprintln!("note: {link}: {reason}; stored the feed entry's text instead");
                    ItemArticle::Entry(e.clone())
                }
                None => {
                    eprintln!("skipped {link}: {reason}");
                    ItemArticle::Drop
                }
            },
        }
    }
}

/// What to do with an item whose page could not be fetched, said on stderr:
/// try again later (network or server error), nothing (the page is gone,
/// or the entry has no text), or the entry's own text.
fn page_failed(e: &FetchError, entry: Option<&RawArticle>) -> ItemArticle {
    if matches!(e, FetchError::Transport { .. } | FetchError::Status { status: 500.., .. }) {
        eprintln!("skipped {e}; tried again at the next poll");
        return ItemArticle::Retry;
    }
    let gone = matches!(e, FetchError::Status { status: 404 | 410, .. });
    match entry {
        Some(entry) if !gone => {
            eprintln!("note: {e}; stored the feed entry's text instead of the page");
            ItemArticle::Entry(entry.clone())
        }
        Some(_) => {
            eprintln!("skipped {e}: the page is gone, so its feed entry is not stored");
            ItemArticle::Drop
        }
        None => {
            eprintln!("skipped {e}");
            ItemArticle::Drop
        }
    }
}

fn is_url(s: &str, scheme: &str) -> bool {
    s.len() > scheme.len() && s.get(..scheme.len()).is_some_and(|p| p.eq_ignore_ascii_case(scheme))
}

/// The local path of a `file://` URL.
fn file_url_path(arg: &str) -> Result<PathBuf, String> {
    url::Url::parse(arg)
        .ok()
        .and_then(|u| u.to_file_path().ok())
        .ok_or_else(|| format!("{arg}: not a file:// URL of a local file (like file:///home/me/feed.rss)"))
}

/// What one command-line argument is: the feeds it names and how to say
/// what it was taken for. `Err` says why it is none of them.
fn classify(arg: &str) -> Result<(Vec<FeedSource>, String), String> {
    if is_url(arg, "http://") || is_url(arg, "https://") {
        return Ok((vec![FeedSource::Url(arg.to_string())], "a feed URL".into()));
    }
    if is_url(arg, "file://") {
        let path = file_url_path(arg)?;
        return classify_file(arg, &path);
    }
    if arg.contains("://") {
        return Err(format!("{arg}: not a feed URL (http, https or file) nor a file"));
    }
    classify_file(arg, Path::new(arg))
}

/// A file argument: a feed (RSS, Atom, JSON Feed), else an OPML list,
/// else a list of feed URLs, one per line.
fn classify_file(arg: &str, path: &Path) -> Result<(Vec<FeedSource>, String), String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{arg}: cannot read it ({e})"))?;
    let origin = Origin { path: arg.to_string(), line: None };
    let not_feed = match feed_to_articles(&bytes, &origin, "", None) {
        Ok(feed) => {
            let title = feed.title.map(|t| format!("\"{t}\", ")).unwrap_or_default();
            let n = feed.items.len();
            let absolute = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
            return Ok((
                vec![FeedSource::File(absolute)],
                format!("a feed file ({title}{n} {}), read again at every poll", plural(n, "entry", "entries")),
            ));
        }
        Err(reason) => reason.to_string(),
    };
    let text = String::from_utf8_lossy(&bytes);
    let opml = text.contains("<opml");
    let lines = read_feed_list(&text);
    let mut feeds = Vec::with_capacity(lines.len());
    for line in &lines {
        if is_url(line, "http://") || is_url(line, "https://") {
            feeds.push(FeedSource::Url(line.clone()));
        } else if is_url(line, "file://") {
            feeds.push(FeedSource::File(file_url_path(line)?));
        } else {
            return Err(format!(
                "{arg}: not a feed ({not_feed}) nor a list of feed URLs ({line:?} is not an http, https or file URL)"
            ));
        }
    }
    if feeds.is_empty() {
        return Err(format!(
            "{arg}: no feed URL found (a feed file, a list of feed URLs one per line, or an OPML file)"
        ));
    }
    let n = feeds.len();
    let kind = if opml { "an OPML list" } else { "a list" };
    Ok((feeds, format!("{kind} of {n} feed {}", plural(n, "URL", "URLs"))))
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}

pub fn run(args: Args) -> anyhow::Result<()> {
    // Each argument told apart and said, before anything is fetched.
    let mut feeds: Vec<FeedSource> = Vec::new();
    for arg in &args.feeds {
        let (found, what) = classify(arg).map_err(CliError::Usage)?;
        eprintln!("watching {arg}: {what}");
        for f in found {
            if !feeds.contains(&f) {
                feeds.push(f);
            }
        }
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
        let from_entry = if p.from_entry > 0 {
            format!("; {} of them from the feed's text, the page failed", p.from_entry)
        } else {
            String::new()
        };
        let count = storyline_core::story::render::count;
        eprintln!(
            "poll {n}: {} ({} not modified, {} failed), {}: {} stored ({}{from_entry}), {} already stored; {} in {}",
            count(p.feeds, "feed", "feeds"),
            p.not_modified,
            p.failed,
            count(p.items, "new item", "new items"),
            count(p.new, "article", "articles"),
            count(p.duplicates, "duplicate", "duplicates"),
            p.already,
            count(usize::try_from(w.store.article_count()?).unwrap_or(usize::MAX), "article", "articles"),
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
