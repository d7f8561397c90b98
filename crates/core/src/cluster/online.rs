//! The online clusterer: one article at a time, in arrival order.

use serde::{Deserialize, Serialize};

use super::config::ClusterConfig;
use super::features::{nearest_day, DocFeatures};
use super::hashing::IdMap;
use super::model::N_FEATURES;

/// Where an article went.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Assignment {
    pub event: u32,
    pub story: u32,
    /// True when this article opened a new event.
    pub opened_event: bool,
    /// The model's probability for the chosen event (0 when opened).
    pub probability: f32,
}

/// An event's running profile: sums over its articles.
#[derive(Debug, Clone, Default)]
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
}

/// Squared norms of an event's profiles, computed in full under the IDF of
/// `at_docs` documents and updated incrementally since.
#[derive(Debug, Clone, Copy, PartialEq)]
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
/// the same order give the same labels in every process.
#[derive(Debug, Clone)]
pub struct Clusterer {
    cfg: ClusterConfig,
    /// Running document frequencies, seeded with the background table
    /// scaled to `prior_docs` documents (see [`super::background`]).
    df: IdMap<u64, f32>,
    n_docs: u32,
    prior_docs: f32,
    pub(crate) events: Vec<EventState>,
    postings: IdMap<u64, Vec<u32>>,
    n_stories: u32,
}

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
    pub fn new(cfg: ClusterConfig) -> Self {
        let prior_docs = cfg.model.background_docs.max(0.0);
        let df = if prior_docs > 0.0 {
            super::background::shares().iter().map(|(&t, &s)| (t, s * prior_docs)).collect()
        } else {
            IdMap::default()
        };
        Clusterer { cfg, df, n_docs: 0, prior_docs, events: Vec::new(), postings: IdMap::default(), n_stories: 0 }
    }

    /// Documents the IDF counts: those seen plus the background's prior.
    fn docs_for_idf(&self) -> f32 {
        self.n_docs as f32 + self.prior_docs
    }

    pub fn config(&self) -> &ClusterConfig {
        &self.cfg
    }

    pub fn event_count(&self) -> usize {
        self.events.len()
    }

    pub fn story_count(&self) -> u32 {
        self.n_stories
    }

    /// Story of an event.
    pub fn story_of(&self, event: u32) -> Option<u32> {
        self.events.get(event as usize).map(|e| e.story)
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
            let ev = &self.events[e as usize];
            let fresh = ev.norms.is_some_and(|n| now <= n.at_docs + n.at_docs / NORM_REFRESH_GROWTH);
            if !fresh {
                let norms = ProfileNorms {
                    at_docs: now,
                    terms_sq: self.profile_norm_sq(&ev.terms),
                    entities_sq: self.profile_norm_sq(&ev.entities),
                };
                self.events[e as usize].norms = Some(norms);
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
        ]
    }

    /// Candidate events for a doc: those sharing its most telling terms,
    /// ranked by the summed weight of shared query terms.
    pub(crate) fn candidates(&self, vecs: &DocVectors) -> Vec<u32> {
        let mut query: Vec<(u64, f32)> = vecs.terms.iter().chain(vecs.entities.iter()).copied().collect();
        keep_heaviest(&mut query, self.cfg.query_terms);
        let mut score: IdMap<u32, f32> = IdMap::default();
        for (t, w) in query {
            if let Some(list) = self.postings.get(&t) {
                let from = list.len().saturating_sub(self.cfg.postings_scanned);
                let mut last = u32::MAX;
                for &e in &list[from..] {
                    if e != last && self.events[e as usize].language == vecs.language {
                        *score.entry(e).or_insert(0.0) += w;
                    }
                    last = e;
                }
            }
        }
        let mut ranked: Vec<(u32, f32)> = score.into_iter().collect();
        keep_heaviest(&mut ranked, self.cfg.candidates);
        ranked.into_iter().map(|(e, _)| e).collect()
    }

    /// The candidate the ranking model likes best, with its features.
    pub(crate) fn best_candidate(
        &self,
        doc: &DocFeatures,
        vecs: &DocVectors,
        candidates: &[u32],
    ) -> Option<(u32, [f32; N_FEATURES])> {
        let mut best: Option<(u32, [f32; N_FEATURES], f32)> = None;
        for &e in candidates {
            let x = self.pair_features(doc, vecs, &self.events[e as usize]);
            let score = self.cfg.model.rank.probability(&x);
            if best.as_ref().is_none_or(|b| score > b.2) {
                best = Some((e, x, score));
            }
        }
        best.map(|(e, x, _)| (e, x))
    }

    /// Assign one article (in arrival order) to an event and a story.
    pub fn assign(&mut self, doc: &DocFeatures) -> Assignment {
        self.observe_frequencies(doc);
        let vecs = self.vectors(doc);
        let candidates = self.candidates(&vecs);
        self.refresh_norms(&candidates);
        let best = self
            .best_candidate(doc, &vecs, &candidates)
            .filter(|&(e, x)| self.has_event_evidence(&vecs, &self.events[e as usize], x[0]))
            .map(|(e, x)| (e, self.cfg.model.join.probability(&x)));
        if let Some((event, p)) = best.filter(|&(_, p)| p >= self.cfg.join_probability) {
            self.add_to_event(event, doc, &vecs);
            return Assignment { event, story: self.events[event as usize].story, opened_event: false, probability: p };
        }
        let story = self.link_story(&vecs, &candidates).unwrap_or_else(|| {
            self.n_stories += 1;
            self.n_stories - 1
        });
        let event = self.open_event(story);
        self.add_to_event(event, doc, &vecs);
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
            let ev = &self.events[e as usize];
            if vecs.addresses_reader && ev.reports == 0 {
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
        best.map(|(story, _)| story)
    }

    pub(crate) fn open_event(&mut self, story: u32) -> u32 {
        self.events.push(EventState { story, ..Default::default() });
        (self.events.len() - 1) as u32
    }

    pub(crate) fn add_to_event(&mut self, event: u32, doc: &DocFeatures, vecs: &DocVectors) {
        let max_terms = self.cfg.max_event_terms;
        let (df, n_docs) = (&self.df, self.docs_for_idf());
        let ev = &mut self.events[event as usize];
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
        while self.events.len() <= event as usize {
            self.events.push(EventState { story, ..Default::default() });
        }
        self.events[event as usize].story = story;
        self.n_stories = self.n_stories.max(story + 1);
        let vecs = self.vectors(doc);
        self.add_to_event(event, doc, &vecs);
    }
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
