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
}

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
        }
    }
}
