//! The fuzz targets: what one input is run through.

use std::io::Cursor;

use storyline_core::Origin;
use storyline_ingest::{Format, ReadEvent, ReaderConfig};

/// One thing fuzzed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Target {
    /// `.html` files: the extraction behind every HTML path.
    Html,
    /// `.warc` files.
    Warc,
    /// RSS, Atom, RDF and JSON feeds.
    Feed,
    /// JSON Lines.
    Jsonl,
    /// Plain text.
    Text,
    /// The search query parser.
    Query,
}

impl Target {
    pub const ALL: [Target; 6] = [Target::Html, Target::Warc, Target::Feed, Target::Jsonl, Target::Text, Target::Query];

    pub fn name(self) -> &'static str {
        match self {
            Target::Html => "html",
            Target::Warc => "warc",
            Target::Feed => "feed",
            Target::Jsonl => "jsonl",
            Target::Text => "text",
            Target::Query => "query",
        }
    }

    /// The extension of its finds (what the replaying tests read them as).
    pub fn extension(self) -> &'static str {
        match self {
            Target::Html => "html",
            Target::Warc => "warc",
            Target::Feed => "rss",
            Target::Jsonl => "jsonl",
            Target::Text => "txt",
            Target::Query => "query",
        }
    }

    /// Runs one input; a panic is a find (the caller catches it).
    pub fn run(self, bytes: &[u8]) {
        selftest(bytes);
        match self {
            // The reader runs the extraction every HTML path uses.
            Target::Html => read(Format::Html, bytes),
            Target::Warc => read(Format::Warc, bytes),
            Target::Feed => read(Format::Feed, bytes),
            Target::Jsonl => read(Format::Jsonl, bytes),
            Target::Text => read(Format::PlainText, bytes),
            Target::Query => query(bytes),
        }
    }
}

fn read(format: Format, bytes: &[u8]) {
    let origin = Origin { path: "fuzz".into(), line: None };
    format.reader().read(&mut Cursor::new(bytes), &origin, "fuzz", &ReaderConfig::default(), &mut |e| {
        if let ReadEvent::Article(a) = e {
            assert!(!a.id.is_empty(), "an article without an id");
        }
    });
}

/// Any query text is hits or a `BadQuery` (a 400), never another error (a
/// 500 with the engine's internals) or a panic.
fn query(bytes: &[u8]) {
    use storyline_store::{SearchError, SearchIndex, SearchQuery};
    static INDEX: std::sync::OnceLock<(tempfile::TempDir, SearchIndex)> = std::sync::OnceLock::new();
    let (_, idx) = INDEX.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let idx = SearchIndex::open(&SearchIndex::path_for_db(&dir.path().join("s.db"))).expect("an index");
        idx.add(&query_corpus()).expect("indexed");
        (dir, idx)
    });
    let q = SearchQuery { q: String::from_utf8_lossy(bytes).into_owned(), ..Default::default() };
    match idx.search(&q) {
        Ok(_) | Err(SearchError::BadQuery(_)) => {}
        Err(e) => panic!("{:?}: neither hits nor a bad query: {e}", q.q),
    }
}

fn query_corpus() -> Vec<storyline_store::StoredArticle> {
    use storyline_core::cluster::DocFeatures;
    use storyline_core::dedup::{signature, DedupConfig};
    use storyline_core::{Analysis, Article};
    [
        ("a", "Allies agree OPCON transfer", "Defense chiefs said wartime OPCON transfer would proceed.", "Yonhap", 1),
        (
            "b",
            "Security talks in Seoul",
            "Ahn Kyu-back met Hegseth. <script>alert(1)</script> & more",
            "Korea Herald",
            1,
        ),
        ("c", "Earthquake hits coast", "A strong earthquake struck the coast on Friday.", "AP", 2),
    ]
    .into_iter()
    .map(|(id, title, text, outlet, story)| {
        let article = Article {
            id: id.into(),
            title: title.into(),
            text: text.into(),
            published: chrono::NaiveDate::from_ymd_opt(2025, 11, 4),
            outlet: Some(outlet.into()),
            ..Default::default()
        };
        storyline_store::StoredArticle {
            signature: signature(&article, &DedupConfig::default()),
            article,
            analysis: Analysis::default(),
            features: DocFeatures::default(),
            duplicate: None,
            event: story * 10,
            story,
        }
    })
    .collect()
}

/// `STORYLINE_FUZZ_SELFTEST=panic|abort|stall` makes every target fail on
/// inputs holding a NUL byte, so the fuzzer's own find handling (panic,
/// dead process, stall) can be tested end to end (`tests/fuzz.rs`).
fn selftest(bytes: &[u8]) {
    static MODE: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    let Some(mode) = MODE.get_or_init(|| std::env::var("STORYLINE_FUZZ_SELFTEST").ok()) else { return };
    if !bytes.contains(&0) {
        return;
    }
    match mode.as_str() {
        "panic" => panic!("selftest: a NUL byte"),
        "abort" => std::process::abort(),
        "stall" => std::thread::sleep(std::time::Duration::from_secs(30)),
        _ => {}
    }
}
