//! A deterministic benchmark corpus for dedup: real article texts, copies of
//! some of them with the edits copies get in the wild, gold duplicate
//! groups, and every other article as a distractor.
//!
//! Edits (1 to `max_edits` = 3 per copy, besides a new title), applied in
//! the order a copy is made: at most one length edit, a **teaser** (the
//! lead only, 20-45 % of the original's words), a trimmed ending (45-90 %
//! kept) or **local paragraphs appended** (an unrelated article's, 20-80 %
//! of the copy's length); a **paragraph of another report inserted** (of
//! the same gold event when the source has one, at most a third of the
//! copy); reordered paragraphs; British or American respelling; 1-4 changed
//! words (at most one per 60 words); the copying outlet's header and footer
//! lines. One copy in ten is verbatim apart from typography. Three copies in
//! ten copy an earlier copy (chains; a teaser keeps at least a fifth of the
//! original). Groups from a wire service carry its credit. Copies are
//! published 1-3 days after what they copy, so the gold original is always
//! the earliest.
//!
//! Other real reports of the same event (gva-dev has many per incident) are
//! the hard negatives: [`PairScore::same_event_false_pairs`] counts the
//! predicted pairs that join two of them.
//!
//! Real corpora hold real copies too (ECB+ has the same wire story from
//! several outlets, verbatim or reworded), and whether two of them are
//! "duplicates" is not known. So pairs of source articles that share text
//! (at least `source_overlap_ignored` of the smaller one's word 4-grams,
//! compared exactly) are a grey zone: pairs across their groups are left
//! out of the scores (and counted). Scored pairs are then of known truth:
//! an original and its generated copies are duplicates; articles whose
//! sources share less than that are not, even when they report the same
//! event.
//!
//! Pure: the caller reads the source articles and writes the outputs.

use std::collections::{BTreeSet, HashMap};

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use storyline_core::dedup::DuplicateMatch;
use storyline_core::{Article, Paragraph, ParagraphKind};

/// The splitmix64 finaliser: the same function as core's private
/// `dedup::minhash::mix64`, copied so the generator needs nothing from core
/// beyond its public API and a seed keeps giving the same corpus.
fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// splitmix64 (Steele, Lea, Flood 2014): a tiny, seeded, portable PRNG, so
/// a seed gives the same corpus on every machine and version.
#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64 { state: seed }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix64(self.state)
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() as u128 * n as u128) >> 64) as usize
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
    }

    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

/// A real article the corpus is built from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceArticle {
    pub id: String,
    #[serde(default)]
    pub title: String,
    pub text: String,
    /// Gold event of a real article (gva-dev and ecbplus-dev carry one):
    /// other reports of the same event are the hard negatives, and the
    /// paragraph an editor inserts comes from one of them when there is one.
    #[serde(default)]
    pub event: Option<String>,
}

/// Corpus settings.
#[derive(Debug, Clone)]
pub struct BenchConfig {
    /// Copies made of each copied original.
    pub copies: usize,
    /// Share (0..1) of the long-enough originals that get copies; the rest
    /// stay as distractors only. 0.5: as many copied as uncopied.
    pub copied_share: f64,
    /// Most edits per copy besides the new title (a copy of a copy gets at
    /// most one less). 3: a wire copy rarely gets more; raise it to stress
    /// the containment rule.
    pub max_edits: usize,
    /// Fewest words for an original to be copied (words). Copies of a
    /// one-sentence text are not a realistic test of edits.
    pub min_source_words: usize,
    pub seed: u64,
    /// Earliest publication date; originals spread over the next 365 days.
    pub start_date: NaiveDate,
    /// Exact containment (0..1) of the smaller source's word 4-grams in
    /// another source at or above which the two are a grey zone, left out
    /// of the pair scores. 0.15: independently written articles on one
    /// event share a few names and stock phrases, well under it.
    pub source_overlap_ignored: f64,
    /// 4-grams found in more sources than this are stock phrases ("one of
    /// the most"), not evidence of copying: not counted (bounds the pair
    /// count too).
    pub source_common_gram: usize,
}

impl Default for BenchConfig {
    fn default() -> Self {
        BenchConfig {
            copies: 4,
            copied_share: 0.5,
            max_edits: 3,
            min_source_words: 60,
            seed: 42,
            start_date: NaiveDate::from_ymd_opt(2024, 1, 1).expect("valid date"),
            source_overlap_ignored: 0.15,
            source_common_gram: 50,
        }
    }
}

/// One article of the corpus, as written to `corpus.jsonl`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BenchDoc {
    pub id: String,
    pub title: String,
    /// Paragraphs separated by a blank line.
    pub text: String,
    pub published: NaiveDate,
    pub outlet: String,
    pub wire_credits: Vec<String>,
    /// Gold group: the id of the original (its own id for originals).
    pub group: String,
    /// The article this one was made from (`None` for originals).
    pub copy_of: Option<String>,
    /// The edits applied, for reading failures.
    pub edits: Vec<String>,
    /// Gold event of the source article, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
}

/// The corpus in arrival order (publication date, ties shuffled).
#[derive(Debug, Clone, Default)]
pub struct BenchCorpus {
    pub docs: Vec<BenchDoc>,
    /// Pairs of gold groups (ids as in [`BenchDoc::group`]) whose sources
    /// partly share text: pairs across them are not scored.
    pub ignored_group_pairs: Vec<(String, String)>,
}

/// A gold duplicate group, as written to `gold.jsonl`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GoldGroup {
    pub original: String,
    pub copies: Vec<String>,
}

impl BenchCorpus {
    /// Groups with more than one article; the original is the first in
    /// arrival order (the earliest published).
    pub fn gold_groups(&self) -> Vec<GoldGroup> {
        let mut groups: Vec<GoldGroup> = Vec::new();
        let mut at: HashMap<&str, usize> = HashMap::new();
        for d in &self.docs {
            match at.get(d.group.as_str()) {
                Some(&i) => groups[i].copies.push(d.id.clone()),
                None => {
                    at.insert(d.group.as_str(), groups.len());
                    groups.push(GoldGroup { original: d.id.clone(), copies: Vec::new() });
                }
            }
        }
        groups.retain(|g| !g.copies.is_empty());
        groups
    }

    /// Gold original of each group id (first in arrival order).
    fn gold_originals(&self) -> HashMap<&str, &BenchDoc> {
        let mut out: HashMap<&str, &BenchDoc> = HashMap::new();
        for d in &self.docs {
            out.entry(d.group.as_str()).or_insert(d);
        }
        out
    }
}

/// A corpus article as storyline's dedup sees it (cleaning skipped on
/// purpose: boilerplate left in is part of the test).
pub fn to_article(doc: &BenchDoc) -> Article {
    let paragraphs: Vec<Paragraph> = doc
        .text
        .split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .map(|p| Paragraph { text: p.trim().to_string(), kind: ParagraphKind::Body, raw_start: None })
        .collect();
    Article {
        id: doc.id.clone(),
        title: doc.title.clone(),
        text: doc.text.clone(),
        paragraphs,
        published: Some(doc.published),
        outlet: Some(doc.outlet.clone()),
        language: "en".into(),
        wire_credits: doc.wire_credits.clone(),
        raw_text: doc.text.clone(),
        ..Default::default()
    }
}

/// Outlets a copy can appear in, with the header and footer their pages add.
const OUTLETS: &[(&str, &str, &str)] = &[
    (
        "The Daily Courier",
        "Breaking News | The Daily Courier | Sign up for our morning briefing",
        "Copyright 2024 The Daily Courier. All rights reserved. This material may not be published, broadcast, rewritten or redistributed without permission.",
    ),
    (
        "Metro Herald",
        "Metro Herald - World - Share this article on Facebook, Twitter or by email",
        "Follow the Metro Herald on Facebook, Twitter and Instagram for the latest news and updates. Have a story tip? Email our newsroom.",
    ),
    (
        "Global Times Online",
        "Advertisement. Continue reading the main story below.",
        "Support independent journalism: subscribe today for unlimited access to all our reporting, newsletters and the daily podcast.",
    ),
    (
        "NewsWire 24",
        "NewsWire 24 | Top stories | Updated every hour",
        "This article was produced by NewsWire 24 staff. Comments are moderated and may take up to 24 hours to appear. Read our community guidelines.",
    ),
    (
        "Coastal Gazette",
        "Coastal Gazette | Home > World > Latest",
        "Related coverage: see our full archive of world news. The Coastal Gazette is a member of the Independent Press Standards Organisation.",
    ),
    (
        "Evening Standard Post",
        "Evening Standard Post - Listen to this article (3 min)",
        "Sign up to our free daily newsletter to get the biggest stories delivered straight to your inbox every morning. You can unsubscribe at any time.",
    ),
];

const AGENCIES: &[&str] = &["Reuters", "AP", "AFP", "Yonhap"];

/// American -> British spellings used by the respelling edit (both ways).
const SPELLINGS: &[(&str, &str)] = &[
    ("analyze", "analyse"),
    ("behavior", "behaviour"),
    ("canceled", "cancelled"),
    ("center", "centre"),
    ("color", "colour"),
    ("defense", "defence"),
    ("favor", "favour"),
    ("harbor", "harbour"),
    ("honor", "honour"),
    ("labor", "labour"),
    ("neighbor", "neighbour"),
    ("neighbors", "neighbours"),
    ("offense", "offence"),
    ("program", "programme"),
    ("theater", "theatre"),
    ("traveled", "travelled"),
];

/// Word substitutions of the changed-words edit (editors' synonyms).
const SYNONYMS: &[(&str, &str)] = &[
    ("said", "stated"),
    ("says", "states"),
    ("killed", "left dead"),
    ("people", "persons"),
    ("officials", "authorities"),
    ("police", "officers"),
    ("announced", "revealed"),
    ("reported", "said"),
    ("after", "following"),
    ("about", "around"),
    ("also", "additionally"),
    ("city", "town"),
    ("large", "big"),
    ("however", "but"),
    ("told", "informed"),
];

/// Sentences of a text: split after `.`, `!` or `?` (and a closing quote)
/// before whitespace and an upper-case letter, digit or quote.
fn sentences(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < chars.len() {
        if matches!(chars[i], '.' | '!' | '?') {
            let mut end = i + 1;
            while end < chars.len() && matches!(chars[end], '"' | '\'' | '”' | '’') {
                end += 1;
            }
            let mut next = end;
            while next < chars.len() && chars[next].is_whitespace() {
                next += 1;
            }
            if next > end
                && next < chars.len()
                && (chars[next].is_uppercase() || chars[next].is_ascii_digit() || matches!(chars[next], '"' | '“'))
            {
                let s: String = chars[start..end].iter().collect();
                if !s.trim().is_empty() {
                    out.push(s.trim().to_string());
                }
                start = next;
                i = next;
                continue;
            }
        }
        i += 1;
    }
    let s: String = chars[start..].iter().collect();
    if !s.trim().is_empty() {
        out.push(s.trim().to_string());
    }
    out
}

/// Paragraphs of a source text: its own lines when it has several, else
/// runs of 1-3 sentences (news paragraphs are short).
fn paragraphs_of(text: &str, rng: &mut SplitMix64) -> Vec<String> {
    let lines: Vec<String> = text.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect();
    if lines.len() > 1 {
        return lines;
    }
    let sents = sentences(text);
    let mut out = Vec::new();
    let mut i = 0;
    while i < sents.len() {
        let n = rng.range(1, 3).min(sents.len() - i);
        out.push(sents[i..i + n].join(" "));
        i += n;
    }
    out
}

fn word_count(paragraphs: &[String]) -> usize {
    paragraphs.iter().map(|p| p.split_whitespace().count()).sum()
}

/// Applies `f` to each alphabetic word of `text`, keeping the rest.
fn map_words(text: &str, mut f: impl FnMut(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String, f: &mut dyn FnMut(&str) -> Option<String>| {
        if !word.is_empty() {
            match f(word) {
                Some(r) => out.push_str(&r),
                None => out.push_str(word),
            }
            word.clear();
        }
    };
    for c in text.chars() {
        if c.is_alphabetic() {
            word.push(c);
        } else {
            flush(&mut word, &mut out, &mut f);
            out.push(c);
        }
    }
    flush(&mut word, &mut out, &mut f);
    out
}

/// `replacement` with the capitalisation of `original`'s first letter.
fn same_case(original: &str, replacement: &str) -> String {
    if original.chars().next().is_some_and(char::is_uppercase) {
        let mut c = replacement.chars();
        c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
    } else {
        replacement.to_string()
    }
}

/// Respells American as British (or the reverse): table words and
/// -ize/-ization forms. Returns how many words changed.
fn respell(paragraphs: &mut [String], to_british: bool) -> usize {
    let mut changed = 0;
    for p in paragraphs.iter_mut() {
        *p = map_words(p, |w| {
            let lower = w.to_lowercase();
            let table = SPELLINGS.iter().find_map(|&(us, uk)| {
                if to_british && lower == us {
                    Some(uk)
                } else if !to_british && lower == uk {
                    Some(us)
                } else {
                    None
                }
            });
            let r = if let Some(r) = table {
                Some(r.to_string())
            } else if lower.len() >= 6 {
                let (from, to): (&[&str], &[&str]) = if to_british {
                    (&["ization", "izing", "ized", "izes", "ize"], &["isation", "ising", "ised", "ises", "ise"])
                } else {
                    (&["isation", "ising", "ised", "ises", "ise"], &["ization", "izing", "ized", "izes", "ize"])
                };
                from.iter()
                    .zip(to)
                    .find(|(f, _)| lower.ends_with(**f))
                    .map(|(f, t)| format!("{}{}", &lower[..lower.len() - f.len()], t))
            } else {
                None
            };
            let r = r.filter(|r| *r != lower)?;
            changed += 1;
            Some(same_case(w, &r))
        });
    }
    changed
}

/// Replaces `n` words: by a synonym when the table has one, else by a
/// different word of similar use.
fn change_words(paragraphs: &mut [String], n: usize, rng: &mut SplitMix64) -> usize {
    const FILLERS: &[&str] = &["several", "major", "local", "senior", "recent", "reportedly", "key", "further"];
    let mut changed = 0;
    for _ in 0..n {
        let p = rng.below(paragraphs.len());
        let candidates: Vec<usize> = paragraphs[p]
            .split(' ')
            .enumerate()
            .filter(|(_, w)| w.len() >= 4 && w.chars().all(char::is_alphabetic))
            .map(|(i, _)| i)
            .collect();
        if candidates.is_empty() {
            continue;
        }
        let target = candidates[rng.below(candidates.len())];
        let mut words: Vec<String> = paragraphs[p].split(' ').map(String::from).collect();
        let lower = words[target].to_lowercase();
        let replacement = SYNONYMS
            .iter()
            .find(|(a, _)| *a == lower)
            .map(|(_, b)| b.to_string())
            .unwrap_or_else(|| FILLERS[rng.below(FILLERS.len())].to_string());
        words[target] = same_case(&words[target], &replacement);
        paragraphs[p] = words.join(" ");
        changed += 1;
    }
    changed
}

/// Keeps the first `keep` share of the words, cutting at a sentence end.
fn trim_ending(paragraphs: &mut Vec<String>, keep: f64) {
    let target = (word_count(paragraphs) as f64 * keep).ceil() as usize;
    let mut kept = 0;
    let mut out = Vec::new();
    for p in paragraphs.iter() {
        let w = p.split_whitespace().count();
        if kept + w <= target {
            kept += w;
            out.push(p.clone());
            continue;
        }
        // Cut the paragraph at the target, then back to its last sentence
        // end when that loses little (sentence splitting fails on some
        // texts: then the cut stays mid-sentence, as CMS truncation does).
        let words: Vec<&str> = p.split_whitespace().collect();
        let budget = target.saturating_sub(kept).max(1).min(words.len());
        let mut part = words[..budget].join(" ");
        let sentence_end = part.rfind(['.', '!', '?']);
        if let Some(end) = sentence_end.filter(|&e| e + 1 >= part.len() * 4 / 5) {
            part.truncate(end + 1);
        }
        out.push(part);
        break;
    }
    *paragraphs = out;
}

/// Curly quotes and doubled spaces: what a CMS does to a verbatim copy.
fn retypeset(paragraphs: &mut [String]) {
    for p in paragraphs.iter_mut() {
        let mut open = true;
        *p = p
            .chars()
            .map(|c| match c {
                '\'' => '’',
                '"' => {
                    open = !open;
                    if open {
                        '”'
                    } else {
                        '“'
                    }
                }
                c => c,
            })
            .collect::<String>()
            .replace(". ", ".  ");
    }
}

struct Draft {
    doc: BenchDoc,
    body: Vec<String>,
    /// Index of the source article (for choosing inserted paragraphs).
    source: usize,
    order: u64,
}

/// Pairs of source articles (index pairs, smaller first) that share text:
/// exact word 4-gram containment of the smaller in the larger.
fn overlapping_sources(sources: &[SourceArticle], cfg: &BenchConfig) -> BTreeSet<(usize, usize)> {
    let gram_sets: Vec<BTreeSet<u64>> = sources
        .iter()
        .map(|s| {
            let norm = storyline_core::text::normalize_for_hash(&s.text);
            let words: Vec<&str> = norm.split(' ').filter(|w| !w.is_empty()).collect();
            words
                .windows(4.min(words.len()).max(1))
                .map(|w| xxhash_rust::xxh3::xxh3_64(w.join(" ").as_bytes()))
                .collect()
        })
        .collect();
    let mut holders: HashMap<u64, Vec<usize>> = HashMap::new();
    for (i, set) in gram_sets.iter().enumerate() {
        for &h in set {
            holders.entry(h).or_default().push(i);
        }
    }
    let mut shared: HashMap<(usize, usize), usize> = HashMap::new();
    for list in holders.values().filter(|l| l.len() <= cfg.source_common_gram) {
        for (x, &a) in list.iter().enumerate() {
            for &b in &list[x + 1..] {
                *shared.entry((a, b)).or_default() += 1;
            }
        }
    }
    shared
        .into_iter()
        .filter(|&((a, b), n)| {
            n as f64 >= cfg.source_overlap_ignored * gram_sets[a].len().min(gram_sets[b].len()) as f64
        })
        .map(|(pair, _)| pair)
        .collect()
}

/// Builds the corpus from real articles. Deterministic for a given
/// `sources` order and `cfg.seed`.
pub fn generate(sources: &[SourceArticle], cfg: &BenchConfig) -> BenchCorpus {
    let mut rng = SplitMix64::new(cfg.seed);
    let mut drafts: Vec<Draft> = Vec::new();
    let bodies: Vec<Vec<String>> = sources.iter().map(|s| paragraphs_of(&s.text, &mut rng)).collect();
    let ignored = overlapping_sources(sources, cfg);
    for (i, src) in sources.iter().enumerate() {
        let body = bodies[i].clone();
        let published = cfg.start_date + Duration::days(rng.below(365) as i64);
        let wire = rng.chance(0.3).then(|| AGENCIES[rng.below(AGENCIES.len())]);
        let outlet = wire.map(String::from).unwrap_or_else(|| OUTLETS[rng.below(OUTLETS.len())].0.to_string());
        let title = if src.title.trim().is_empty() {
            body.first().map(|p| p.split_whitespace().take(8).collect::<Vec<_>>().join(" ")).unwrap_or_default()
        } else {
            src.title.clone()
        };
        drafts.push(Draft {
            doc: BenchDoc {
                id: src.id.clone(),
                title,
                text: String::new(),
                published,
                outlet,
                wire_credits: wire.map(|w| vec![w.to_string()]).unwrap_or_default(),
                group: src.id.clone(),
                copy_of: None,
                edits: Vec::new(),
                event: src.event.clone(),
            },
            body,
            source: i,
            order: rng.next_u64(),
        });
    }
    let originals = drafts.len();
    let mut eligible: Vec<usize> =
        (0..originals).filter(|&i| word_count(&drafts[i].body) >= cfg.min_source_words).collect();
    rng.shuffle(&mut eligible);
    eligible.truncate((eligible.len() as f64 * cfg.copied_share).round() as usize);
    eligible.sort_unstable();
    for &orig in &eligible {
        let mut family = vec![orig];
        for c in 0..cfg.copies {
            let parent =
                if family.len() > 1 && rng.chance(0.3) { family[1 + rng.below(family.len() - 1)] } else { orig };
            let copy = make_copy(&drafts, parent, c, sources, &bodies, cfg.max_edits, &mut rng);
            family.push(drafts.len());
            drafts.push(copy);
        }
    }
    for d in drafts.iter_mut() {
        d.doc.text = d.body.join("\n\n");
    }
    drafts.sort_by_key(|d| (d.doc.published, d.order));
    BenchCorpus {
        docs: drafts.into_iter().map(|d| d.doc).collect(),
        ignored_group_pairs: ignored.into_iter().map(|(a, b)| (sources[a].id.clone(), sources[b].id.clone())).collect(),
    }
}

/// A random source of another event than `source` (any other source when
/// events are unknown).
fn unrelated(source: usize, sources: &[SourceArticle], rng: &mut SplitMix64) -> usize {
    for _ in 0..16 {
        let other = (source + 1 + rng.below(sources.len() - 1)) % sources.len();
        if sources[other].event.is_none() || sources[other].event != sources[source].event {
            return other;
        }
    }
    (source + 1) % sources.len()
}

/// A random other source of the same gold event, if any.
fn same_event(source: usize, sources: &[SourceArticle], rng: &mut SplitMix64) -> Option<usize> {
    let event = sources[source].event.as_ref()?;
    let peers: Vec<usize> =
        (0..sources.len()).filter(|&i| i != source && sources[i].event.as_ref() == Some(event)).collect();
    (!peers.is_empty()).then(|| peers[rng.below(peers.len())])
}

fn make_copy(
    drafts: &[Draft],
    parent: usize,
    n: usize,
    all_sources: &[SourceArticle],
    bodies: &[Vec<String>],
    max_edits: usize,
    rng: &mut SplitMix64,
) -> Draft {
    let p = &drafts[parent];
    let mut body = p.body.clone();
    let mut edits = vec!["retitle".to_string()];
    let (outlet, header, footer) = loop {
        let o = OUTLETS[rng.below(OUTLETS.len())];
        if o.0 != p.doc.outlet {
            break o;
        }
    };
    if rng.chance(0.1) {
        retypeset(&mut body);
        edits.push("verbatim".into());
    } else {
        // One length edit at most (a teaser is not also extended), then the
        // editor's changes, then the page's furniture: the order a copy is
        // made in, so an inserted paragraph is sized against the final text.
        const KINDS: [&str; 7] = ["length", "length", "insert", "reorder", "respell", "words", "boilerplate"];
        let mut kinds = KINDS.to_vec();
        rng.shuffle(&mut kinds);
        let max_edits = if p.doc.copy_of.is_some() { max_edits.saturating_sub(1) } else { max_edits }.clamp(1, 6);
        // "length" is listed twice: a trimmed, teaser or extended copy is
        // the common case of syndication.
        let mut chosen: Vec<&str> = Vec::new();
        let n = rng.range(1, max_edits);
        for kind in kinds {
            if chosen.len() < n && !chosen.contains(&kind) {
                chosen.push(kind);
            }
        }
        chosen.sort_by_key(|k| KINDS.iter().position(|x| x == k));
        for kind in chosen {
            match kind {
                "length" => match rng.below(3) {
                    0 => {
                        // A teaser: the lead only, down to a fifth of the
                        // original (a teaser of a copy too).
                        let root_share = word_count(&drafts[p.source].body) as f64 / word_count(&body).max(1) as f64;
                        let keep = ((0.2 + 0.25 * rng.below(1001) as f64 / 1000.0) * root_share).min(1.0);
                        trim_ending(&mut body, keep);
                        edits.push(format!("teaser:{keep:.2}"));
                    }
                    1 => {
                        let keep = 0.45 + 0.45 * rng.below(1001) as f64 / 1000.0;
                        trim_ending(&mut body, keep);
                        edits.push(format!("trim:{keep:.2}"));
                    }
                    _ => {
                        // Local paragraphs appended: an unrelated article's
                        // paragraphs, 20-80 % of the copy's length (the
                        // copy still mostly copies `p`).
                        let target =
                            (word_count(&body) as f64 * (0.2 + 0.6 * rng.below(1001) as f64 / 1000.0)) as usize;
                        let other = unrelated(p.source, all_sources, rng);
                        let mut added = 0;
                        for para in &bodies[other] {
                            let w = para.split_whitespace().count();
                            if added + w > target.max(w.min(12)) {
                                break;
                            }
                            added += w;
                            body.push(para.clone());
                        }
                        edits.push(format!("extend:{added}w"));
                    }
                },
                "insert" => {
                    // A paragraph of another report, of the same event when
                    // there is one (an editor merging two reports), at most
                    // a third of the copy: the copy still mostly copies `p`.
                    let budget = (word_count(&body) / 3).max(12);
                    let other =
                        same_event(p.source, all_sources, rng).unwrap_or_else(|| unrelated(p.source, all_sources, rng));
                    let pool: Vec<String> = bodies[other]
                        .iter()
                        .skip(1)
                        .filter(|s| (8..=budget).contains(&s.split_whitespace().count()))
                        .cloned()
                        .collect();
                    let pool = if pool.is_empty() {
                        sentences(&bodies[other].join(" "))
                            .into_iter()
                            .skip(1)
                            .filter(|s| (8..=budget).contains(&s.split_whitespace().count()))
                            .collect()
                    } else {
                        pool
                    };
                    if !pool.is_empty() {
                        let extra = pool[rng.below(pool.len())].clone();
                        let at = rng.range(1.min(body.len()), body.len());
                        body.insert(at, extra);
                        edits.push(format!("insert:{at}:{}", all_sources[other].id));
                    }
                }
                "reorder" => {
                    if body.len() >= 3 {
                        let from = rng.range(1, body.len() - 1);
                        let para = body.remove(from);
                        let to = rng.range(1, body.len());
                        body.insert(to, para);
                        edits.push(format!("reorder:{from}->{to}"));
                    } else if body.len() == 2 {
                        body.swap(0, 1);
                        edits.push("reorder:swap".into());
                    }
                }
                "respell" => {
                    let to_british = rng.chance(0.5);
                    let mut changed = respell(&mut body, to_british);
                    if changed == 0 {
                        changed = respell(&mut body, !to_british);
                    }
                    edits.push(format!("respell:{changed}"));
                }
                "words" => {
                    // "A few": 1 to 4, at most one per 60 words.
                    let most = (word_count(&body) / 60).clamp(1, 4);
                    let changed = change_words(&mut body, rng.range(1, most), rng);
                    edits.push(format!("words:{changed}"));
                }
                "boilerplate" => {
                    body.insert(0, header.to_string());
                    body.push(footer.to_string());
                    edits.push(kind.into());
                }
                _ => unreachable!("edit kinds are listed above"),
            }
        }
    }
    let credits = if !p.doc.wire_credits.is_empty() {
        p.doc.wire_credits.clone()
    } else if rng.chance(0.15) {
        vec![format!("originally published by {}", p.doc.outlet)]
    } else {
        Vec::new()
    };
    let title_words: Vec<&str> = p.doc.title.split_whitespace().collect();
    let title = format!(
        "{}: {}",
        ["UPDATE", "Report", "Watch", "Latest"][rng.below(4)],
        title_words.iter().rev().take(6).rev().cloned().collect::<Vec<_>>().join(" ")
    );
    Draft {
        doc: BenchDoc {
            id: format!("{}-copy{}", all_sources[p.source].id, n + 1),
            title,
            text: String::new(),
            published: p.doc.published + Duration::days(rng.range(1, 3) as i64),
            outlet: outlet.to_string(),
            wire_credits: credits,
            group: p.doc.group.clone(),
            copy_of: Some(p.doc.id.clone()),
            edits,
            event: p.doc.event.clone(),
        },
        body,
        source: p.source,
        order: rng.next_u64(),
    }
}

/// Duplicate-pair quality of a prediction against the corpus's gold groups.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PairScore {
    /// Pairs of articles in the same gold group.
    pub gold_pairs: u64,
    /// Pairs of articles in the same predicted group.
    pub predicted_pairs: u64,
    /// Pairs in both.
    pub true_pairs: u64,
    /// Predicted pairs across a grey-zone pair of gold groups (not scored).
    pub ignored_pairs: u64,
    /// False predicted pairs (scored) whose two gold groups are different
    /// reports of the same gold event: the hard negatives.
    pub same_event_false_pairs: u64,
    pub precision: f64,
    pub recall: f64,
}

/// Scores predicted groups (`original_of[id]` = predicted original, absent
/// for originals) by duplicate pairs: two articles form a pair when they
/// share a group. Pairs across an ignored pair of gold groups count neither
/// way.
pub fn score_pairs(corpus: &BenchCorpus, original_of: &HashMap<String, String>) -> PairScore {
    let ignored: BTreeSet<(&str, &str)> = corpus
        .ignored_group_pairs
        .iter()
        .flat_map(|(a, b)| [(a.as_str(), b.as_str()), (b.as_str(), a.as_str())])
        .collect();
    let mut gold_sizes: HashMap<&str, u64> = HashMap::new();
    let mut predicted: HashMap<&str, HashMap<&str, u64>> = HashMap::new();
    let mut event_of: HashMap<&str, &str> = HashMap::new();
    for d in &corpus.docs {
        if let Some(e) = &d.event {
            event_of.insert(d.group.as_str(), e.as_str());
        }
        *gold_sizes.entry(d.group.as_str()).or_default() += 1;
        let root = original_of.get(&d.id).map(String::as_str).unwrap_or(d.id.as_str());
        *predicted.entry(root).or_default().entry(d.group.as_str()).or_default() += 1;
    }
    let pairs = |n: u64| n * n.saturating_sub(1) / 2;
    let gold_pairs: u64 = gold_sizes.values().map(|&n| pairs(n)).sum();
    let mut predicted_pairs = 0;
    let mut true_pairs = 0;
    let mut ignored_pairs = 0;
    let mut same_event_false_pairs = 0;
    for by_gold in predicted.values() {
        let groups: Vec<(&str, u64)> = by_gold.iter().map(|(g, n)| (*g, *n)).collect();
        for (i, &(g, n)) in groups.iter().enumerate() {
            true_pairs += pairs(n);
            predicted_pairs += pairs(n);
            for &(h, m) in &groups[i + 1..] {
                if ignored.contains(&(g, h)) {
                    ignored_pairs += n * m;
                } else {
                    predicted_pairs += n * m;
                    if event_of.get(g).is_some_and(|e| event_of.get(h) == Some(e)) {
                        same_event_false_pairs += n * m;
                    }
                }
            }
        }
    }
    PairScore {
        gold_pairs,
        predicted_pairs,
        true_pairs,
        ignored_pairs,
        same_event_false_pairs,
        precision: if predicted_pairs == 0 { 1.0 } else { true_pairs as f64 / predicted_pairs as f64 },
        recall: if gold_pairs == 0 { 1.0 } else { true_pairs as f64 / gold_pairs as f64 },
    }
}

/// How well the matches name the gold original and the syndication.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RootScore {
    /// Copies detected as duplicates.
    pub detected_copies: u64,
    /// Of those, how many point to the gold original.
    pub root_correct: u64,
    /// Detected copies with a wire credit (theirs or their original's).
    pub detected_wire_copies: u64,
    /// Of those, how many were marked syndicated.
    pub syndicated_correct: u64,
}

/// Scores the final matches (after re-pointing) of the copies: every
/// article of a gold group but its original (the first to arrive), except
/// in groups whose source shares text with another source.
pub fn score_roots(corpus: &BenchCorpus, matches: &HashMap<String, DuplicateMatch>) -> RootScore {
    let originals = corpus.gold_originals();
    let grey: BTreeSet<&str> = corpus.ignored_group_pairs.iter().flat_map(|(a, b)| [a.as_str(), b.as_str()]).collect();
    let mut s = RootScore::default();
    for d in &corpus.docs {
        if grey.contains(d.group.as_str()) {
            // Its source shares text with another real article, which may
            // rightly be the earlier original.
            continue;
        }
        let original = originals[d.group.as_str()];
        if original.id == d.id {
            continue;
        }
        let Some(m) = matches.get(&d.id) else { continue };
        s.detected_copies += 1;
        s.root_correct += u64::from(m.original == original.id);
        let wire = !d.wire_credits.is_empty() || !original.wire_credits.is_empty();
        if wire {
            s.detected_wire_copies += 1;
            s.syndicated_correct += u64::from(m.syndicated);
        }
    }
    s
}

#[cfg(test)]
mod tests {

    use storyline_core::clean::{clean, CleanConfig};
    use storyline_core::dedup::{signature, DedupConfig, DedupIndex, DocMeta};
    use storyline_core::RawArticle;

    use super::*;

    #[test]
    fn bench_corpus_is_deterministic_and_scored() {
        let sources: Vec<SourceArticle> = (0..30)
            .map(|i| SourceArticle {
                id: format!("s{i}"),
                title: String::new(),
                event: None,
                text: (0..12)
                    .map(|j| format!("Sentence {j} of article {i} tells how the {} council decided to organize a new defense program for {} residents.", ["city", "county", "state"][j % 3], i * 7 + j))
                    .collect::<Vec<_>>()
                    .join(" "),
            })
            .collect();
        let cfg = BenchConfig { copies: 3, ..Default::default() };
        let a = generate(&sources, &cfg);
        let b = generate(&sources, &cfg);
        assert_eq!(a.docs, b.docs);
        assert_eq!(a.docs.len(), 30 + 15 * 3);
        assert_eq!(a.gold_groups().len(), 15);
        let mut rng = SplitMix64::new(7);
        assert_eq!(rng.next_u64(), SplitMix64::new(7).next_u64());
        // Perfect prediction scores 1/1.
        let gold = a.gold_groups();
        let truth: std::collections::HashMap<String, String> =
            gold.iter().flat_map(|g| g.copies.iter().map(|c| (c.clone(), g.original.clone()))).collect();
        let s = score_pairs(&a, &truth);
        assert_eq!((s.precision, s.recall), (1.0, 1.0));
    }

    #[test]
    fn bench_on_the_seeds_finds_all_copies_and_merges_no_seeds() {
        let Some(seeds) = crate::test_data::seeds() else { return };
        let sources: Vec<SourceArticle> = seeds
            .iter()
            .enumerate()
            .map(|(i, t)| SourceArticle {
                id: format!("seed{i}"),
                title: String::new(),
                event: None,
                text: clean(
                    &RawArticle { id: "s".into(), text: t.clone(), ..Default::default() },
                    &CleanConfig::default(),
                )
                .text,
            })
            .collect();
        let bench = BenchConfig { copies: 4, copied_share: 1.0, ..Default::default() };
        let corpus = generate(&sources, &bench);
        assert_eq!(corpus.docs.len(), 25);
        let cfg = DedupConfig::default();
        let mut index = DedupIndex::new(&cfg);
        let mut found = std::collections::HashMap::new();
        for d in &corpus.docs {
            let a = to_article(d);
            if let Some(m) = index.observe(&a.id, &signature(&a, &cfg), &DocMeta::of(&a)) {
                found.insert(a.id.clone(), m.original);
            }
        }
        let score = score_pairs(&corpus, &found);
        assert_eq!(score.precision, 1.0, "{score:?}");
        assert!(score.recall >= 0.95, "{score:?}");
    }
}
