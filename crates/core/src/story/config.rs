//! Tunable numbers of the story view, each with its unit and reason.

/// Configuration of [`super::build_view_with`]. Defaults are tuned on the
/// seed articles (`../shared/data/seeds-dated.jsonl`) and typical wire copy.
#[derive(Debug, Clone, PartialEq)]
pub struct StoryConfig {
    /// Sentences in the story summary.
    pub summary_sentences: usize,
    /// Sentences in each event summary.
    pub event_summary_sentences: usize,
    /// Shortest sentence (words) worth putting in a summary; shorter ones
    /// are captions, datelines or fragments.
    pub summary_min_words: usize,
    /// Longest sentence (words) put in a summary; longer ones are lists.
    pub summary_max_words: usize,
    /// A summary sentence is skipped when this share of its content words
    /// is already in the summary (redundancy).
    pub summary_max_redundancy: f32,
    /// Two sentences "say the same" when this share of the shorter one's
    /// content words is shared (used for agreement across sources).
    pub sentence_match_min: f32,
    /// Sentences with fewer content words never match another (too short
    /// to tell).
    pub sentence_match_min_words: usize,
    /// Weight of centrality (how typical a sentence's words are of the
    /// whole story) against agreement (how many other sources say it).
    pub centrality_weight: f32,
    /// Bonus of an article's first sentence; the k-th gets `lead_bonus / k`.
    /// News puts the essentials first.
    pub lead_bonus: f32,
    /// Longest headline (chars) made from a sentence when no title is known.
    pub headline_max_chars: usize,
    /// An event's date is the day its articles mention most within this
    /// many days of their publication (the meeting "on Nov. 4").
    pub event_date_window_days: i64,
    /// Timeline: two dated statements with the same date are the same fact
    /// when they share at least this many content words.
    pub timeline_merge_min_shared: usize,
    /// Timeline: a month-precision statement (`in September`) is folded into
    /// a day-precision one of that month (`on Sept. 24`) when they share at
    /// least this many content words.
    pub timeline_coarse_merge_min_shared: usize,
    /// Timeline texts longer than this (chars) are cut to the clause around
    /// the date.
    pub timeline_max_chars: usize,
    /// Words before a date expression searched for tense cues (`since`,
    /// `will`) when a bare month or weekday was resolved into the future
    /// of a past-tense clause.
    pub tense_window_words: usize,
    /// Read photo captions (removed from the main text) for dated
    /// statements: they often date past events (`on Oct. 30, 2024`).
    pub timeline_captions: bool,
    /// Amounts in these units below [`Self::fact_min_label_value`] name
    /// things (`57th SCM`, `70-year-old`), they are not facts.
    pub label_units: Vec<String>,
    /// See [`Self::label_units`].
    pub fact_min_label_value: f64,
    /// Relative difference under which two values of the same subject agree
    /// (0 = exact). 28,500 vs 28,000 is a conflict at the default.
    pub fact_value_tolerance: f64,
    /// Quotes are the same statement when this share of the shorter one's
    /// content words is shared.
    pub quote_match_min: f32,
    /// Most original articles whose text (sentences, dates, amounts, quotes)
    /// is folded into the summary, timeline, facts, variants and quotes: the
    /// most recent ones. Ranking sentences compares them across articles, so
    /// a story of thousands of articles (a long-running topic) would take
    /// minutes; events, entities and sources still cover every article, and
    /// the view says how many were folded (`articles_folded`, `truncated`).
    pub max_folded_articles: usize,
    /// Words of a headline made from an article's lead when its page gives
    /// no title ([`super::headline::lead_title`]).
    pub lead_title_words: usize,
    /// Timeline entries dated more than this many days before the story's
    /// first article are background (`the 1950-1953 Korean War`), listed
    /// apart; nearer ones are the run-up the coverage reports.
    pub background_margin_days: i64,
}

impl Default for StoryConfig {
    fn default() -> Self {
        StoryConfig {
            summary_sentences: 2,
            event_summary_sentences: 1,
            summary_min_words: 8,
            summary_max_words: 60,
            summary_max_redundancy: 0.5,
            sentence_match_min: 0.5,
            sentence_match_min_words: 3,
            centrality_weight: 1.0,
            lead_bonus: 0.6,
            headline_max_chars: 110,
            event_date_window_days: 14,
            timeline_merge_min_shared: 2,
            timeline_coarse_merge_min_shared: 3,
            timeline_max_chars: 260,
            tense_window_words: 5,
            timeline_captions: true,
            label_units: vec!["ordinal".into(), "years".into(), "year".into(), "percent".into()],
            fact_min_label_value: 1000.0,
            fact_value_tolerance: 0.0,
            quote_match_min: 0.7,
            max_folded_articles: 300,
            lead_title_words: 12,
            background_margin_days: 31,
        }
    }
}
