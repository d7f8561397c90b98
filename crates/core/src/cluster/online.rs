//! The online clusterer: one article at a time, in arrival order.

use serde::{Deserialize, Serialize};

use super::config::ClusterConfig;
use super::features::{nearest_day, DocFeatures};
use super::hashing::IdMap;
use super::model::{JOIN_ONLY, N_FEATURES};
use crate::window::WindowClock;

/// Where an article went.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Assignment {
    /// The event joined or opened (shown as `e{n}`).
    pub event: u32,
    /// The story of that event (shown as `s{n}`).
    pub story: u32,
    /// True when this article opened a new event.
    pub opened_event: bool,
    /// The model's probability for the chosen event (0 when opened).
    pub probability: f32,
}

/// An event's running profile: sums over its articles.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct EventState {
    /// Sum of members' sublinear term frequencies, each member's divided by
    /// its TF-IDF norm when it joined: every member counts equally, so one
    /// long background piece does not pull the centroid to its topic
    /// (measured: BENCHMARKS.md, "Events that are events", session 8).
    pub terms: IdMap<u64, f32>,
    pub entities: IdMap<u64, f32>,
    pub numbers: IdMap<u64, u32>,
    /// Sum and count of member publication days: the event's time is their
    /// mean. (A min..max range would widen with every member and let a
    /// chain of daily, unrelated events look simultaneous.)
    pub day_sum: i64,
    pub dated: u32,
    pub mentioned: Vec<i32>,
    pub size: u32,
    pub story: u32,
    /// Hash of the language of the event's first article.
    pub language: u64,
    /// Members that read as reports, not as pages talking to the reader.
    pub reports: u32,
    /// The profiles' IDF-weighted squared norms, cached: computing them
    /// walks the whole profile. Kept up to date as members are added (each
    /// added term under the IDF of that moment); `None` until first needed
    /// and after a prune.
    pub norms: Option<ProfileNorms>,
    /// Latest member day (an undated member counts as the clock's day when
    /// it joined): the event leaves the candidates `active_days` after it.
    pub last_day: Option<i32>,
    /// Folded into its story's profile (see
    /// [`ClusterConfig::story_fold_days`]): it links stories through the
    /// profile only, and still takes late reports.
    pub folded: bool,
}

/// What a story whose events all went quiet keeps in memory, so a new
/// event can still continue it: its heaviest names and terms, each quiet
/// event counting equally. Compared like an event profile (raw sums, IDF
/// applied at comparison).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct StoryProfile {
    pub terms: Vec<(u64, f32)>,
    pub entities: Vec<(u64, f32)>,
    pub last_day: i32,
    pub language: u64,
    pub reports: u32,
}

/// Squared norms of an event's profiles, computed in full under the IDF of
/// `at_docs` documents and updated incrementally since.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub(crate) struct ProfileNorms {
    pub at_docs: u32,
    pub terms_sq: f32,
    pub entities_sq: f32,
}

impl ProfileNorms {
    fn terms(&self) -> f32 {
        self.terms_sq.max(0.0).sqrt()
    }
    fn entities(&self) -> f32 {
        self.entities_sq.max(0.0).sqrt()
    }
}

/// A cached norm is recomputed once the corpus has grown by this share
/// since: IDF drifts slowly, and a fixed rule keeps runs deterministic.
const NORM_REFRESH_GROWTH: u32 = 20; // 1/20 = 5%

/// A document's weighted, normalised vectors under the current IDF.
pub(crate) struct DocVectors {
    pub terms: Vec<(u64, f32)>,
    pub entities: Vec<(u64, f32)>,
    /// TF-IDF norms before normalising (see [`EventState::terms`]).
    terms_norm: f32,
    entities_norm: f32,
    /// The same weights times the term's IDF once more: a profile holds raw
    /// sums, so its cosine with the doc is `sum(w * idf * c) / norm`, and the
    /// IDF is looked up once per doc instead of once per candidate.
    terms_idf: Vec<(u64, f32)>,
    entities_idf: Vec<(u64, f32)>,
    /// The doc's `MISSING_ENTITY_TOP` heaviest names, heaviest first.
    top_entities: Vec<(u64, f32)>,
    /// Hash of the doc's language: candidates are events of the same one.
    language: u64,
    /// The doc talks to its reader ([`DocFeatures::addresses_reader`]).
    addresses_reader: bool,
}

/// Online event and story clusterer. Deterministic: the same articles in
/// the same order give the same labels in every process. Serialisable
/// without its configuration, which [`Clusterer::with_config`] puts back.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Clusterer {
    #[serde(skip)]
    cfg: ClusterConfig,
    /// Running document frequencies, seeded with the background table
    /// scaled to `prior_docs` documents (see [`super::background`]).
    df: IdMap<u64, f32>,
    n_docs: u32,
    prior_docs: f32,
    /// Events still taking articles (see [`ClusterConfig::active_days`]).
    pub(crate) events: IdMap<u32, EventState>,
    next_event: u32,
    postings: IdMap<u64, Vec<u32>>,
    n_stories: u32,
    /// Time for the window, whatever the order of arrival.
    clock: WindowClock<i32>,
    swept_at: Option<i32>,
    /// Quiet stories (every event gone quiet) that a new event may still
    /// continue, and the terms that find them.
    quiet_stories: IdMap<u32, StoryProfile>,
    story_postings: IdMap<u64, Vec<u32>>,
    /// Profiles forgotten since `story_postings` was last compacted.
    stale_story_postings: usize,
    /// Every article seen lately, as one profile: the background an
    /// event's similarity is measured against.
    #[serde(default)]
    stream: StreamProfile,
    /// Whether the join model weighs the join-only features (margins and
    /// stream cosines); when it gives them no weight they are not computed
    /// (the stream profile costs about a fifth of the clustering time).
    #[serde(skip)]
    join_only_features: bool,
}

/// A running profile of all articles, recent ones weighing more (each
/// article enters at `1 + ln 2 / STREAM_HALF_LIFE` times the previous one's
/// weight instead of old ones shrinking: cosines do not see the scale),
/// pruned to its heaviest entries so memory stays flat.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct StreamProfile {
    terms: IdMap<u64, f32>,
    entities: IdMap<u64, f32>,
    /// Weight of the next article.
    weight: f32,
}

/// Articles after which an article's share of the stream profile halves.
const STREAM_HALF_LIFE: f32 = 500.0;
/// Entries kept per stream profile (pruned beyond twice this).
const STREAM_TERMS: usize = 2000;

/// How many of an article's heaviest names `entity_missing` looks at: the
/// few that say who and where, not every capitalised word.
const MISSING_ENTITY_TOP: usize = 8;

fn sublinear(count: f32) -> f32 {
    if count <= 0.0 {
        0.0
    } else if count == 1.0 {
        // Most terms occur once: skip the logarithm (ln 1 = 0).
        1.0
    } else {
        1.0 + count.ln().max(0.0)
    }
}

/// Standard deviation, in days, of the kernel that tells a same-day report
/// (one incident, reported as it happens) from one two days later (often
/// the next event of the same subject): exp(-2) = 0.14 at two days.
const SAME_DAY_SIGMA_DAYS: f32 = 1.0;

fn gaussian(gap_days: f32, sigma: f32) -> f32 {
    (-(gap_days * gap_days) / (2.0 * sigma * sigma)).exp()
}

impl Clusterer {
    /// A clusterer with no event yet.
    pub fn new(cfg: ClusterConfig) -> Self {
        let prior_docs = cfg.model.background_docs.max(0.0);
        let df = if prior_docs > 0.0 {
            super::background::shares().iter().map(|(&t, &s)| (t, s * prior_docs)).collect()
        } else {
            IdMap::default()
        };
        Clusterer {
            df,
            n_docs: 0,
            prior_docs,
            events: IdMap::default(),
            next_event: 0,
            postings: IdMap::default(),
            n_stories: 0,
            clock: WindowClock::default(),
            swept_at: None,
            quiet_stories: IdMap::default(),
            story_postings: IdMap::default(),
            stale_story_postings: 0,
            stream: StreamProfile::default(),
            join_only_features: weighs_join_only_features(&cfg),
            cfg,
        }
    }

    /// Documents the IDF counts: those seen plus the background's prior.
    fn docs_for_idf(&self) -> f32 {
        self.n_docs as f32 + self.prior_docs
    }

    /// The same state under `cfg` (after deserialising).
    pub fn with_config(self, cfg: ClusterConfig) -> Self {
        Clusterer { join_only_features: weighs_join_only_features(&cfg), cfg, ..self }
    }

    /// Computes the join-only features whatever the model weighs (training
    /// learns their weights).
    pub(crate) fn with_join_only_features(self) -> Self {
        Clusterer { join_only_features: true, ..self }
    }

    /// The settings it was made with.
    pub fn config(&self) -> &ClusterConfig {
        &self.cfg
    }

    /// Events opened so far (active or gone quiet).
    pub fn event_count(&self) -> usize {
        self.next_event as usize
    }

    /// Events still taking articles: what memory holds.
    pub fn active_event_count(&self) -> usize {
        self.events.len()
    }

    /// Quiet stories whose profiles memory holds.
    pub fn quiet_story_count(&self) -> usize {
        self.quiet_stories.len()
    }

    /// Stories opened so far.
    pub fn story_count(&self) -> u32 {
        self.n_stories
    }

    /// Story of an event.
    pub fn story_of(&self, event: u32) -> Option<u32> {
        self.events.get(&event).map(|e| e.story)
    }

    pub(crate) fn idf(&self, term: u64) -> f32 {
        idf_of(&self.df, self.docs_for_idf(), term)
    }

    pub(crate) fn observe_frequencies_pub(&mut self, doc: &DocFeatures) {
        self.observe_frequencies(doc)
    }

    fn observe_frequencies(&mut self, doc: &DocFeatures) {
        self.n_docs += 1;
        for &(t, _) in doc.terms.iter().chain(doc.entities.iter()) {
            *self.df.entry(t).or_insert(0.0) += 1.0;
        }
    }

    /// Normalised TF-IDF vector of `items`, and its norm before.
    fn weigh(&self, items: &[(u64, f32)]) -> (Vec<(u64, f32)>, f32) {
        let mut v: Vec<(u64, f32)> = items.iter().map(|&(t, c)| (t, sublinear(c) * self.idf(t))).collect();
        let norm = v.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
        if norm > 0.0 {
            for (_, w) in &mut v {
                *w /= norm;
            }
        }
        (v, norm)
    }

    pub(crate) fn vectors(&self, doc: &DocFeatures) -> DocVectors {
        let (terms, terms_norm) = self.weigh(&doc.terms);
        let (entities, entities_norm) = self.weigh(&doc.entities);
        let with_idf = |v: &[(u64, f32)]| v.iter().map(|&(t, w)| (t, w * self.idf(t))).collect();
        let mut top_entities = entities.clone();
        keep_heaviest(&mut top_entities, MISSING_ENTITY_TOP);
        DocVectors {
            terms_idf: with_idf(&terms),
            entities_idf: with_idf(&entities),
            terms,
            entities,
            terms_norm,
            entities_norm,
            top_entities,
            language: language_hash(&doc.language),
            addresses_reader: doc.addresses_reader(),
        }
    }

    /// Cosine of a normalised doc vector (its weights times IDF, see
    /// [`DocVectors`]) with an event's summed profile; `norm` is the
    /// profile's weighted norm when cached (see [`Self::refresh_norms`]).
    fn cosine(&self, doc_idf: &[(u64, f32)], profile: &IdMap<u64, f32>, norm: Option<f32>) -> f32 {
        if doc_idf.is_empty() || profile.is_empty() {
            return 0.0;
        }
        let norm = norm.unwrap_or_else(|| self.profile_norm_sq(profile).sqrt());
        if norm <= 0.0 {
            return 0.0;
        }
        let dot: f32 = doc_idf.iter().filter_map(|&(t, wi)| profile.get(&t).map(|&c| wi * c)).sum();
        dot / norm
    }

    fn profile_norm_sq(&self, profile: &IdMap<u64, f32>) -> f32 {
        let mut sum = 0.0f32;
        for (&t, &c) in profile {
            let w = c * self.idf(t);
            sum += w * w;
        }
        sum
    }

    #[cfg(test)]
    pub(crate) fn profile_norm_sq_for_tests(&self, profile: &IdMap<u64, f32>) -> f32 {
        self.profile_norm_sq(profile)
    }

    /// Computes the profile norms of `events` where missing or stale.
    pub(crate) fn refresh_norms(&mut self, events: &[u32]) {
        let now = self.n_docs;
        for &e in events {
            let ev = &self.events[&e];
            let fresh = ev.norms.is_some_and(|n| now <= n.at_docs + n.at_docs / NORM_REFRESH_GROWTH);
            if !fresh {
                let norms = ProfileNorms {
                    at_docs: now,
                    terms_sq: self.profile_norm_sq(&ev.terms),
                    entities_sq: self.profile_norm_sq(&ev.entities),
                };
                if let Some(ev) = self.events.get_mut(&e) {
                    ev.norms = Some(norms);
                }
            }
        }
    }

    /// The model's inputs for a doc against one event.
    pub(crate) fn pair_features(&self, doc: &DocFeatures, vecs: &DocVectors, ev: &EventState) -> [f32; N_FEATURES] {
        let term_cos = self.cosine(&vecs.terms_idf, &ev.terms, ev.norms.map(|n| n.terms()));
        let ent_cos = self.cosine(&vecs.entities_idf, &ev.entities, ev.norms.map(|n| n.entities()));
        let (num_overlap, has_numbers) = if doc.numbers.is_empty() {
            (0.0, 0.0)
        } else {
            let shared = doc.numbers.iter().filter(|n| ev.numbers.contains_key(n)).count();
            (shared as f32 / doc.numbers.len() as f32, 1.0)
        };
        let event_day = (ev.dated > 0).then(|| (ev.day_sum as f64 / ev.dated as f64).round() as i32);
        let doc_day = doc.day.or_else(|| {
            let (m, d) = doc.dateline_month_day?;
            nearest_day(m, d, event_day?)
        });
        let (known, short, same_day, long) = match (doc_day, event_day) {
            (Some(d), Some(e)) => {
                let gap = (d - e).abs() as f32;
                (
                    1.0,
                    gaussian(gap, self.cfg.time_sigma_days),
                    gaussian(gap, SAME_DAY_SIGMA_DAYS),
                    gaussian(gap, self.cfg.long_time_sigma_days),
                )
            }
            _ => (0.0, 0.0, 0.0, 0.0),
        };
        let entity_missing = {
            let top = &vecs.top_entities;
            let total: f32 = top.iter().map(|t| t.1).sum();
            let missing: f32 = top.iter().filter(|t| !ev.entities.contains_key(&t.0)).map(|t| t.1).sum();
            if total > 0.0 {
                missing / total
            } else {
                0.0
            }
        };
        let mentioned = doc.mentioned_days.iter().any(|d| ev.mentioned.binary_search(d).is_ok()) as u8 as f32;
        [
            term_cos,
            ent_cos,
            term_cos * (1.0 - known),
            ent_cos * (1.0 - known),
            term_cos * ent_cos,
            num_overlap,
            has_numbers,
            known,
            short,
            long,
            term_cos * same_day,
            term_cos * mentioned,
            mentioned * (1.0 - known),
            entity_missing,
            // Join-only features, set by `best_candidate`.
            0.0,
            0.0,
            0.0,
            0.0,
        ]
    }

    /// Candidate events for a doc: those sharing its most telling terms,
    /// ranked by the summed weight of shared query terms.
    pub(crate) fn candidates(&self, vecs: &DocVectors) -> Vec<u32> {
        let same_language = |e: u32| self.events.get(&e).is_some_and(|ev| ev.language == vecs.language);
        self.ranked_by_shared_terms(vecs, &self.postings, same_language)
    }

    /// Ids from `postings` (events, or quiet stories) that `accept`s, found
    /// through the doc's most telling terms and ranked by the summed weight
    /// of the terms they share with it, the best `candidates` kept.
    fn ranked_by_shared_terms(
        &self,
        vecs: &DocVectors,
        postings: &IdMap<u64, Vec<u32>>,
        accept: impl Fn(u32) -> bool,
    ) -> Vec<u32> {
        let mut query: Vec<(u64, f32)> = vecs.terms.iter().chain(vecs.entities.iter()).copied().collect();
        keep_heaviest(&mut query, self.cfg.query_terms);
        let mut score: IdMap<u32, f32> = IdMap::default();
        for (t, w) in query {
            if let Some(list) = postings.get(&t) {
                let from = list.len().saturating_sub(self.cfg.postings_scanned);
                let mut last = u32::MAX;
                for &id in &list[from..] {
                    if id != last && accept(id) {
                        *score.entry(id).or_insert(0.0) += w;
                    }
                    last = id;
                }
            }
        }
        let mut ranked: Vec<(u32, f32)> = score.into_iter().collect();
        keep_heaviest(&mut ranked, self.cfg.candidates);
        ranked.into_iter().map(|(id, _)| id).collect()
    }

    /// The candidate the ranking model likes best, with its features.
    pub(crate) fn best_candidate(
        &self,
        doc: &DocFeatures,
        vecs: &DocVectors,
        candidates: &[u32],
    ) -> Option<(u32, [f32; N_FEATURES])> {
        let mut best: Option<(u32, [f32; N_FEATURES], f32)> = None;
        // The two highest term and name cosines among all candidates.
        let (mut terms_top, mut entities_top) = ([0.0f32; 2], [0.0f32; 2]);
        let push = |top: &mut [f32; 2], v: f32| {
            if v > top[0] {
                top[1] = top[0];
                top[0] = v;
            } else if v > top[1] {
                top[1] = v;
            }
        };
        for &e in candidates {
            let x = self.pair_features(doc, vecs, &self.events[&e]);
            push(&mut terms_top, x[0]);
            push(&mut entities_top, x[1]);
            let score = self.cfg.model.rank.probability(&x);
            if best.as_ref().is_none_or(|b| score > b.2) {
                best = Some((e, x, score));
            }
        }
        best.map(|(e, mut x, _)| {
            if !self.join_only_features {
                return (e, x);
            }
            // The best other candidate: the runner-up when this one holds
            // the top cosine, else the top.
            let other = |top: [f32; 2], v: f32| if v >= top[0] { top[1] } else { top[0] };
            x[JOIN_ONLY] = x[0] - other(terms_top, x[0]);
            x[JOIN_ONLY + 1] = x[1] - other(entities_top, x[1]);
            x[JOIN_ONLY + 2] = self.cosine(&vecs.terms_idf, &self.stream.terms, None);
            x[JOIN_ONLY + 3] = self.cosine(&vecs.entities_idf, &self.stream.entities, None);
            (e, x)
        })
    }

    /// Adds an article to the stream profile, after it was decided (an
    /// article is not its own background).
    pub(crate) fn observe_stream(&mut self, vecs: &DocVectors) {
        if !self.join_only_features {
            return;
        }
        let s = &mut self.stream;
        if s.weight <= 0.0 {
            s.weight = 1.0;
        }
        for (profile, items) in [(&mut s.terms, &vecs.terms), (&mut s.entities, &vecs.entities)] {
            for &(t, w) in items {
                *profile.entry(t).or_insert(0.0) += w * s.weight;
            }
            if profile.len() > 2 * STREAM_TERMS {
                let mut v: Vec<(u64, f32)> = profile.drain().collect();
                keep_heaviest(&mut v, STREAM_TERMS);
                profile.extend(v);
            }
        }
        s.weight *= 1.0 + std::f32::consts::LN_2 / STREAM_HALF_LIFE;
        // Cosines do not see the scale: bring it back before floats lose it.
        if s.weight > 1e6 {
            for v in s.terms.values_mut().chain(s.entities.values_mut()) {
                *v /= s.weight;
            }
            s.weight = 1.0;
        }
    }

    /// Assign one article (in arrival order) to an event and a story.
    pub fn assign(&mut self, doc: &DocFeatures) -> Assignment {
        self.observe_frequencies(doc);
        self.advance_clock(doc.day);
        let vecs = self.vectors(doc);
        let candidates = self.candidates(&vecs);
        self.refresh_norms(&candidates);
        let best = self
            .best_candidate(doc, &vecs, &candidates)
            .filter(|&(e, x)| self.has_event_evidence(&vecs, &self.events[&e], x[0]))
            .map(|(e, x)| (e, self.cfg.model.join.probability(&x)));
        if let Some((event, p)) = best.filter(|&(_, p)| p >= self.cfg.join_probability) {
            self.add_to_event(event, doc, &vecs);
            self.observe_stream(&vecs);
            return Assignment { event, story: self.events[&event].story, opened_event: false, probability: p };
        }
        let story = self.link_story(&vecs, &candidates).unwrap_or_else(|| {
            self.n_stories += 1;
            self.n_stories - 1
        });
        let event = self.open_event(story);
        self.add_to_event(event, doc, &vecs);
        self.observe_stream(&vecs);
        Assignment { event, story, opened_event: true, probability: 0.0 }
    }

    /// Whether joining `ev` can be about one event at all: a page that
    /// talks to its reader and an event of only such pages share a topic,
    /// not an event, unless the text is nearly the same. Either side alone
    /// is not enough: a news event may open with a reader-facing piece
    /// (measured: gating on either side costs ecbplus-dev 0.024 B3 F1).
    fn has_event_evidence(&self, vecs: &DocVectors, ev: &EventState, term_cosine: f32) -> bool {
        !(vecs.addresses_reader && ev.reports == 0) || term_cosine >= self.cfg.reader_page_join_cosine
    }

    /// Story of the earlier event a new event continues, if any: it must
    /// share distinctive names (actors, places) and subject. A page that
    /// talks to its reader continues no story of such pages.
    fn link_story(&self, vecs: &DocVectors, candidates: &[u32]) -> Option<u32> {
        let mut best: Option<(u32, f32)> = None;
        for &e in candidates {
            let ev = &self.events[&e];
            // A folded event speaks through its story's profile.
            if ev.folded || (vecs.addresses_reader && ev.reports == 0) {
                continue;
            }
            let ent = self.cosine(&vecs.entities_idf, &ev.entities, ev.norms.map(|n| n.entities()));
            let term = self.cosine(&vecs.terms_idf, &ev.terms, ev.norms.map(|n| n.terms()));
            if ent >= self.cfg.story_entity_cosine && term >= self.cfg.story_term_cosine {
                let s = ent + term;
                if best.is_none_or(|(_, bs)| s > bs) {
                    best = Some((ev.story, s));
                }
            }
        }
        for (story, s) in self.quiet_story_links(vecs) {
            if best.is_none_or(|(_, bs)| s > bs) {
                best = Some((story, s));
            }
        }
        best.map(|(story, _)| story)
    }

    /// Quiet stories a new event may continue, with their link scores
    /// (under the same thresholds as an active event's story).
    fn quiet_story_links(&self, vecs: &DocVectors) -> Vec<(u32, f32)> {
        if self.quiet_stories.is_empty() {
            return Vec::new();
        }
        let same_language = |s: u32| self.quiet_stories.get(&s).is_some_and(|p| p.language == vecs.language);
        let ranked = self.ranked_by_shared_terms(vecs, &self.story_postings, same_language);
        let mut links = Vec::new();
        for story in ranked {
            let p = &self.quiet_stories[&story];
            if vecs.addresses_reader && p.reports == 0 {
                continue;
            }
            let ent = self.cosine_with_list(&vecs.entities_idf, &p.entities);
            let term = self.cosine_with_list(&vecs.terms_idf, &p.terms);
            if ent >= self.cfg.story_entity_cosine && term >= self.cfg.story_term_cosine {
                links.push((story, ent + term));
            }
        }
        links
    }

    /// [`Self::cosine`] against a profile held as a short list.
    fn cosine_with_list(&self, doc_idf: &[(u64, f32)], profile: &[(u64, f32)]) -> f32 {
        let norm = profile.iter().map(|&(t, c)| (c * self.idf(t)).powi(2)).sum::<f32>().sqrt();
        if norm <= 0.0 || doc_idf.is_empty() {
            return 0.0;
        }
        let dot: f32 = doc_idf.iter().filter_map(|&(t, wi)| profile.iter().find(|p| p.0 == t).map(|p| wi * p.1)).sum();
        dot / norm
    }

    /// Counts `day` on the clock (see [`WindowClock`]) and lets events
    /// that went quiet leave the candidates, once per new day.
    fn advance_clock(&mut self, day: Option<i32>) {
        if let Some(d) = day {
            self.clock.observe(d);
        }
        let Some(clock) = self.clock.now() else { return };
        if self.swept_at == Some(clock) {
            return;
        }
        self.swept_at = Some(clock);
        let cutoff = |days: Option<u32>| days.map(|d| clock.saturating_sub(d as i32));
        let (fold_before, leave_before) = (cutoff(self.cfg.story_fold_days), cutoff(self.cfg.active_days));
        if fold_before.is_some() || leave_before.is_some() {
            let mut fold: Vec<u32> = Vec::new();
            let mut leave: Vec<u32> = Vec::new();
            for (&e, ev) in self.events.iter_mut() {
                let last = *ev.last_day.get_or_insert(clock);
                if leave_before.is_some_and(|c| last < c) {
                    leave.push(e);
                } else if !ev.folded && fold_before.is_some_and(|c| last < c) {
                    fold.push(e);
                }
            }
            // Folding order decides float sums: keep it fixed.
            fold.sort_unstable();
            leave.sort_unstable();
            for e in fold {
                // A copy, so the map's layout (and every later iteration
                // over it) is the same as without folding.
                let ev = self.events[&e].clone();
                self.keep_story_profile(&ev);
                if let Some(ev) = self.events.get_mut(&e) {
                    ev.folded = true;
                }
            }
            if !leave.is_empty() {
                for e in leave {
                    if let Some(ev) = self.events.remove(&e) {
                        if !ev.folded {
                            self.keep_story_profile(&ev);
                        }
                    }
                }
                let events = &self.events;
                self.postings.retain(|_, list| {
                    list.retain(|e| events.contains_key(e));
                    !list.is_empty()
                });
            }
        }
        if let Some(days) = self.cfg.story_memory_days {
            let cutoff = clock.saturating_sub(days as i32);
            let before = self.quiet_stories.len();
            self.quiet_stories.retain(|_, p| p.last_day >= cutoff);
            self.stale_story_postings += before - self.quiet_stories.len();
            // Compacted once forgotten profiles could hold half the lists.
            if self.stale_story_postings > 0 && self.stale_story_postings >= self.quiet_stories.len() {
                let stories = &self.quiet_stories;
                self.story_postings.retain(|_, list| {
                    list.retain(|s| stories.contains_key(s));
                    !list.is_empty()
                });
                self.stale_story_postings = 0;
            }
        }
    }

    /// Folds a quiet event into its story's compact profile: its profile
    /// scaled to unit IDF-weighted norm (each event counts equally), the
    /// heaviest entries kept.
    fn keep_story_profile(&mut self, ev: &EventState) {
        let k = self.cfg.story_profile_terms;
        let fold = |into: &mut Vec<(u64, f32)>, from: &IdMap<u64, f32>, this: &Self| {
            let norm = this.profile_norm_sq(from).sqrt();
            if norm <= 0.0 {
                return;
            }
            let mut merged: IdMap<u64, f32> = into.iter().copied().collect();
            for (&t, &c) in from {
                *merged.entry(t).or_insert(0.0) += c / norm;
            }
            let mut weighted: Vec<(u64, f32)> = merged.iter().map(|(&t, &c)| (t, c * this.idf(t))).collect();
            keep_heaviest(&mut weighted, k);
            *into = weighted.into_iter().map(|(t, _)| (t, merged[&t])).collect();
        };
        let mut profile = self.quiet_stories.remove(&ev.story).unwrap_or_else(|| StoryProfile {
            language: ev.language,
            last_day: i32::MIN,
            ..Default::default()
        });
        // Keys already posted for this story are not posted again (a story
        // whose events go quiet one by one would fill its lists).
        let posted: std::collections::HashSet<u64> =
            profile.terms.iter().chain(profile.entities.iter()).map(|&(t, _)| t).collect();
        fold(&mut profile.terms, &ev.terms, self);
        fold(&mut profile.entities, &ev.entities, self);
        profile.last_day = profile.last_day.max(ev.last_day.unwrap_or(i32::MIN));
        profile.reports += ev.reports;
        for &(t, _) in profile.terms.iter().chain(profile.entities.iter()) {
            if !posted.contains(&t) {
                self.story_postings.entry(t).or_default().push(ev.story);
            }
        }
        self.quiet_stories.insert(ev.story, profile);
    }

    pub(crate) fn open_event(&mut self, story: u32) -> u32 {
        let event = self.next_event;
        self.next_event += 1;
        self.events.insert(event, EventState { story, ..Default::default() });
        event
    }

    pub(crate) fn add_to_event(&mut self, event: u32, doc: &DocFeatures, vecs: &DocVectors) {
        let max_terms = self.cfg.max_event_terms;
        let (df, n_docs) = (&self.df, self.docs_for_idf());
        let clock = self.clock.now();
        let ev = self.events.get_mut(&event).expect("an active event");
        if ev.size == 0 {
            ev.language = vecs.language;
        }
        ev.size += 1;
        ev.reports += !vecs.addresses_reader as u32;
        // Keeps cached squared norms current: each changed sum moves the
        // square of its weighted entry.
        let add = |profile: &mut IdMap<u64, f32>, items: &[(u64, f32)], doc_norm: f32, norm_sq: Option<&mut f32>| {
            let mut delta = 0.0f32;
            let scale = if doc_norm > 0.0 { 1.0 / doc_norm } else { 0.0 };
            for &(t, c) in items {
                let sum = profile.entry(t).or_insert(0.0);
                let old = *sum;
                *sum += sublinear(c) * scale;
                let idf = idf_of(df, n_docs, t);
                delta += (*sum * *sum - old * old) * idf * idf;
            }
            if let Some(sq) = norm_sq {
                *sq += delta;
            }
        };
        let mut norms = ev.norms;
        add(&mut ev.terms, &doc.terms, vecs.terms_norm, norms.as_mut().map(|n| &mut n.terms_sq));
        add(&mut ev.entities, &doc.entities, vecs.entities_norm, norms.as_mut().map(|n| &mut n.entities_sq));
        ev.norms = norms;
        for &n in &doc.numbers {
            *ev.numbers.entry(n).or_insert(0) += 1;
        }
        if let Some(d) = doc.day {
            ev.day_sum += d as i64;
            ev.dated += 1;
        }
        if let Some(d) = doc.day.or(clock) {
            ev.last_day = Some(ev.last_day.map_or(d, |l| l.max(d)));
        }
        for &d in doc.mentioned_days.iter().chain(doc.day.iter()) {
            if let Err(i) = ev.mentioned.binary_search(&d) {
                ev.mentioned.insert(i, d);
            }
        }
        // Pruned entries leave the norms too (under today's IDF).
        let pruned_terms = prune(&mut ev.terms, max_terms, df, n_docs);
        let pruned_entities = prune(&mut ev.entities, max_terms, df, n_docs);
        if let Some(n) = &mut ev.norms {
            n.terms_sq -= pruned_terms;
            n.entities_sq -= pruned_entities;
        }
        // Index the doc's heaviest terms: the ones later queries will use.
        let mut keys: Vec<(u64, f32)> = vecs.terms.iter().chain(vecs.entities.iter()).copied().collect();
        keep_heaviest(&mut keys, self.cfg.query_terms * 2);
        for (t, _) in keys {
            let list = self.postings.entry(t).or_default();
            if list.last() != Some(&event) {
                list.push(event);
            }
        }
    }

    /// Re-adds an article whose event and story were decided earlier (when
    /// a store reloads its state), without deciding again.
    pub fn restore(&mut self, doc: &DocFeatures, event: u32, story: u32) {
        self.observe_frequencies(doc);
        self.advance_clock(doc.day);
        // Replayed in arrival order, an event is active when its articles
        // come, as it was when they were decided; one restored after it
        // went quiet (another order or window) restarts from this article.
        self.events.entry(event).or_insert_with(|| EventState { story, ..Default::default() }).story = story;
        self.next_event = self.next_event.max(event + 1);
        self.n_stories = self.n_stories.max(story + 1);
        let vecs = self.vectors(doc);
        self.add_to_event(event, doc, &vecs);
        self.observe_stream(&vecs);
    }
}

/// Whether `cfg`'s join model gives any join-only feature a weight.
fn weighs_join_only_features(cfg: &ClusterConfig) -> bool {
    cfg.model.join.weights.get(JOIN_ONLY..).is_some_and(|w| w.iter().any(|&v| v != 0.0))
}

fn language_hash(language: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(language.as_bytes())
}

/// Keeps the `k` heaviest items (ties by key), heaviest first: the result
/// of sorting all and truncating, without sorting the rest.
fn keep_heaviest<K: Ord + Copy>(items: &mut Vec<(K, f32)>, k: usize) {
    let heavier = |a: &(K, f32), b: &(K, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
    if items.len() > k {
        if k == 0 {
            items.clear();
            return;
        }
        items.select_nth_unstable_by(k - 1, heavier);
        items.truncate(k);
    }
    items.sort_unstable_by(heavier);
}

/// IDF of a term that `df` documents of `n_docs` hold (smoothed).
fn idf_of(df: &IdMap<u64, f32>, n_docs: f32, term: u64) -> f32 {
    let df = df.get(&term).copied().unwrap_or(0.0);
    ((1.0 + n_docs) / (1.0 + df)).ln() + 1.0
}

/// Keeps the `max` heaviest entries once a profile grows past twice that;
/// returns the squared IDF-weighted sum of the entries it dropped.
fn prune(profile: &mut IdMap<u64, f32>, max: usize, df: &IdMap<u64, f32>, n_docs: f32) -> f32 {
    if profile.len() <= 2 * max {
        return 0.0;
    }
    let mut v: Vec<(u64, f32)> = profile.drain().collect();
    v.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let dropped = v[max..].iter().map(|&(t, c)| (c * idf_of(df, n_docs, t)).powi(2)).sum();
    v.truncate(max);
    profile.extend(v);
    dropped
}
