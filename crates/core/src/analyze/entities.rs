//! Entity recognition: capitalised-span chunking, role and organisation cues,
//! and a gazetteer of places. All offsets here are byte offsets.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};

use super::AnalyzeConfig;
use crate::model::EntityType;

/// An entity mention in byte offsets.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Ent {
    pub start: usize,
    pub end: usize,
    pub kind: EntityType,
    pub canonical: String,
}

/// A word token. `cap`: starts with an upper-case letter.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tok {
    pub start: usize,
    pub end: usize,
    pub cap: bool,
    /// First token of a sentence or line.
    pub sent_start: bool,
    /// Only spaces (no punctuation, no line break) since the previous token.
    pub joined: bool,
    /// On an all-caps headline or byline line.
    pub caps_line: bool,
}

/// Abbreviations that keep their trailing dot and do not end a sentence.
const ABBREVS: &[&str] = &[
    "Adm", "Apr", "Aug", "Capt", "Co", "Col", "Corp", "Dec", "Dr", "Feb", "Gen", "Gov", "Inc", "Jan", "Jr", "Jul",
    "Jun", "Lt", "Ltd", "Maj", "Mar", "Mr", "Mrs", "Ms", "No", "Nov", "Oct", "Prof", "Rep", "Rev", "Sen", "Sep",
    "Sept", "Sgt", "Sr", "St", "vs",
];

pub(crate) fn is_abbrev(word: &str) -> bool {
    let w = word.trim_end_matches('.');
    ABBREVS.contains(&w)
}

/// Words that head a role phrase: the capitalised name after them is a person.
#[rustfmt::skip]
const ROLE_HEADS: &[&str] = &[
    "adm", "admiral", "ambassador", "ayatollah", "capt", "captain", "chairman", "chairwoman", "chancellor",
    "col", "colonel", "commander", "director", "dr", "emir", "gen", "general", "gov", "governor", "judge",
    "justice", "king", "lt", "maj", "mayor", "minister", "mr", "mrs", "ms", "pope", "premier", "president",
    "prince", "princess", "prof", "professor", "queen", "rep", "rev", "secretary", "secretary-general",
    "sen", "senator", "sgt", "sheikh", "spokesman", "spokeswoman", "spokesperson", "representative",
];

/// Words that modify a role head (`Defense Minister`, `Vice President`).
#[rustfmt::skip]
const ROLE_MODS: &[&str] = &[
    "acting", "assistant", "attorney", "chief", "defence", "defense", "deputy", "finance", "first", "foreign",
    "former", "home", "interior", "justice", "prime", "state", "trade", "unification", "vice", "under",
    "army", "navy", "health", "energy", "education", "lieutenant", "major", "brigadier", "rear", "press",
];

/// Last words that make a span an organisation.
#[rustfmt::skip]
const ORG_CUES: &[&str] = &[
    "administration", "agency", "airlines", "army", "assembly", "association", "authority", "bank", "board",
    "bureau", "cabinet", "chiefs", "co", "college", "command", "commission", "committee", "company", "congress",
    "corp", "corporation", "council", "court", "daily", "department", "embassy", "force", "forces", "foundation",
    "fund", "group", "guard", "herald", "inc", "institute", "league", "ltd", "ministry", "navy", "news",
    "office", "organisation", "organization", "parliament", "party", "police", "post", "press", "service",
    "staff", "times", "tribune", "union", "university", "journal", "agency", "network", "coalition",
    "alliance", "senate", "marines", "corps", "school", "hospital", "church", "club", "team",
];

/// Words that make a span an organisation wherever they stand
/// (`U.S. Forces Korea`).
const STRONG_ORG: &[&str] = &[
    "forces",
    "command",
    "ministry",
    "department",
    "agency",
    "committee",
    "council",
    "university",
    "party",
    "corps",
    "bank",
];

/// First words that make a span an organisation (`Ministry of ...`).
const ORG_HEADS: &[&str] = &["bank", "department", "ministry", "office", "university", "house", "council", "bureau"];

/// Well-known organisations that carry no cue word.
#[rustfmt::skip]
const KNOWN_ORGS: &[&str] = &[
    "AFP", "Congress", "EIN Presswire", "Hamas", "Hezbollah", "Kremlin", "MENAFN", "NATO", "Pentagon",
    "Reuters", "Taliban", "White House", "Yonhap", "Xinhua", "Interpol", "UNESCO", "UNICEF", "WHO",
    "Google", "Apple", "Microsoft", "Amazon", "Facebook", "Meta", "Samsung", "Hyundai", "Nvidia",
];

/// Words that make a span a named event, law or other thing.
#[rustfmt::skip]
const OTHER_CUES: &[&str] = &[
    "act", "agreement", "award", "capability", "championship", "conference", "cup", "declaration", "dialogue",
    "forum", "games", "meeting", "olympics", "prize", "summit", "talks", "treaty", "war", "accord", "festival",
    "pandemic", "plan", "initiative", "exercise", "drills",
];

/// Demonyms and adjectives of place: not entities on their own.
#[rustfmt::skip]
const DEMONYMS: &[&str] = &[
    "american", "asian", "british", "chinese", "european", "french", "german", "indian", "iranian", "israeli",
    "japanese", "korean", "koreans", "north", "russian", "south", "ukrainian", "western", "eastern", "arab",
    "african", "australian", "canadian", "filipino", "italian", "spanish", "turkish", "mexican", "syrian",
    "palestinian", "taiwanese", "vietnamese", "pakistani", "afghan", "iraqi", "saudi", "egyptian", "polish",
    "americans", "allied", "communist", "islamic", "muslim", "christian", "jewish", "catholic", "democrat",
    "republican", "democrats", "republicans", "east", "west", "central", "northern", "southern",
];

/// Capitalised words that start sentences but are not names.
#[rustfmt::skip]
const COMMON: &[&str] = &[
    "a", "about", "according", "after", "again", "all", "also", "although", "among", "an", "and", "another",
    "any", "as", "at", "because", "before", "both", "but", "by", "currently", "despite", "during", "each",
    "earlier", "even", "every", "finally", "following", "for", "from", "further", "he", "her", "here", "his",
    "however", "i", "if", "in", "instead", "it", "its", "last", "later", "legal", "many", "meanwhile", "more",
    "most", "my", "new", "next", "no", "not", "notably", "now", "of", "on", "once", "one", "only", "or", "other",
    "our", "over", "since", "she", "so", "some", "still", "such", "that", "the", "their", "then", "there",
    "these", "they", "this", "those", "though", "through", "thus", "to", "today", "under", "unlike", "until",
    "we", "what", "when", "where", "whether", "which", "while", "who", "why", "with", "within", "without",
    "yet", "you", "your", "yesterday", "tomorrow", "monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday", "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "published", "updated", "copyright", "photo", "read", "see", "click", "share",
    "image", "source", "editor", "secure", "support", "cancel", "or", "your", "to", "we", "do", "please",
];

/// Acronym-like tokens that are not entities.
const NOT_ACRONYMS: &[&str] =
    &["AI", "AM", "PM", "TV", "OK", "BY", "ID", "FAQ", "PDF", "URL", "CEO", "GDP", "COVID-19"];

/// Given names that mark a person when no role cue is present.
#[rustfmt::skip]
const FIRST_NAMES: &[&str] = &[
    "Alex", "Alexander", "Andrew", "Angela", "Anna", "Anthony", "Barack", "Ben", "Benjamin", "Bill", "Bob",
    "Boris", "Brian", "Charles", "Chris", "Christopher", "Daniel", "David", "Donald", "Elizabeth", "Emmanuel",
    "Emily", "Frank", "George", "Hillary", "Jack", "James", "Jane", "Jason", "Jeff", "Jennifer", "Jim",
    "Joe", "John", "Joseph", "Justin", "Kamala", "Karen", "Kevin", "Kim", "Laura", "Linda", "Lisa",
    "Lloyd", "Maria", "Mark", "Mary", "Michael", "Mike", "Nancy", "Narendra", "Nicolas", "Olaf", "Paul",
    "Pete", "Peter", "Richard", "Robert", "Ron", "Sarah", "Scott", "Steve", "Steven", "Susan", "Theresa",
    "Thomas", "Tom", "Tony", "Vladimir", "William", "Xi", "Marco", "Antony", "Rishi", "Keir", "Fumio",
    "Shinzo", "Volodymyr", "Recep", "Jair", "Luiz", "Ursula", "Lindsay", "Ryan", "Matthew", "Patrick",
];

/// Korean family names (romanised variants) that mark `Surname Given-name`.
pub(crate) const KOREAN_SURNAMES: &[&str] = &[
    "Ahn", "An", "Bae", "Baek", "Bak", "Cha", "Chang", "Cho", "Choe", "Choi", "Chung", "Gang", "Gim", "Go", "Han",
    "Heo", "Hong", "Hwang", "Im", "Jang", "Jeon", "Jeong", "Jin", "Jo", "Jung", "Kang", "Kim", "Ko", "Kwon", "Lee",
    "Lim", "Moon", "Mun", "Nam", "Noh", "Oh", "Pak", "Park", "Rhee", "Roh", "Ryu", "Seo", "Shim", "Shin", "Sim", "Sin",
    "Song", "Suh", "Son", "Woo", "Yang", "Yi", "Yoo", "Yoon", "Yu", "Yun",
];

struct Gazetteer {
    ac: AhoCorasick,
    /// Canonical name of each pattern.
    canon: Vec<&'static str>,
    exact: HashMap<&'static str, &'static str>,
}

static GAZ: LazyLock<Gazetteer> = LazyLock::new(|| {
    let mut pats = Vec::new();
    let mut canon = Vec::new();
    let mut exact = HashMap::new();
    for file in [include_str!("data/countries.tsv"), include_str!("data/places-extra.tsv")] {
        for line in file.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let mut f = line.split('\t');
            let (Some(s), Some(c)) = (f.next(), f.next()) else { continue };
            if exact.insert(s, c).is_none() {
                pats.push(s);
                canon.push(c);
            }
        }
    }
    // Case-sensitive on purpose: "chad" or "turkey" in lower case are not places.
    let ac = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(&pats)
        .expect("gazetteer patterns are plain strings");
    Gazetteer { ac, canon, exact }
});

static SETS: LazyLock<Sets> = LazyLock::new(|| Sets {
    role_heads: ROLE_HEADS.iter().copied().collect(),
    role_mods: ROLE_MODS.iter().copied().collect(),
    org_cues: ORG_CUES.iter().copied().collect(),
    org_heads: ORG_HEADS.iter().copied().collect(),
    other_cues: OTHER_CUES.iter().copied().collect(),
    demonyms: DEMONYMS.iter().copied().collect(),
    common: COMMON.iter().copied().chain(crate::text::STOPWORDS.iter().copied()).collect(),
    first_names: FIRST_NAMES.iter().copied().collect(),
    korean: KOREAN_SURNAMES.iter().copied().collect(),
    known_orgs: KNOWN_ORGS.iter().copied().collect(),
});

struct Sets {
    role_heads: HashSet<&'static str>,
    role_mods: HashSet<&'static str>,
    org_cues: HashSet<&'static str>,
    org_heads: HashSet<&'static str>,
    other_cues: HashSet<&'static str>,
    demonyms: HashSet<&'static str>,
    common: HashSet<&'static str>,
    first_names: HashSet<&'static str>,
    korean: HashSet<&'static str>,
    known_orgs: HashSet<&'static str>,
}

/// Canonical place name of an exact gazetteer entry.
#[allow(dead_code)]
pub(crate) fn place_canonical(s: &str) -> Option<&'static str> {
    GAZ.exact.get(s).copied()
}

/// Month and weekday names (with or without a dot): times, not entities.
fn is_time_word(w: &str) -> bool {
    #[rustfmt::skip]
    const T: &[&str] = &[
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "january",
        "february", "march", "april", "june", "july", "august", "september", "october", "november", "december",
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    ];
    T.contains(&lower_key(w).as_str())
}

/// Whether `s` is a role word (head or modifier), lower-cased, dot-less.
pub(crate) fn is_role_word(lower: &str) -> bool {
    SETS.role_heads.contains(lower) || SETS.role_mods.contains(lower)
}

fn is_apos(c: char) -> bool {
    c == '\'' || c == '’'
}

/// Splits `text` into word tokens. Walks the text by byte offset, one
/// character at a time with two of lookahead, instead of collecting every
/// `(offset, char)` pair first: that table cost 16 bytes per character, the
/// largest allocation of a long article's whole ingest (issue 21: peak
/// memory 27 times a 15 MB text file).
pub(crate) fn tokenize(text: &str, cfg: &AnalyzeConfig) -> Vec<Tok> {
    // About one token per six bytes of English; growth covers the rest.
    let mut toks: Vec<Tok> = Vec::with_capacity(text.len() / 8);
    // The character at byte `b` (a char boundary), if any.
    let at = |b: usize| text.get(b..).and_then(|rest| rest.chars().next());
    let mut i = 0;
    let mut sent_start = true;
    let mut joined = false;
    let mut caps_line = line_is_caps(text, 0, cfg);
    while let Some(c) = at(i) {
        let b = i;
        if !c.is_alphanumeric() {
            match c {
                '\n' => {
                    sent_start = true;
                    joined = false;
                    caps_line = line_is_caps(text, b + 1, cfg);
                }
                '.' | '!' | '?' => {
                    sent_start = true;
                    joined = false;
                }
                ' ' | '\u{a0}' | '\t' => {}
                _ => joined = false,
            }
            i += c.len_utf8();
            continue;
        }
        let mut j = i + c.len_utf8();
        while let Some(cj) = at(j) {
            let j1 = j + cj.len_utf8();
            let next = at(j1);
            let next_alnum = next.is_some_and(char::is_alphanumeric);
            if cj.is_alphanumeric() || ((cj == '-' || cj == '‐' || cj == '.') && next_alnum) {
                j = j1;
            } else if is_apos(cj) && next_alnum {
                // Possessive 's ends the token; O'Brien and don't continue.
                let next = next.unwrap_or(' ');
                let after = at(j1 + next.len_utf8()).unwrap_or(' ');
                if (next == 's' || next == 'S') && !after.is_alphanumeric() {
                    break;
                }
                j = j1;
            } else {
                break;
            }
        }
        let mut end_b = j;
        let word = &text[b..end_b];
        if at(j) == Some('.') {
            let single = word.chars().count() == 1 && c.is_uppercase();
            if word.contains('.') || is_abbrev(word) || single {
                // Only a dot that is not part of an abbreviation ends a sentence.
                end_b += 1;
                j += 1;
            }
        }
        let cap = c.is_uppercase()
            || ((word.starts_with("al-") || word.starts_with("el-")) && word[3..].starts_with(char::is_uppercase));
        toks.push(Tok { start: b, end: end_b, cap, sent_start, joined: joined && !sent_start, caps_line });
        sent_start = false;
        joined = true;
        i = j;
    }
    toks
}

/// Whether the line starting at byte `from` is an all-caps headline.
fn line_is_caps(text: &str, from: usize, cfg: &AnalyzeConfig) -> bool {
    let line = text.get(from..).unwrap_or("");
    let line = &line[..line.find('\n').unwrap_or(line.len())];
    let (mut up, mut letters, mut words) = (0usize, 0usize, 0usize);
    let mut in_word = false;
    for c in line.chars() {
        if c.is_alphabetic() {
            letters += 1;
            if c.is_uppercase() {
                up += 1;
            }
            if !in_word {
                words += 1;
            }
            in_word = true;
        } else {
            in_word = false;
        }
    }
    words >= cfg.caps_line_min_words && letters > 0 && up as f32 >= cfg.caps_line_ratio * letters as f32
}

fn lower_key(s: &str) -> String {
    s.trim_end_matches('.').to_lowercase()
}

fn is_connector(w: &str) -> bool {
    matches!(
        w,
        "of" | "for" | "the" | "and" | "de" | "del" | "da" | "di" | "von" | "van" | "bin" | "ibn" | "la" | "du" | "&"
    )
}

/// Normalised name: straight apostrophes, single spaces.
pub(crate) fn norm_name(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push(if c == '’' { '\'' } else { c });
    }
    out
}

/// Recognises entity mentions in `text`.
pub(crate) fn recognise(text: &str, cfg: &AnalyzeConfig) -> Vec<Ent> {
    let toks = tokenize(text, cfg);
    let word = |t: &Tok| &text[t.start..t.end];
    // Lower-case words and mid-sentence capitalised words of the document:
    // a sentence-initial word seen in lower case elsewhere is a common word.
    let mut lower_seen: HashSet<&str> = HashSet::new();
    let mut cap_mid: HashSet<&str> = HashSet::new();
    for t in &toks {
        let w = word(t);
        if !t.cap && w.starts_with(char::is_lowercase) {
            lower_seen.insert(w);
        } else if t.cap && !t.sent_start && !t.caps_line {
            cap_mid.insert(w);
        }
    }
    let sets = &*SETS;
    let mut out: Vec<Ent> = Vec::new();
    // Sentence-initial single words kept aside until people are known.
    let mut pending: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let t = toks[i];
        if !t.cap || t.caps_line {
            i += 1;
            continue;
        }
        // Grow the chunk: capitalised tokens, connectors between them.
        let mut j = i + 1;
        while j < toks.len() && j - i < cfg.max_entity_tokens {
            let u = toks[j];
            if !u.joined || u.caps_line {
                break;
            }
            if u.cap {
                j += 1;
                continue;
            }
            let w = word(&u);
            let next_cap = toks.get(j + 1).is_some_and(|v| v.cap && v.joined);
            let ok = match w {
                "of" | "for" | "de" | "del" | "da" | "di" | "von" | "van" | "bin" | "ibn" | "la" | "du" => next_cap,
                // "the" only inside "of the"/"for the": Chairman of the Joint Chiefs.
                "the" => next_cap && j > i && matches!(word(&toks[j - 1]), "of" | "for"),
                // "and" only inside an organisation name: Ministry of Trade and Industry.
                "and" | "&" => next_cap && sets.org_heads.contains(lower_key(word(&toks[i])).as_str()),
                _ => false,
            };
            if ok {
                j += 1;
            } else {
                break;
            }
        }
        // Trim trailing connectors.
        while j > i + 1 && !toks[j - 1].cap {
            j -= 1;
        }
        let mut s = i;
        // A sentence-initial common word is not part of a name.
        if toks[s].sent_start {
            let w = word(&toks[s]);
            let lw = w.to_lowercase();
            let all_caps = w.chars().filter(|c| c.is_alphabetic()).all(char::is_uppercase) && w.len() > 1;
            let in_gaz = GAZ.exact.contains_key(w) || is_role_word(&lower_key(w)) || all_caps;
            let common = sets.common.contains(lw.as_str())
                || (!in_gaz && !cap_mid.contains(w) && (lower_seen.contains(lw.as_str()) || j - s == 1))
                || (!in_gaz && (lw.ends_with("ly") || lw.ends_with("-armed")) && !cap_mid.contains(w));
            if common {
                if j - s == 1 && !sets.common.contains(lw.as_str()) {
                    pending.push((toks[s].start, toks[s].end));
                }
                s += 1;
                while s < j && !toks[s].cap {
                    s += 1;
                }
            }
        }
        if s < j {
            classify_chunk(text, &toks[s..j], cfg, &mut out);
        }
        i = j.max(i + 1);
    }
    resolve_people(text, &mut out, &pending);
    out.sort_by_key(|e| (e.start, e.end));
    out.dedup_by(|b, a| a.start < b.end && b.start < a.end);
    out
}

/// Splits a chunk at role cues and types each part.
fn classify_chunk(text: &str, toks: &[Tok], cfg: &AnalyzeConfig, out: &mut Vec<Ent>) {
    let sets = &*SETS;
    let lw: Vec<String> = toks.iter().map(|t| lower_key(&text[t.start..t.end])).collect();
    let is_head = |k: usize| {
        let w = lw[k].as_str();
        sets.role_heads.contains(w)
            || w.strip_prefix("then-").or_else(|| w.strip_prefix("ex-")).is_some_and(|r| sets.role_heads.contains(r))
    };
    let is_mod = |k: usize| {
        let w = lw[k].as_str();
        sets.role_mods.contains(w) || w.starts_with("then-") || w.starts_with("ex-")
    };
    // Find the last role run: a run of heads/modifiers containing a head.
    let mut last_run: Option<(usize, usize)> = None;
    let mut k = 0;
    while k < toks.len() {
        if is_head(k) || is_mod(k) {
            let s = k;
            let mut has_head = false;
            while k < toks.len() && (is_head(k) || is_mod(k)) {
                has_head |= is_head(k);
                k += 1;
            }
            // "Secretary of War Pete Hegseth": `of X` belongs to the role when a name follows.
            let clean_name_after = |from: usize| {
                from < toks.len() && lw[from..].iter().all(|w| !is_connector(w) && !sets.org_cues.contains(w.as_str()))
            };
            if has_head && k + 2 < toks.len() && lw[k] == "of" && toks[k + 1].cap && clean_name_after(k + 2) {
                k += 2;
            }
            // "General Motors"-style false role: a head followed by an org cue is a name.
            if has_head {
                last_run = Some((s, k));
            }
        } else {
            k += 1;
        }
    }
    if let Some((rs, re)) = last_run {
        let name = &toks[re..];
        let looks_name = !name.is_empty()
            && name.len() <= cfg.max_person_tokens
            && name[0].cap
            && !name.iter().any(|t| {
                let w = lower_key(&text[t.start..t.end]);
                sets.org_cues.contains(w.as_str()) || sets.other_cues.contains(w.as_str()) || is_connector(&w)
            })
            && !GAZ.exact.contains_key(&text[name[0].start..name[name.len() - 1].end]);
        if looks_name {
            let (s, e) = (name[0].start, name[name.len() - 1].end);
            out.push(Ent { start: s, end: e, kind: EntityType::Person, canonical: norm_name(&text[s..e]) });
        } else if !name.is_empty() {
            classify_plain(text, name, out);
        }
        if rs > 0 {
            classify_chunk(text, &toks[..rs], cfg, out);
        }
        return;
    }
    classify_plain(text, toks, out);
}

/// Types a chunk without role cues.
fn classify_plain(text: &str, toks: &[Tok], out: &mut Vec<Ent>) {
    let sets = &*SETS;
    // Trim connectors at both ends.
    let mut a = 0;
    let mut b = toks.len();
    while a < b && !toks[a].cap {
        a += 1;
    }
    while b > a && !toks[b - 1].cap {
        b -= 1;
    }
    if a >= b {
        return;
    }
    // Trailing function words ("Aju Press All") and a leading "The" are not the name.
    while b > a + 1 && sets.common.contains(text[toks[b - 1].start..toks[b - 1].end].to_lowercase().as_str()) {
        b -= 1;
    }
    if b > a + 1 && &text[toks[a].start..toks[a].end] == "The" {
        a += 1;
    }
    let toks = &toks[a..b];
    if toks.iter().all(|t| is_time_word(&text[t.start..t.end])) {
        return;
    }
    let (s, e) = (toks[0].start, toks[toks.len() - 1].end);
    let span = &text[s..e];
    if let Some(c) = GAZ.exact.get(span) {
        out.push(Ent { start: s, end: e, kind: EntityType::Place, canonical: (*c).to_string() });
        return;
    }
    let lw: Vec<String> = toks.iter().map(|t| lower_key(&text[t.start..t.end])).collect();
    let last = lw[lw.len() - 1].as_str();
    let first = lw[0].as_str();
    let push = |out: &mut Vec<Ent>, kind| out.push(Ent { start: s, end: e, kind, canonical: norm_name(span) });
    if sets.known_orgs.contains(span)
        || sets.org_cues.contains(last)
        || (toks.len() > 1 && sets.org_heads.contains(first))
        || lw.iter().skip(1).any(|w| STRONG_ORG.contains(&w.as_str()))
        || lw.iter().any(|w| w == "ministry" || w == "department")
    {
        // "Yongsan District" style entries are in the gazetteer; the rest is an org.
        return push(out, EntityType::Org);
    }
    if lw.iter().any(|w| sets.other_cues.contains(w.as_str())) {
        return push(out, EntityType::Other);
    }
    if lw.iter().all(|w| sets.demonyms.contains(w.as_str()) || is_role_word(w)) {
        return;
    }
    // Places inside a chunk ("Seoul-Washington", "U.S. Defense"): emit the places only.
    let gaz = &*GAZ;
    let mut found = false;
    for m in gaz.ac.find_iter(span) {
        let (ms, me) = (s + m.start(), s + m.end());
        // Whole words only.
        let before_ok = ms == s || !text[..ms].ends_with(char::is_alphanumeric);
        let after_ok = me == e || !text[me..].starts_with(char::is_alphanumeric);
        if before_ok && after_ok {
            found = true;
            let c = gaz.canon[m.pattern().as_usize()];
            out.push(Ent { start: ms, end: me, kind: EntityType::Place, canonical: c.to_string() });
        }
    }
    if found {
        return;
    }
    if toks.len() >= 2 && toks.len() <= 4 {
        let w0 = &text[toks[0].start..toks[0].end];
        if sets.first_names.contains(w0) || sets.korean.contains(w0) {
            return push(out, EntityType::Person);
        }
    }
    if toks.len() == 1 {
        let w = span;
        // "English-speaking", "AI-assisted": adjectives, not names.
        let lower_part = w.split('-').skip(1).any(|p| p.starts_with(char::is_lowercase));
        if NOT_ACRONYMS.contains(&w) || lower_part || w.chars().count() < 2 || w.chars().all(|c| c.is_numeric()) {
            return;
        }
        if sets.role_heads.contains(lower_key(w).as_str()) {
            return;
        }
    }
    push(out, EntityType::Other)
}

/// Types surname-only mentions as the person whose name they end (or, for
/// Korean names, start) and adds pending sentence-initial surnames.
fn resolve_people(text: &str, out: &mut Vec<Ent>, pending: &[(usize, usize)]) {
    let people: Vec<(String, String)> = out
        .iter()
        .filter(|e| e.kind == EntityType::Person && e.canonical.contains(' '))
        .flat_map(|e| {
            let parts: Vec<&str> = e.canonical.split(' ').collect();
            let mut v = vec![(parts[parts.len() - 1].to_string(), e.canonical.clone())];
            if SETS.korean.contains(parts[0]) {
                v.push((parts[0].to_string(), e.canonical.clone()));
            }
            v
        })
        .collect();
    let find = |w: &str| people.iter().rev().find(|(s, _)| s == w).map(|(_, c)| c.clone());
    for e in out.iter_mut() {
        if e.kind == EntityType::Person && e.canonical.contains(' ') {
            continue;
        }
        if let Some(c) = find(&text[e.start..e.end]) {
            e.kind = EntityType::Person;
            e.canonical = c;
        }
    }
    for &(s, e) in pending {
        if let Some(c) = find(&text[s..e]) {
            out.push(Ent { start: s, end: e, kind: EntityType::Person, canonical: c });
        } else if let Some(c) = GAZ.exact.get(&text[s..e]) {
            out.push(Ent { start: s, end: e, kind: EntityType::Place, canonical: (*c).to_string() });
        } else if SETS.known_orgs.contains(&text[s..e]) {
            out.push(Ent { start: s, end: e, kind: EntityType::Org, canonical: text[s..e].to_string() });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ents(t: &str) -> Vec<(String, EntityType, String)> {
        recognise(t, &AnalyzeConfig::default())
            .into_iter()
            .map(|e| (t[e.start..e.end].to_string(), e.kind, e.canonical))
            .collect()
    }

    #[test]
    fn role_cue_marks_person_and_is_not_part_of_name() {
        let e = ents("Later, Defense Minister Ahn Kyu-back met U.S. Secretary of War Pete Hegseth.");
        assert!(e.contains(&("Ahn Kyu-back".into(), EntityType::Person, "Ahn Kyu-back".into())), "{e:?}");
        assert!(e.contains(&("Pete Hegseth".into(), EntityType::Person, "Pete Hegseth".into())), "{e:?}");
        assert!(e.contains(&("U.S.".into(), EntityType::Place, "United States".into())), "{e:?}");
    }

    #[test]
    fn military_ranks_and_org_before_role() {
        let e = ents("At the audit, Joint Chiefs of Staff Chairman Lt. Gen. Jin Yong-sung said so.");
        assert!(e.iter().any(|x| x.0 == "Jin Yong-sung" && x.1 == EntityType::Person), "{e:?}");
        assert!(e.iter().any(|x| x.0 == "Joint Chiefs of Staff" && x.1 == EntityType::Org), "{e:?}");
    }

    #[test]
    fn org_cues_and_connectors() {
        let e = ents("According to the Ministry of National Defense, the talks went well.");
        assert_eq!(
            e,
            vec![("Ministry of National Defense".into(), EntityType::Org, "Ministry of National Defense".into())]
        );
    }

    #[test]
    fn sentence_initial_common_words_are_not_entities() {
        let e = ents("The talks ended. In Seoul, officials met. This was new. Discussions went on.");
        assert_eq!(e, vec![("Seoul".into(), EntityType::Place, "Seoul".into())]);
    }

    #[test]
    fn surname_only_mentions_resolve() {
        let e = ents("U.S. Defense Secretary Pete Hegseth arrived. Hegseth will meet officials.");
        assert!(e.iter().filter(|x| x.2 == "Pete Hegseth").count() == 2, "{e:?}");
    }

    #[test]
    fn gazetteer_places_and_possessives() {
        let e = ents("He flew from Seoul to South Korea’s border and the Philippines.");
        let names: Vec<&str> = e.iter().map(|x| x.0.as_str()).collect();
        assert_eq!(names, vec!["Seoul", "South Korea", "Philippines"]);
    }
}
