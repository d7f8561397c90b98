//! Alias folding: within one text (acronyms defined in parentheses, case
//! variants, dated renames) and across articles ([`AliasRegistry`]).

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use regex::Regex;

use super::entities::{norm_name, Ent, KOREAN_SURNAMES};
use super::AnalyzeConfig;
use crate::model::{Analysis, Article, EntityType};
use crate::window::WindowClock;

/// Renamed bodies: (alias, canonical, valid from). Before the date the alias
/// names something else (the historic Department of War, 1789-1947).
const DATED_ALIASES: &[(&str, &str, (i32, u32, u32))] = &[
    ("Department of War", "U.S. Department of Defense", (2025, 9, 5)),
    ("U.S. Department of War", "U.S. Department of Defense", (2025, 9, 5)),
    ("US Department of War", "U.S. Department of Defense", (2025, 9, 5)),
    ("War Department", "U.S. Department of Defense", (2025, 9, 5)),
    ("Department of Defense", "U.S. Department of Defense", (1949, 8, 10)),
    ("U.S. Department of Defense", "U.S. Department of Defense", (1949, 8, 10)),
    ("Secretary of War", "Secretary of Defense", (2025, 9, 5)),
    ("War Secretary", "Secretary of Defense", (2025, 9, 5)),
];

/// The canonical of `name` on `date` from the dated alias table, if any.
/// Without a date the rename is assumed in force (news is mostly recent).
pub fn dated_alias(name: &str, date: Option<NaiveDate>) -> Option<&'static str> {
    DATED_ALIASES.iter().find_map(|&(alias, canon, (y, m, d))| {
        let from = NaiveDate::from_ymd_opt(y, m, d)?;
        (alias.eq_ignore_ascii_case(name) && date.is_none_or(|dt| dt >= from)).then_some(canon)
    })
}

static ACRONYM_DEF: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\(([A-Z][A-Za-z&]{1,9})\)").expect("valid regex"));

fn is_function_word(w: &str) -> bool {
    matches!(w, "and" | "of" | "the" | "for" | "&" | "on" | "in")
}

/// Whether `acr` (lower case) can be spelt from prefixes of `words` in order;
/// every content word gives at least one letter, function words may give none.
fn spells(acr: &[u8], words: &[String]) -> bool {
    fn go(a: &[u8], w: &[String]) -> bool {
        if w.is_empty() {
            return a.is_empty();
        }
        let word = w[0].as_bytes();
        if is_function_word(&w[0]) && go(a, &w[1..]) {
            return true;
        }
        let max = word.len().min(a.len());
        (1..=max).any(|p| a[..p] == word[..p] && go(&a[p..], &w[1..]))
    }
    go(acr, words)
}

/// Folds aliases inside one text: dated renames, then acronyms defined as
/// `long form (ACR)` so every `ACR`/`Acr` mention and the long form share
/// the long form's canonical.
pub(crate) fn fold_within(text: &str, ents: &mut Vec<Ent>, published: Option<NaiveDate>, cfg: &AnalyzeConfig) {
    for e in ents.iter_mut() {
        if let Some(c) = dated_alias(&e.canonical, published) {
            e.canonical = c.to_string();
            e.kind = EntityType::Org;
        }
    }
    let mut defs: Vec<(String, String, EntityType)> = Vec::new(); // (acronym lower, canonical, kind)
    for m in ACRONYM_DEF.captures_iter(text) {
        let (Some(whole), Some(acr)) = (m.get(0), m.get(1)) else { continue };
        let acr_s = acr.as_str();
        let before = text[..whole.start()].trim_end();
        let long_end = before.len();
        // Long form: an entity ending right before the parenthesis ...
        let ent_long = ents.iter().position(|e| e.end == long_end);
        let acr_l: Vec<u8> = acr_s.to_lowercase().into_bytes();
        let (canon, kind, long_start) = if let Some(k) = ent_long {
            let e = &ents[k];
            let words: Vec<String> = text[e.start..e.end]
                .split([' ', '-'])
                .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase())
                .filter(|w| !w.is_empty())
                .collect();
            if !spells(&acr_l, &words)
                && !words.iter().any(|w| w.starts_with(&acr_l[..1].iter().map(|&b| b as char).collect::<String>()))
            {
                continue;
            }
            (e.canonical.clone(), e.kind, None)
        } else {
            // ... or the shortest run of preceding words that spells it,
            // extended over preceding modifiers ("wartime").
            let mut starts: Vec<usize> = Vec::new();
            let mut pos = long_end;
            let mut found = None;
            for _ in 0..cfg.acronym_max_words {
                let seg = &before[..pos];
                let trimmed = seg.trim_end_matches([' ', ',']);
                if trimmed.is_empty() || trimmed.ends_with(['.', ';', ':', '(', ')', '"', '“', '”']) {
                    break;
                }
                // Past the separator's own bytes: '“' is three bytes long.
                let ws = trimmed
                    .char_indices()
                    .rev()
                    .find(|&(_, c)| matches!(c, ' ' | '\n' | '(' | '"' | '“'))
                    .map_or(0, |(i, c)| i + c.len_utf8());
                starts.push(ws);
                pos = ws;
                let words: Vec<String> = before[ws..long_end]
                    .split([' ', '-', ','])
                    .filter(|w| !w.is_empty())
                    .map(|w| w.to_lowercase())
                    .collect();
                if !words.first().is_some_and(|w| is_function_word(w)) && spells(&acr_l, &words) {
                    found = Some(ws);
                    break;
                }
                if ws == 0 {
                    break;
                }
            }
            let Some(mut ls) = found else { continue };
            // Extend over one or two preceding modifiers that are not function words.
            for _ in 0..2 {
                let seg = before[..ls].trim_end_matches(' ');
                if seg.len() == ls || seg.is_empty() {
                    break;
                }
                let ws = seg.rfind([' ', '\n', '(', '"', '“', ',']).map_or(0, |i| i + 1);
                let w = &seg[ws..];
                let lw = w.to_lowercase();
                if w.is_empty()
                    || !w.chars().all(|c| c.is_alphabetic() || c == '-')
                    || crate::text::is_stopword(&lw)
                    || lw.ends_with("ing")
                    || matches!(lw.as_str(), "transfer" | "control" | "on" | "its" | "new")
                    || !w.starts_with(char::is_lowercase) && !w.starts_with(char::is_uppercase)
                {
                    break;
                }
                // Only adjectives/nouns that modify: stop at verbs and nouns heading the clause.
                if !(lw.ends_with("time")
                    || lw.ends_with("al")
                    || lw.ends_with("ic")
                    || lw.ends_with("ive")
                    || lw == "ship")
                {
                    break;
                }
                ls = ws;
            }
            let long = norm_name(&before[ls..long_end]);
            let kind = EntityType::Other;
            (long, kind, Some(ls))
        };
        if let Some(ls) = long_start {
            if !ents.iter().any(|e| e.start < long_end && ls < e.end) {
                ents.push(Ent { start: ls, end: long_end, kind, canonical: canon.clone() });
            }
        }
        defs.push((acr_s.to_lowercase(), canon, kind));
    }
    if defs.is_empty() {
        ents.sort_by_key(|e| (e.start, e.end));
        return;
    }
    // Every mention of a defined acronym (any case) or of a long form.
    let mut extra: Vec<Ent> = Vec::new();
    // ASCII lower-casing keeps byte offsets identical to `text`.
    let hay = text.to_ascii_lowercase();
    for (acr, canon, kind) in &defs {
        for needle in [acr.as_str(), canon.as_str()] {
            let needle_l = needle.to_lowercase();
            if needle_l.is_empty() || !text.is_char_boundary(0) {
                continue;
            }
            let mut from = 0;
            while let Some(p) = hay.get(from..).and_then(|h| h.find(&needle_l)) {
                let s = from + p;
                let e = s + needle_l.len();
                from = e;
                if !text.is_char_boundary(s) || !text.is_char_boundary(e) {
                    continue;
                }
                let before_ok = !text[..s].ends_with(char::is_alphanumeric);
                let after_ok = !text[e..].starts_with(char::is_alphanumeric);
                if !(before_ok && after_ok) {
                    continue;
                }
                extra.push(Ent { start: s, end: e, kind: *kind, canonical: canon.clone() });
            }
        }
    }
    for x in extra {
        if let Some(e) = ents.iter_mut().find(|e| e.start == x.start && e.end == x.end) {
            e.canonical = x.canonical;
            e.kind = x.kind;
        } else if !ents.iter().any(|e| e.start < x.end && x.start < e.end) {
            ents.push(x);
        }
    }
    ents.sort_by_key(|e| (e.start, e.end));
}

/// Lossy romanisation key of one Korean syllable string: g/k, d/t, b/p,
/// j/ch, eo/o/u, ae/a, doubled letters.
fn fold_syllables(s: &str) -> String {
    let s = s.to_lowercase();
    let mut t = s
        .replace("ck", "k")
        .replace("eo", "o")
        .replace("eu", "u")
        .replace("oo", "u")
        .replace("ae", "a")
        .replace("ee", "i")
        .replace("ch", "j")
        .replace("wu", "u");
    t = t
        .chars()
        .map(|c| match c {
            'g' => 'k',
            'd' => 't',
            'b' => 'p',
            'j' => 'c',
            'u' => 'o',
            'r' => 'l',
            _ => c,
        })
        .collect();
    let mut out = String::with_capacity(t.len());
    for c in t.chars() {
        if c.is_alphanumeric() && !out.ends_with(c) {
            out.push(c);
        }
    }
    out
}

/// Surname families: variants of one Korean family name.
fn surname_family(s: &str) -> Option<&'static str> {
    Some(match s.to_lowercase().as_str() {
        "lee" | "rhee" | "yi" | "rhie" | "i" | "ri" => "lee",
        "park" | "pak" | "bak" | "bahk" => "park",
        "choi" | "choe" | "choy" => "choi",
        "kim" | "gim" => "kim",
        "ahn" | "an" => "ahn",
        "jung" | "jeong" | "chung" | "cheong" => "jung",
        "roh" | "noh" | "no" => "roh",
        "yoon" | "yun" => "yoon",
        "shin" | "sin" => "shin",
        "kang" | "gang" => "kang",
        "cho" | "jo" => "cho",
        "lim" | "im" | "rim" => "lim",
        "ryu" | "yoo" | "yu" => "yoo",
        "shim" | "sim" => "shim",
        "suh" | "seo" => "seo",
        "moon" | "mun" => "moon",
        "oh" | "o" => "oh",
        _ => return None,
    })
}

/// Lossy key of a person's name for romanisation variants: the surname
/// family plus the folded given-name syllables (hyphens and spaces ignored,
/// so `Jae Myung` and `Jae-myung` agree).
pub(crate) fn romanisation_key(name: &str) -> Option<String> {
    let parts: Vec<&str> = name.split(' ').filter(|p| !p.is_empty()).collect();
    if parts.len() < 2 {
        return None;
    }
    if !KOREAN_SURNAMES.iter().any(|s| s.eq_ignore_ascii_case(parts[0])) {
        return transliteration_key(&parts);
    }
    let fam = surname_family(parts[0]).map(str::to_string).unwrap_or_else(|| fold_syllables(parts[0]));
    let given: String = parts[1..].join("").replace('-', "");
    Some(format!("{fam} {}", fold_syllables(&given)))
}

/// Lossy key of a Latin-script name for transliteration variants
/// (`Dmitri`/`Dmitriy`/`Dmitry`, `Volkonsky`/`Volkonskiy`, `Aleksandr`/
/// `Alexander` is beyond it): i/y/iy/ij folded, w = v, kh = h, doubled
/// letters single. Like the Korean key it only proposes a match; the
/// registry confirms it by role or shared context.
fn transliteration_key(parts: &[&str]) -> Option<String> {
    if parts.len() > 3
        || !parts.iter().all(|p| {
            p.chars().next().is_some_and(char::is_uppercase) && p.chars().all(|c| c.is_alphabetic() || c == '-')
        })
    {
        return None;
    }
    let fold = |w: &str| -> String {
        let w = w
            .to_lowercase()
            .replace("iy", "i")
            .replace("ij", "i")
            .replace("kh", "h")
            .replace('y', "i")
            .replace('w', "v");
        let mut out = String::with_capacity(w.len());
        for c in w.chars().filter(|c| c.is_alphabetic()) {
            if !out.ends_with(c) {
                out.push(c);
            }
        }
        out
    };
    Some(format!("latin {}", parts.iter().map(|p| fold(p)).collect::<Vec<_>>().join(" ")))
}

/// Normalised role cue before a mention: `Defense Minister`, `Secretary of
/// Defense`; spelling (Defence) and renames (Secretary of War) folded.
fn role_before(text_before: &str, date: Option<NaiveDate>) -> Option<String> {
    static ROLE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)((?:defen[cs]e|foreign|prime|vice|finance|unification|interior)\s+(?:minister|secretary)|secretary\s+of\s+(?:war|defen[cs]e|state)|(?:minister)\s+of\s+\w+|president|chairman|prime\s+minister)\s+$")
            .expect("valid regex")
    });
    let tail_start = text_before.len().saturating_sub(60);
    let mut ts = tail_start;
    while !text_before.is_char_boundary(ts) {
        ts += 1;
    }
    let m = ROLE.captures(&text_before[ts..])?;
    let r = m.get(1)?.as_str().to_lowercase().replace("defence", "defense");
    let r = r.split_whitespace().collect::<Vec<_>>().join(" ");
    let r = dated_alias(&r, date).map(|c| c.to_lowercase()).unwrap_or(r);
    // "secretary of defense" and "defense secretary" are one role.
    Some(match r.strip_prefix("secretary of ") {
        Some(x) => format!("{x} secretary"),
        None => r,
    })
}

/// Case- and punctuation-folded key of a canonical name (`U.S.` = `US`,
/// `Defence` = `Defense`).
fn name_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split(|c: char| c.is_whitespace() || c == '-') {
        let w: String = w.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect();
        if w.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(if w == "defence" { "defense" } else { &w });
    }
    out
}

/// A context name as [`Known::context`] holds it: 8 bytes instead of a
/// string (two different names agreeing on all 64 bits is not a concern at
/// a few hundred names per entity).
fn context_key(name_key: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(name_key.as_bytes())
}

/// Names kept as one entity's context (see [`Known::context`]).
const MAX_CONTEXT_NAMES: usize = 512;

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Known {
    canonical: String,
    kind: EntityType,
    roles: HashSet<String>,
    /// Names seen beside this one ([`context_key`] of their name keys), read
    /// only to confirm a romanisation match; so kept only for entities
    /// reachable through `by_roman`. (Kept for every entity, frequent names
    /// gathered every co-occurring name: most of the ordered step's memory
    /// and time on a large stream. Kept as strings, they were most of the
    /// registry's memory: 875,000 names for 3,000 entities after 200,000
    /// articles, 60 of its 72 MB.)
    context: HashSet<u64>,
    romanised: bool,
    /// Day (days from CE) of the latest article naming it.
    last_day: i32,
}

/// Cross-article alias registry. Keeps state on purpose: a name's canonical
/// is the first form seen, so it depends on arrival order (deterministic for
/// the same order). Feed articles in order with [`AliasRegistry::fold`].
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct AliasRegistry {
    known: Vec<Known>,
    by_key: HashMap<String, usize>,
    by_roman: HashMap<String, Vec<usize>>,
    /// Acronym (lower case) -> known entity.
    acronyms: HashMap<String, usize>,
    min_shared_context: usize,
    /// The window's "today" (days from CE; see [`WindowClock`]): undated
    /// articles count as it.
    clock: WindowClock<i32>,
    /// Days an entity stays known after the last article naming it (none:
    /// forever). A long-running store sets it (see [`Self::with_window`]).
    #[serde(skip)]
    window_days: Option<u32>,
    /// The clock's day at the last [`Self::forget_quiet`] from `fold`.
    #[serde(skip)]
    forgot_on: Option<i32>,
    /// Tests only: keep every entity, to show that forgetting changes no
    /// decision.
    #[serde(skip)]
    never_forget: bool,
}

impl AliasRegistry {
    /// An empty registry with the alias settings of `cfg`.
    pub fn new(cfg: &AnalyzeConfig) -> Self {
        AliasRegistry { min_shared_context: cfg.alias_min_shared_context, ..Default::default() }
    }

    /// This registry with a memory window: an entity no article named for
    /// `days` is as good as unknown (its next mention starts it afresh,
    /// with that mention's spelling as canonical), and
    /// [`Self::forget_quiet`] drops it from memory. So a stream's registry
    /// holds the names of the last `days`, not every name ever printed.
    /// Decisions do not depend on when `forget_quiet` runs: lookups already
    /// pass over entities the window left.
    pub fn with_window(mut self, days: Option<u32>) -> Self {
        self.window_days = days;
        self
    }

    /// First day (days from CE) still inside the window for an article of
    /// day `today`; `None` without a window.
    fn window_start(&self, today: Option<i32>) -> Option<i32> {
        Some(today?.saturating_sub(self.window_days? as i32))
    }

    /// Drops the entities no article named within the window (measured from
    /// the latest day seen), with every name, spelling and acronym leading
    /// to them. `fold` calls it once per new day of the clock; nothing
    /// without a window.
    pub fn forget_quiet(&mut self) {
        let Some(start) = self.window_start(self.clock.now()).filter(|_| !self.never_forget) else { return };
        // Each entity's new index, or usize::MAX when it leaves.
        let mut kept = 0;
        let new_index: Vec<usize> = self
            .known
            .iter()
            .map(|k| {
                if k.last_day < start {
                    return usize::MAX;
                }
                kept += 1;
                kept - 1
            })
            .collect();
        if kept == self.known.len() {
            return;
        }
        let mut old = 0;
        self.known.retain(|_| {
            old += 1;
            new_index[old - 1] != usize::MAX
        });
        let moved = |i: &mut usize| {
            *i = new_index[*i];
            *i != usize::MAX
        };
        self.by_key.retain(|_, i| moved(i));
        self.acronyms.retain(|_, i| moved(i));
        self.by_roman.retain(|_, list| {
            list.retain_mut(|i| moved(i));
            !list.is_empty()
        });
    }

    /// Number of distinct entities known.
    pub fn len(&self) -> usize {
        self.known.len()
    }

    /// True when no entity is known yet.
    pub fn is_empty(&self) -> bool {
        self.known.is_empty()
    }

    /// Convenience for [`Self::fold`] with an article's raw text and date.
    pub fn fold_article(&mut self, article: &Article, analysis: &mut Analysis) {
        self.fold(analysis, &article.raw_text, article.best_date());
    }

    /// Rewrites `canonical` of the analysis' entities so variants seen in
    /// earlier articles share one canonical, and learns this article's names.
    /// `text` is the string the offsets point into (role cues are read from
    /// it); `date` the article's date.
    pub fn fold(&mut self, analysis: &mut Analysis, text: &str, date: Option<NaiveDate>) {
        let day = date.map(|d| d.num_days_from_ce());
        if let Some(d) = day {
            self.clock.observe(d);
        }
        // Once per new day, as the clusterer lets events go: a batch a year
        // long holds a year of names, not its own and the year before.
        if self.window_days.is_some() && self.clock.now() != self.forgot_on {
            self.forgot_on = self.clock.now();
            self.forget_quiet();
        }
        let today = day.or(self.clock.now());
        // Entities last named before this are as good as unknown. Measured
        // from the clock, which only moves forward, so an entity passed
        // over now would be passed over by every later lookup too, and
        // dropping it (`forget_quiet`) changes no decision.
        let window_start = self.window_start(self.clock.now());
        let live = |known: &[Known], k: usize| window_start.is_none_or(|start| known[k].last_day >= start);
        // Char -> byte for person mentions: a cursor walks forward from the
        // previous mention (mentions come in text order), so the article is
        // walked once, not once per mention; past the end gives `text.len()`.
        let mut cursor = (0usize, 0usize); // (chars, bytes) walked
        let mut byte_of = |c: usize| -> usize {
            let (mut chars, mut b) = if c < cursor.0 { (0, 0) } else { cursor };
            for ch in text[b..].chars() {
                if chars == c {
                    break;
                }
                b += ch.len_utf8();
                chars += 1;
            }
            cursor = (chars, b);
            b
        };
        // Distinct canonicals of this article, in order of first mention.
        let mut order: Vec<(String, EntityType)> = Vec::new();
        let mut roles: HashMap<String, HashSet<String>> = HashMap::new();
        for e in &analysis.entities {
            if !order.iter().any(|(c, _)| c == &e.canonical) {
                order.push((e.canonical.clone(), e.kind));
            }
            if e.kind == EntityType::Person {
                let b = byte_of(e.start);
                if let Some(r) = role_before(&text[..b], date) {
                    roles.entry(e.canonical.clone()).or_default().insert(r);
                }
            }
        }
        // In order of first mention, not a hash set's: at the context cap,
        // which names an entity keeps must not differ from one process to
        // the next (a randomly seeded set's order did).
        let mut context_all: Vec<String> = Vec::with_capacity(order.len());
        for (c, _) in &order {
            let k = name_key(c);
            if !context_all.contains(&k) {
                context_all.push(k);
            }
        }
        let mut rename: HashMap<String, String> = HashMap::new();
        for (canon, kind) in &order {
            let key = name_key(canon);
            let my_roles = roles.get(canon).cloned().unwrap_or_default();
            // This name's context: the article's other names (built lazily:
            // only romanisation matching reads it).
            let ctx = || context_all.iter().filter(|c| **c != key);
            let mut hit = self.by_key.get(&key).copied().filter(|&k| live(&self.known, k));
            // An undefined acronym seen defined in an earlier article.
            if hit.is_none() && is_acronym_like(canon) {
                hit = self.acronyms.get(&canon.to_lowercase()).copied().filter(|&k| live(&self.known, k));
            }
            let roman = if *kind == EntityType::Person { romanisation_key(canon) } else { None };
            if hit.is_none() {
                if let Some(rk) = &roman {
                    // Same lossy key AND confirmed by context, never the key alone.
                    hit = self.by_roman.get(rk).and_then(|cands| {
                        cands.iter().copied().filter(|&k| live(&self.known, k)).find(|&k| {
                            let kn = &self.known[k];
                            let shared_role = kn.roles.iter().any(|r| my_roles.contains(r));
                            let shared_ctx = ctx().filter(|c| kn.context.contains(&context_key(c))).count();
                            shared_role || shared_ctx >= self.min_shared_context
                        })
                    });
                }
            }
            let idx = match hit {
                Some(k) => k,
                None => {
                    let romanised = roman.is_some();
                    self.known.push(Known {
                        canonical: canon.clone(),
                        kind: *kind,
                        roles: HashSet::new(),
                        context: HashSet::new(),
                        romanised,
                        last_day: today.unwrap_or(0),
                    });
                    let k = self.known.len() - 1;
                    self.by_key.insert(key.clone(), k);
                    if let Some(rk) = &roman {
                        self.by_roman.entry(rk.clone()).or_default().push(k);
                    }
                    k
                }
            };
            let kn = &mut self.known[idx];
            kn.last_day = kn.last_day.max(today.unwrap_or(i32::MIN));
            kn.roles.extend(my_roles);
            if kn.romanised {
                for c in ctx() {
                    // Bounded: a name in the news for years meets every
                    // other name; the first few hundred confirm a spelling.
                    if kn.context.len() >= MAX_CONTEXT_NAMES {
                        break;
                    }
                    kn.context.insert(context_key(c));
                }
            }
            let by_key = self.by_key.entry(key).or_insert(idx);
            if !live(&self.known, *by_key) {
                *by_key = idx;
            }
            let kn = &self.known[idx];
            if kn.canonical != *canon {
                rename.insert(canon.clone(), kn.canonical.clone());
            }
        }
        // Learn acronyms used in this article: entity text all caps, canonical longer.
        for e in &analysis.entities {
            if is_acronym_like(&e.text) && !e.canonical.eq_ignore_ascii_case(&e.text) {
                let target = rename.get(&e.canonical).unwrap_or(&e.canonical);
                if let Some(&k) = self.by_key.get(&name_key(target)) {
                    let acronym = self.acronyms.entry(e.text.to_lowercase()).or_insert(k);
                    if !live(&self.known, *acronym) {
                        *acronym = k;
                    }
                }
            }
        }
        for e in &mut analysis.entities {
            if let Some(c) = rename.get(&e.canonical) {
                e.canonical = c.clone();
            }
            if let Some(&k) = self.by_key.get(&name_key(&e.canonical)) {
                if self.known[k].kind == EntityType::Person && e.kind == EntityType::Other {
                    e.kind = EntityType::Person;
                }
            }
        }
    }
}

fn is_acronym_like(s: &str) -> bool {
    let n = s.chars().count();
    (2..=10).contains(&n)
        && s.chars().all(|c| c.is_alphabetic())
        && s.chars().next().is_some_and(char::is_uppercase)
        && !s.contains(' ')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acronym_spelling() {
        let w = |s: &str| s.split(' ').map(str::to_string).collect::<Vec<_>>();
        assert!(spells(b"opcon", &w("operational control")));
        assert!(spells(b"usfk", &w("u.s. forces korea").iter().map(|x| x.replace('.', "")).collect::<Vec<_>>()));
        assert!(spells(b"mro", &w("maintenance repair and overhaul")));
        assert!(!spells(b"scm", &w("operational control")));
    }

    #[test]
    fn transliteration_keys_fold_slavic_spellings() {
        let k = |n: &str| romanisation_key(n);
        assert_eq!(k("Dmitri Volkonsky"), k("Dmitriy Volkonskiy"));
        assert_eq!(k("Dmitri Volkonsky"), k("Dmitry Volkonsky"));
        assert_ne!(k("Dmitri Volkonsky"), k("Pavel Sorokin"));
        assert_eq!(k("Mikhail Gorbachev"), k("Mihail Gorbachev"));
        assert_eq!(k("single"), None);
    }

    #[test]
    fn romanisation_keys() {
        assert_eq!(romanisation_key("Ahn Kyu-back"), romanisation_key("Ahn Gyu-back"));
        assert_eq!(romanisation_key("Lee Jae Myung"), romanisation_key("Rhee Jae-myung"));
        assert_eq!(romanisation_key("Park Geun-hye"), romanisation_key("Pak Kun-hye"));
        assert_ne!(romanisation_key("Kim Jong Un"), romanisation_key("Kim Jong Il"));
        assert_ne!(romanisation_key("Kim Yong-hyun"), romanisation_key("Ahn Gyu-back"));
        assert_ne!(romanisation_key("Pete Hegseth"), romanisation_key("Pete Hegseth").map(|k| k + "x"));
        assert!(romanisation_key("Pete Hegseth").is_some_and(|k| k.starts_with("latin ")));
    }

    #[test]
    fn dated_renames() {
        let after = NaiveDate::from_ymd_opt(2025, 10, 1);
        let before = NaiveDate::from_ymd_opt(1900, 1, 1);
        assert_eq!(dated_alias("Department of War", after), Some("U.S. Department of Defense"));
        assert_eq!(dated_alias("Department of War", before), None);
        assert_eq!(dated_alias("Secretary of War", after), Some("Secretary of Defense"));
    }

    #[test]
    fn role_cues_fold_spelling_and_renames() {
        let d = NaiveDate::from_ymd_opt(2025, 10, 1);
        assert_eq!(role_before("South Korean Defence Minister ", d).as_deref(), Some("defense minister"));
        assert_eq!(role_before("U.S. Secretary of War ", d).as_deref(), Some("defense secretary"));
        assert_eq!(role_before("U.S. Defense Secretary ", d).as_deref(), Some("defense secretary"));
    }

    /// An analysis naming these people (offsets unused by the registry).
    fn people(names: &[String]) -> Analysis {
        Analysis {
            entities: names
                .iter()
                .map(|n| crate::model::Entity {
                    text: n.clone(),
                    kind: EntityType::Person,
                    start: 0,
                    end: 0,
                    canonical: n.clone(),
                })
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn a_full_context_keeps_the_first_mentioned_names_in_every_process() {
        let cfg = AnalyzeConfig::default();
        // Made-up names of two capitalised words, letters only.
        let word = |mut k: usize| {
            let mut w = String::from("Q");
            for _ in 0..5 {
                w.push((b'a' + (k % 26) as u8) as char);
                k /= 26;
            }
            w
        };
        let others: Vec<String> = (0..600).map(|k| format!("{} {}", word(k), word(k * 31 + 7))).collect();
        let first: Vec<String> =
            std::iter::once("Dmitri Volkonsky".to_string()).chain(others.iter().cloned()).collect();
        let with = |variant: &str, company: &[String]| -> Vec<String> {
            std::iter::once(variant.to_string()).chain(company.iter().cloned()).collect()
        };
        for _ in 0..4 {
            let mut reg = AliasRegistry::new(&cfg);
            reg.fold(&mut people(&first), "", None);
            // Named beside the last-mentioned names only, past the cap: no
            // shared context.
            let mut late = people(&with("Dmitriy Volkonskiy", &others[590..]));
            reg.fold(&mut late, "", None);
            assert_eq!(late.entities[0].canonical, "Dmitriy Volkonskiy");
            // Beside the first-mentioned ones: the same person.
            let mut early = people(&with("Dmitry Volkonsky", &others[..10]));
            reg.fold(&mut early, "", None);
            assert_eq!(early.entities[0].canonical, "Dmitri Volkonsky");
        }
    }

    #[test]
    fn romanisation_needs_context() {
        let cfg = AnalyzeConfig::default();
        let mut reg = AliasRegistry::new(&cfg);
        let mk = |t: &str, name: &str| {
            let mut a = super::super::analyze_text(t, None, &cfg);
            assert!(a.entities.iter().any(|e| e.canonical == name), "{:?}", a.entities);
            a.entities.retain(|e| e.canonical == name);
            a
        };
        let t1 = "Defense Minister Ahn Kyu-back spoke.";
        let t2 = "Defense Minister Ahn Gyu-back spoke.";
        let t3 = "Professor Ahn Gyu-baek spoke.";
        let mut a1 = mk(t1, "Ahn Kyu-back");
        let mut a2 = mk(t2, "Ahn Gyu-back");
        let mut a3 = mk(t3, "Ahn Gyu-baek");
        reg.fold(&mut a1, t1, None);
        reg.fold(&mut a2, t2, None);
        reg.fold(&mut a3, t3, None);
        assert_eq!(a2.entities[0].canonical, "Ahn Kyu-back");
        // Same lossy key but no shared role or context: kept apart.
        assert_eq!(a3.entities[0].canonical, "Ahn Gyu-baek");
    }

    fn day(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    /// A spelling learned years ago no longer decides a name's canonical
    /// in a windowed registry; a spelling seen within the window still does.
    #[test]
    fn a_window_lets_a_name_unseen_for_longer_start_afresh() {
        let cfg = AnalyzeConfig::default();
        let t1 = "Defense Minister Ahn Kyu-back spoke.";
        let t2 = "Defense Minister Ahn Gyu-back spoke.";
        let run = |window: Option<u32>, later: Option<NaiveDate>| {
            let mut reg = AliasRegistry::new(&cfg).with_window(window);
            let mut a1 = super::super::analyze_text(t1, day(2021, 12, 2), &cfg);
            reg.fold(&mut a1, t1, day(2021, 12, 2));
            // The clock moves when two articles agree (see `WindowClock`).
            let other = "Officials met in Seoul.";
            let the_day_before = later.and_then(|d| d.pred_opt());
            reg.fold(&mut super::super::analyze_text(other, the_day_before, &cfg), other, the_day_before);
            let mut a2 = super::super::analyze_text(t2, later, &cfg);
            reg.fold(&mut a2, t2, later);
            a2.entities.iter().find(|e| e.text == "Ahn Gyu-back").expect("the name is found").canonical.clone()
        };
        assert_eq!(run(None, day(2025, 11, 4)), "Ahn Kyu-back", "no window: remembered for ever");
        assert_eq!(run(Some(365), day(2022, 6, 1)), "Ahn Kyu-back", "within the window");
        assert_eq!(run(Some(365), day(2025, 11, 4)), "Ahn Gyu-back", "four years later");
    }

    /// Forgetting is memory only: a registry that drops quiet entities
    /// (once per new day by itself, or before every article) decides every
    /// canonical like one that never drops them, and holds fewer.
    #[test]
    fn forgetting_quiet_entities_changes_memory_not_decisions() {
        let cfg = AnalyzeConfig::default();
        let texts = [
            (day(2021, 1, 5), "Defense Minister Ahn Kyu-back met U.S. Forces Korea commander Paul LaCamera."),
            (day(2021, 3, 1), "Defense Minister Ahn Gyu-back and the USFK spoke with Lloyd Austin."),
            (None, "Lloyd J. Austin and Paul LaCamera met."),
            (day(2022, 9, 9), "Suh Wook met Lloyd Austin at the Pentagon."),
            (day(2023, 2, 1), "Defense Minister Ahn Gyu-back met US Forces Korea officers."),
            (day(2023, 2, 2), "The USFK said Paul La Camera left; Defense Minister Ahn Kyu-back spoke."),
            (day(2023, 2, 3), "Suh Wook and Lloyd Austin spoke again."),
        ];
        let mut kept = AliasRegistry { never_forget: true, ..AliasRegistry::new(&cfg).with_window(Some(365)) };
        let mut forgetting = AliasRegistry::new(&cfg).with_window(Some(365));
        let mut by_itself = AliasRegistry::new(&cfg).with_window(Some(365));
        for (date, text) in texts {
            let mut a = super::super::analyze_text(text, date, &cfg);
            let (mut b, mut c) = (a.clone(), a.clone());
            kept.fold(&mut a, text, date);
            forgetting.forget_quiet();
            forgetting.fold(&mut b, text, date);
            by_itself.fold(&mut c, text, date);
            let canon = |x: &Analysis| x.entities.iter().map(|e| e.canonical.clone()).collect::<Vec<_>>();
            assert_eq!(canon(&a), canon(&b), "{text}");
            assert_eq!(canon(&a), canon(&c), "{text}");
        }
        assert!(by_itself.len() < kept.len(), "{} vs {}", by_itself.len(), kept.len());
        forgetting.forget_quiet();
        assert!(forgetting.len() < kept.len(), "{} vs {}", forgetting.len(), kept.len());
        // After the forgetting, the registry still works: a later spelling
        // of a name named in the window joins it.
        let t = "Defense Minister Ahn Gyu-back returned.";
        let mut a = super::super::analyze_text(t, day(2023, 3, 1), &cfg);
        forgetting.fold(&mut a, t, day(2023, 3, 1));
        assert!(a.entities.iter().any(|e| e.canonical == "Ahn Gyu-back"), "{:?}", a.entities);
    }
}
