//! Tunable numbers of the analyze stage, each with its unit and reason.

/// Configuration of [`crate::analyze::analyze_text`] and the
/// [`crate::analyze::AliasRegistry`]. Defaults are tuned on the seed articles
/// and ECB+ news text.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalyzeConfig {
    /// Longest person name after a role cue, in tokens. Names rarely exceed
    /// four tokens; longer runs are usually an organisation.
    pub max_person_tokens: usize,
    /// Longest capitalised chunk, in tokens; longer runs are headlines or
    /// lists and are cut.
    pub max_entity_tokens: usize,
    /// A line whose letters are at least this share upper case (and has at
    /// least [`Self::caps_line_min_words`] words) is an all-caps headline or
    /// byline: no capitalised-span chunking there.
    pub caps_line_ratio: f32,
    /// See [`Self::caps_line_ratio`].
    pub caps_line_min_words: usize,
    /// Quotes with at most this many words are scare quotes (“ironclad”),
    /// not speech.
    pub scare_quote_max_words: usize,
    /// How far (chars) after a closing quote mark an attribution such as
    /// `, the ministry said` is looked for.
    pub speaker_window_after: usize,
    /// How far (chars) before an opening quote mark an attribution such as
    /// `Ahn said` is looked for (within the same sentence).
    pub speaker_window_before: usize,
    /// Cross-article alias registry: romanisation variants of a person's
    /// name are folded only if they share a role cue or at least this many
    /// co-occurring entities (never on string similarity alone).
    pub alias_min_shared_context: usize,
    /// Longest acronym definition looked for before `(ACRONYM)`, in words.
    pub acronym_max_words: usize,
}

impl Default for AnalyzeConfig {
    fn default() -> Self {
        AnalyzeConfig {
            max_person_tokens: 4,
            max_entity_tokens: 10,
            caps_line_ratio: 0.9,
            caps_line_min_words: 3,
            scare_quote_max_words: 3,
            speaker_window_after: 80,
            speaker_window_before: 200,
            alias_min_shared_context: 2,
            acronym_max_words: 8,
        }
    }
}
