//! Metadata found inside scraped text: date lines, datelines, bylines, photo
//! captions, wire credits and the title line. Each recogniser looks at one
//! block and says what it is; `mod.rs` decides what to do with it.

use std::sync::OnceLock;

use chrono::NaiveDate;
use regex::Regex;

use super::blocks::ends_sentence;
use super::config::CleanConfig;
use crate::model::Dateline;

const MONTH: &str = r"(?i:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";

/// Wire services whose name alone, closing a paragraph or on its own line,
/// is a credit. Longer names first so the regex prefers them.
const WIRE_AGENCIES: &[&str] = &[
    "The Associated Press",
    "Associated Press",
    "Agence France-Presse",
    "Thomson Reuters",
    "Reuters",
    "Bloomberg",
    "Yonhap",
    "Xinhua",
    "Kyodo",
    "Anadolu",
    "Bernama",
    "AFP",
    "AP",
    "dpa",
    "PTI",
    "ANI",
    "IANS",
    "UPI",
    "EFE",
    "ANSA",
    "TASS",
    "AAP",
    "CNA",
];

struct Patterns {
    dateline: Regex,
    agency_dateline: Regex,
    date_line: Regex,
    bare_date_line: Regex,
    date_prefix: Regex,
    ymd: Regex,
    dmy: Regex,
    mdy: Regex,
    byline: Regex,
    name_separator: Regex,
    caption_credit: Regex,
    photo_credit: Regex,
    trailing_wire: Regex,
    wire_line: Regex,
    agency: Regex,
    feed_credit: Regex,
}

fn patterns() -> &'static Patterns {
    static PATTERNS: OnceLock<Patterns> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        let agencies = WIRE_AGENCIES.iter().map(|a| regex::escape(a)).collect::<Vec<_>>().join("|");
        let re = |p: &str| Regex::new(p).expect("metadata patterns are valid regexes");
        Patterns {
            // `SEOUL, October 27 (AJP) -` or `Seoul, December 1`.
            dateline: re(&format!(
                r"^(?P<place>\p{{Lu}}[\p{{L}}.'’-]*(?:\s+\p{{Lu}}[\p{{L}}.'’-]*){{0,3}}),\s+(?P<month>{MONTH})\.?\s+(?P<day>\d{{1,2}})\b(?:,?\s+(?P<year>(?:19|20)\d{{2}}))?\s*(?:\((?P<agency>[^()\n]{{1,40}})\))?\s*(?P<dash>[-–—]+)?\s*"
            )),
            // `WASHINGTON (Reuters) -`: an upper-case place, an agency, a dash.
            agency_dateline: re(
                r"^(?P<place>\p{Lu}[\p{Lu}.'’-]*(?:\s+\p{Lu}[\p{Lu}.'’-]*){0,3})(?:,\s*\p{Lu}[\p{L}.]*(?:\s+\p{Lu}[\p{L}.]*){0,2})?\s*\((?P<agency>[^()\n]{1,40})\)\s*(?P<dash>[-–—]+)\s*",
            ),
            date_line: re(
                r"^(?P<label>(?i:(?:first\s+)?published(?:\s+on)?|(?:last\s+)?updated(?:\s+on)?|last\s+modified|modified|posted(?:\s+on)?|date|released))\s*[:：]?\s*(?P<date>.{4,80})$",
            ),
            bare_date_line: re(r"^[\p{L}\d\s.,:/-]+$"),
            date_prefix: re(&format!(
                r"^(?i:date|published|posted|updated)\s*[:：]?\s*(?P<date>(?:19|20)\d{{2}}-\d{{1,2}}-\d{{1,2}}(?:[T\s]\d{{1,2}}:\d{{2}}(?::\d{{2}})?)?|{MONTH}\.?\s+\d{{1,2}},\s+(?:19|20)\d{{2}}|\d{{1,2}}\s+{MONTH}\.?,?\s+(?:19|20)\d{{2}})\s+"
            )),
            ymd: re(r"\b(?P<y>(?:19|20)\d{2})[-./](?P<m>\d{1,2})[-./](?P<d>\d{1,2})\b"),
            dmy: re(&format!(r"\b(?P<d>\d{{1,2}})\s+(?P<mon>{MONTH})\.?,?\s+(?P<y>(?:19|20)\d{{2}})\b")),
            mdy: re(&format!(
                r"\b(?P<mon>{MONTH})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d{{2}})\b"
            )),
            byline: re(r"^(?i:by)\s+(?P<names>[^\[\]()<>\n]+?)\s*(?P<contact>[\[(<].*)?$"),
            name_separator: re(r",|\s+(?i:and)\s+|\s*&\s*"),
            caption_credit: re(r"\[\s*(?P<credit>[\p{Lu}\d][\p{Lu}\d\s.,&'’/-]{1,60}?)\s*\]\s*$"),
            photo_credit: re(
                r"(?i)^\W*(?:photo|image|picture|file\s+photo|graphic)s?\s*(?:credit)?\s*(?::|by\b|courtesy\b)|\((?:photo|image|file\s+photo|photo\s+courtesy)\b[^()]{0,60}\)\s*$",
            ),
            trailing_wire: re(&format!(
                r"[.!?…”’)\]]\s*(?P<credit>[-–—]?\s*\(?(?P<agency>{agencies})\)?\.?)\s*$"
            )),
            wire_line: re(&format!(
                r"^\W*(?:(?i:source|via|with\s+inputs?\s+from|courtesy(?:\s+of)?|credit)\s*:?\s*)?(?:{agencies})(?:\s*(?:[/,&]|and)\s*(?:{agencies}))*\W*$"
            )),
            agency: re(&format!(r"\b(?:{agencies})\b")),
            feed_credit: re(
                r"(?i)\b(?:(?:auto-)?generated|sourced|published|taken)\s+from\s+(?:an?\s+)?(?P<credit>[^,;()\n]{2,60}?(?:\s+via\s+feeds?|\s+feeds?|\s+wire(?:\s+service)?|\s+news\s+agency))\b|\bwith\s+inputs?\s+from\s+(?P<inputs>[^,;()\n]{2,40}?)\s*\)?\s*$",
            ),
        }
    })
}

/// A whole-line date or update line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct DateLine {
    pub date: NaiveDate,
    /// `Updated:` lines give a later date than publication.
    pub is_update: bool,
}

/// `Published: 27 Oct. 2025, 17:57`, `Updated: ...`, or a line that is only
/// a date.
pub(super) fn date_line(block: &str) -> Option<DateLine> {
    let p = patterns();
    if let Some(c) = p.date_line.captures(block) {
        let date_text = &c["date"];
        // Word counts against a limit stop one word past it: the same
        // answer without segmenting a whole paragraph.
        if crate::text::words(date_text).take(9).count() <= 8 {
            if let Some(date) = parse_text_date(date_text) {
                let label = c["label"].to_lowercase();
                let is_update = label.contains("updated") || label.contains("modified");
                return Some(DateLine { date, is_update });
            }
        }
    }
    if crate::text::words(block).take(9).count() <= 8 && p.bare_date_line.is_match(block) {
        return parse_text_date(block).map(|date| DateLine { date, is_update: false });
    }
    None
}

/// A date glued before the first body sentence (` date 2025-11-03 U.S. ...`):
/// the date and the byte length of the prefix to cut.
pub(super) fn date_prefix(block: &str) -> Option<(NaiveDate, usize)> {
    let c = patterns().date_prefix.captures(block)?;
    let rest = &block[c.get(0)?.end()..];
    if !starts_like_sentence(rest) {
        return None;
    }
    Some((parse_text_date(&c["date"])?, c.get(0)?.end()))
}

/// A date written in a text: ISO, `27 Oct. 2025`, `October 27, 2025`.
pub(super) fn parse_text_date(s: &str) -> Option<NaiveDate> {
    if let Some(d) = crate::parse_input_date(s) {
        return Some(d);
    }
    let p = patterns();
    let number = |c: &regex::Captures, name: &str| c.name(name)?.as_str().parse::<u32>().ok();
    if let Some(c) = p.ymd.captures(s) {
        if let Some(d) = NaiveDate::from_ymd_opt(number(&c, "y")? as i32, number(&c, "m")?, number(&c, "d")?) {
            return Some(d);
        }
    }
    for re in [&p.dmy, &p.mdy] {
        if let Some(c) = re.captures(s) {
            let month = month_number(&c["mon"])?;
            if let Some(d) = NaiveDate::from_ymd_opt(number(&c, "y")? as i32, month, number(&c, "d")?) {
                return Some(d);
            }
        }
    }
    None
}

fn month_number(name: &str) -> Option<u32> {
    let head: String = name.chars().take(3).flat_map(char::to_lowercase).collect();
    let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    months.iter().position(|m| *m == head).map(|i| i as u32 + 1)
}

/// A dateline at the start of a block, with the byte length of the dateline
/// (0..len): the whole block for `Seoul, December 1`, the part up to and
/// including the dash for `SEOUL, October 27 (AJP) - body`.
pub(super) fn dateline(block: &str) -> Option<(Dateline, usize)> {
    let p = patterns();
    if let Some(c) = p.dateline.captures(block) {
        let end = c.get(0)?.end();
        let rest = &block[end..];
        let ok = rest.is_empty() || (c.name("dash").is_some() && starts_like_sentence(rest));
        if ok {
            let dateline = Dateline {
                place: Some(normalise_case(&c["place"])),
                month: month_number(&c["month"]),
                day: c["day"].parse().ok(),
                year: c.name("year").and_then(|y| y.as_str().parse().ok()),
                agency: c.name("agency").map(|a| a.as_str().trim().to_string()),
            };
            return Some((dateline, end));
        }
    }
    let c = p.agency_dateline.captures(block)?;
    let end = c.get(0)?.end();
    if !starts_like_sentence(&block[end..]) {
        return None;
    }
    let dateline = Dateline {
        place: Some(normalise_case(&c["place"])),
        agency: Some(c["agency"].trim().to_string()),
        ..Dateline::default()
    };
    Some((dateline, end))
}

fn starts_like_sentence(rest: &str) -> bool {
    rest.chars().next().is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || "\"“‘'(".contains(c))
}

/// Authors named by a byline (`BY SHIM SEOK-YONG [[email protected]]`,
/// `By Jane Doe and John Roe`), plus any wire agency named in it.
pub(super) fn byline(block: &str, cfg: &CleanConfig) -> Option<(Vec<String>, Vec<String>)> {
    let p = patterns();
    let c = p.byline.captures(block)?;
    let names = c.name("names")?.as_str().trim().trim_end_matches([',', '.', ';']);
    let word_count = names.split_whitespace().count();
    if word_count == 0 || word_count > cfg.byline_max_words {
        return None;
    }
    let mut authors = Vec::new();
    let mut agencies = Vec::new();
    for name in p.name_separator.split(names).map(str::trim).filter(|n| !n.is_empty()) {
        let capitalised = name.split_whitespace().all(|w| w.chars().next().is_some_and(char::is_uppercase));
        if !capitalised || name.split_whitespace().count() > 4 {
            return None;
        }
        if p.agency.find(name).is_some_and(|m| m.as_str() == name) {
            agencies.push(name.to_string());
        } else {
            authors.push(normalise_case(name));
        }
    }
    if authors.is_empty() && agencies.is_empty() {
        return None;
    }
    Some((authors, agencies))
}

/// `SHIM SEOK-YONG` -> `Shim Seok-yong`; mixed-case names are kept as given.
pub(super) fn normalise_case(name: &str) -> String {
    if name.chars().any(char::is_lowercase) {
        return name.trim().to_string();
    }
    name.split_whitespace()
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars.flat_map(char::to_lowercase)).collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<String>>()
        .join(" ")
}

/// A photo caption: a sentence closed by an upper-case agency credit in
/// brackets (`... on Sept. 24. [MINISTRY OF NATIONAL DEFENSE]`), or a line
/// labelled as a photo credit.
pub(super) fn is_caption(block: &str, cfg: &CleanConfig) -> bool {
    let p = patterns();
    // Counted only one word past the limit: the same answer, and body
    // paragraphs are not segmented whole.
    let words = crate::text::words(block).take(cfg.caption_max_words.saturating_add(1)).count();
    if words > cfg.caption_max_words {
        return false;
    }
    if let Some(c) = p.caption_credit.captures(block) {
        let credit = &c["credit"];
        let upper = credit.chars().filter(|ch| ch.is_uppercase()).count();
        let before = crate::text::words(&block[..c.get(0).map_or(0, |m| m.start())]).count();
        if upper >= 2 && before >= 3 {
            return true;
        }
    }
    p.photo_credit.is_match(block)
}

/// Credits named by a block that is only a credit line (`Reuters`, `(The
/// article is generated from The Tribune via feeds ...)`).
pub(super) fn wire_credit_line(block: &str, cfg: &CleanConfig) -> Option<Vec<String>> {
    let p = patterns();
    if crate::text::words(block).take(cfg.wire_credit_max_words.saturating_add(1)).count() > cfg.wire_credit_max_words {
        return None;
    }
    if p.wire_line.is_match(block) {
        return Some(p.agency.find_iter(block).map(|m| m.as_str().to_string()).collect());
    }
    let c = p.feed_credit.captures(block)?;
    let credit = c.name("credit").or_else(|| c.name("inputs"))?.as_str().trim();
    Some(vec![credit.to_string()])
}

/// A wire credit closing a paragraph (`... ceremonial events. Reuters`): the
/// agency and the byte offset where the credit starts (the paragraph keeps
/// everything before it, trimmed).
pub(super) fn trailing_wire_credit(block: &str) -> Option<(String, usize)> {
    let c = patterns().trailing_wire.captures(block)?;
    let credit = c.name("credit")?;
    Some((c["agency"].to_string(), credit.start()))
}

/// True when the first block reads as a headline: short, no closing period,
/// one sentence at most, starting with a capital, with content after it.
pub(super) fn looks_like_title(block: &str, has_later_content: bool, cfg: &CleanConfig) -> bool {
    if !has_later_content || block.contains('\n') || block.chars().count() > cfg.title_max_chars {
        return false;
    }
    let words = crate::text::words(block).take(cfg.title_max_words.saturating_add(1)).count();
    if words < cfg.title_min_words || words > cfg.title_max_words {
        return false;
    }
    let starts_capital =
        block.chars().next().is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || "\"“‘'".contains(c));
    let closes_like_prose = block.ends_with(['.', ',', ';', ':'])
        || (ends_sentence(block) && block.trim_end_matches(['"', '”', '’', '\'']).ends_with('.'));
    starts_capital && !closes_like_prose
}
