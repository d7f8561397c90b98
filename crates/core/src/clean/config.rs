//! The cleaner's tunable numbers, each with its unit and the reason for its
//! default. Word counts are UAX #29 words ([`crate::text::words`]); ratios
//! are shares in `0.0..=1.0`; positions are shares of the raw text's length.

/// Configuration of [`super::clean`].
#[derive(Debug, Clone, PartialEq)]
pub struct CleanConfig {
    /// Longest first line (words) still taken as a title. Headlines run to
    /// about 15 words; a longer first line is a lead sentence.
    pub title_max_words: usize,
    /// Longest first line (chars) still taken as a title; guards against a
    /// long unpunctuated first paragraph being taken for a headline.
    pub title_max_chars: usize,
    /// Shortest first line (words) taken as a title: a single word is more
    /// often a section label ("World") than a headline.
    pub title_min_words: usize,

    /// Longest upper-case line (words) kept as a sub-heading; longer
    /// upper-case text is shouting prose and stays body.
    pub heading_max_words: usize,

    /// Blocks this short (words) count as "short" for boilerplate scoring:
    /// widgets, pleas and prompts are one short line.
    pub short_block_max_words: usize,
    /// Blocks at least this long (words) with at least
    /// [`Self::long_prose_min_stopword_ratio`] stop words read as prose, which
    /// makes a boilerplate pattern inside them less conclusive. Notices and
    /// pleas are mostly under 15 words; a news sentence mostly over.
    pub long_prose_min_words: usize,
    /// Stop-word share from which a long block reads as prose (English prose
    /// scores about 0.4, navigation text near 0).
    pub long_prose_min_stopword_ratio: f32,

    /// A block is "content" when it has at least this many words, ends a
    /// sentence and has [`Self::content_min_stopword_ratio`] stop words; the
    /// tail is what follows the last content block.
    pub content_min_words: usize,
    /// Stop-word share from which a block reads as a sentence of content.
    pub content_min_stopword_ratio: f32,

    /// Share of the text (by position) after which every block is in the
    /// tail region, where page furniture is most likely.
    pub tail_fraction: f32,
    /// A strong boilerplate match located after this share of the text
    /// starts the tail region early (disclaimers and pleas come in a run at
    /// the end, often well before the last 20%).
    pub tail_anchor_min_fraction: f32,
    /// Unpunctuated blocks of at most this many words after the last content
    /// block are sign-offs ("The Chenab Times News Desk") and are removed.
    pub tail_fragment_max_words: usize,

    /// Score weight of a strong boilerplate pattern (conclusive on its own
    /// in a short block: "All rights reserved").
    pub strong_pattern_weight: f32,
    /// Score weight of a weak boilerplate pattern (needs a short block or
    /// the tail to be removed: "Read more", "one-time donation").
    pub weak_pattern_weight: f32,
    /// Score added in the tail region.
    pub tail_bonus: f32,
    /// Score added to a short block (see [`Self::short_block_max_words`]).
    pub short_bonus: f32,
    /// Score subtracted from a block that reads as long prose: an ordinary
    /// news paragraph that happens to say "all rights reserved".
    pub long_prose_penalty: f32,
    /// Score from which a block is removed as boilerplate. With the default
    /// weights: a strong pattern alone, a weak pattern in a short block or
    /// the tail, or a strong pattern in tail prose (a disclaimer) reach it;
    /// a mid-article prose paragraph never does.
    pub removal_threshold: f32,

    /// Navigation and widget lines have at least this many segments between
    /// separators (`|`, `•`, `·`) ...
    pub widget_min_segments: usize,
    /// ... of at most this many words on average.
    pub widget_max_segment_words: usize,

    /// Longest block (words) that can be a translation note; a longer
    /// paragraph that mentions AI translation is reporting about it.
    pub translation_note_max_words: usize,
    /// Longest block (words) that can be a wire-credit or feed-attribution
    /// line.
    pub wire_credit_max_words: usize,
    /// Most name words in a byline (`BY SHIM SEOK-YONG`); more is a sentence
    /// starting with "By".
    pub byline_max_words: usize,
    /// Longest block (words) taken as a photo caption; captions are one or
    /// two sentences.
    pub caption_max_words: usize,

    /// Fewest chars of cleaned text for language detection to be tried;
    /// below it whatlang guesses.
    pub language_min_chars: usize,
    /// Lowest whatlang confidence (0..1) accepted; below it the default
    /// language is used.
    pub language_min_confidence: f64,
    /// ISO 639-1 code used when the input gives none and detection is not
    /// confident: the corpus this was built for is English news.
    pub default_language: String,
    /// When a line an outlet repeats becomes its furniture.
    pub outlet_lines: super::OutletLinesConfig,
}

impl Default for CleanConfig {
    fn default() -> Self {
        CleanConfig {
            title_max_words: 20,
            title_max_chars: 200,
            title_min_words: 2,
            heading_max_words: 15,
            short_block_max_words: 12,
            long_prose_min_words: 15,
            long_prose_min_stopword_ratio: 0.3,
            content_min_words: 8,
            content_min_stopword_ratio: 0.2,
            tail_fraction: 0.8,
            tail_anchor_min_fraction: 0.5,
            tail_fragment_max_words: 8,
            strong_pattern_weight: 1.0,
            weak_pattern_weight: 0.6,
            tail_bonus: 0.4,
            short_bonus: 0.3,
            long_prose_penalty: 0.5,
            removal_threshold: 0.9,
            widget_min_segments: 3,
            widget_max_segment_words: 5,
            translation_note_max_words: 80,
            wire_credit_max_words: 40,
            byline_max_words: 8,
            caption_max_words: 80,
            language_min_chars: 40,
            language_min_confidence: 0.5,
            default_language: "en".to_string(),
            outlet_lines: super::OutletLinesConfig::default(),
        }
    }
}
