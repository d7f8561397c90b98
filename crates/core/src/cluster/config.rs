use super::model::JoinModel;

/// Tunable numbers of the event and story clusterer.
#[derive(Debug, Clone)]
pub struct ClusterConfig {
    /// How many times a title token counts against a body token: titles
    /// name the event, bodies wander.
    pub title_weight: f32,
    /// The body's first words (the lead) are read once more at this
    /// weight: the lead states the event, the tail is background.
    pub lead_weight: f32,
    /// How many words the lead is.
    pub lead_words: usize,
    /// Doc terms (by TF-IDF weight) used to look up candidate events.
    pub query_terms: usize,
    /// Most recent events scanned per posting list; bounds the cost per
    /// article as the archive grows (older events of a busy term are ones
    /// time decay would reject anyway).
    pub postings_scanned: usize,
    /// Candidate events fully scored per article.
    pub candidates: usize,
    /// Terms kept per event centroid (pruned by weight beyond twice this);
    /// bounds memory and scoring time of big events.
    pub max_event_terms: usize,
    /// Standard deviation of the short time kernel, in days (Miranda et al.
    /// use about 3 days for news events).
    pub time_sigma_days: f32,
    /// Standard deviation of the long time kernel, in days: follow-up
    /// coverage of one event over weeks.
    pub long_time_sigma_days: f32,
    /// The learned join-or-open model.
    pub model: JoinModel,
    /// Join the best candidate when the model's probability reaches this.
    /// 0.5 is the Bayes decision for the calibrated model.
    pub join_probability: f32,
    /// Story link: IDF-weighted cosine of entity names between a new event
    /// and an earlier one (the same actors and places).
    pub story_entity_cosine: f32,
    /// Story link: cosine of the term centroids (the same subject).
    pub story_term_cosine: f32,
    /// A page that talks to its reader (a guide, a product or service
    /// page: [`super::DocFeatures::addresses_reader`]) reports no event,
    /// so sharing a topic's words is no evidence of one: it joins an event
    /// (or an event of only such pages takes an article) only at this term
    /// cosine, nearly the same text.
    pub reader_page_join_cosine: f32,
    /// Days an event stays a join candidate after its latest article
    /// (by publication date; the clock is the second-latest date seen):
    /// a trial or a sentencing is reported months after the incident.
    /// After it the event leaves memory and the candidate index, so memory
    /// follows the news of the window, not the archive. `None` keeps every
    /// event (the training recipe does).
    pub active_days: Option<u32>,
    /// Days after its latest article an event stops linking stories on its
    /// own and is folded into its story's compact profile (it still takes
    /// late reports until `active_days`). A subject followed for months is
    /// a story of many events; one old event is a poor sample of it, the
    /// profile of all of them a good one (meantime-dev's story B3 F1: 0.475
    /// folding at 90 days, 0.352 folding only at 365). `None`: events fold
    /// only when they leave at `active_days`.
    pub story_fold_days: Option<u32>,
    /// Days a story whose events all went quiet can still be continued by
    /// a new event, through its compact profile. Annual meetings, trials
    /// and elections leave a year or more between events; the seeds' own
    /// gap is three years and eight months (2021-12 to 2025-07).
    pub story_memory_days: Option<u32>,
    /// Entity names and terms kept per quiet story's profile.
    pub story_profile_terms: usize,
}

/// Default [`ClusterConfig::active_days`]: late reports of an incident
/// (charges, a trial, a sentencing) come months later. gva-dev's 2,058
/// dated joins: 88 come over 90 days after the event's latest report, 23
/// over 365. Measured at 90/180/365 days/none: B3 F1 0.927/0.930/0.932/0.932,
/// pairwise F1 0.773/0.792/0.805/0.787; BENCHMARKS.md, "A stream that runs
/// for years".
pub const DEFAULT_ACTIVE_DAYS: u32 = 365;

/// Default [`ClusterConfig::story_fold_days`].
pub const DEFAULT_STORY_FOLD_DAYS: u32 = 90;

impl Default for ClusterConfig {
    fn default() -> Self {
        ClusterConfig {
            title_weight: 2.0,
            lead_weight: 1.0,
            lead_words: 75,
            query_terms: 16,
            postings_scanned: 128,
            candidates: 12,
            max_event_terms: 400,
            time_sigma_days: 3.0,
            long_time_sigma_days: 30.0,
            model: JoinModel::default(),
            join_probability: 0.5,
            story_entity_cosine: 0.18,
            story_term_cosine: 0.17,
            reader_page_join_cosine: 0.5,
            active_days: Some(DEFAULT_ACTIVE_DAYS),
            story_fold_days: Some(DEFAULT_STORY_FOLD_DAYS),
            story_memory_days: Some(5 * 365 + 1),
            // 32 lost the seeds' 2021-2025 link (term cosine 0.12, against
            // 0.19 with 64 and 0.22 with every term; the threshold is 0.17).
            story_profile_terms: 64,
        }
    }
}
