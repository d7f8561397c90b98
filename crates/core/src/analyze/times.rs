//! Time expressions (TimeML TIMEX3) resolved against the reference date.
//! Byte offsets; the direction of an underspecified date (a month-day
//! without year, a weekday, a bare month) comes from the sentence's tense.

use std::sync::LazyLock;

use chrono::{Datelike, Duration, NaiveDate};
use regex::Regex;

use crate::model::TimexType;

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Timex {
    pub start: usize,
    pub end: usize,
    pub kind: TimexType,
    pub value: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dir {
    Past,
    Future,
    Unknown,
}

const MONTHS: &str = r"Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|Aug(?:ust|\.)?|Sept?(?:ember|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?";
const MONTHS_FULL: &str = r"January|February|March|April|May|June|July|August|September|October|November|December";
const NUMWORDS: &str =
    r"\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|fifty|several|a few";

fn re(s: &str) -> Regex {
    Regex::new(s).expect("valid time regex")
}

static MONTH_DAY: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?-u:\b)(?P<mon>{MONTHS})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?-u:\b)(?:,?\s+(?P<year>(?:1[6-9]|20)\d\d)(?-u:\b))?"
    ))
});
static DAY_MONTH: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(r"(?-u:\b)(?P<day>\d{{1,2}})\s+(?P<mon>{MONTHS})(?:,?\s+(?P<year>(?:1[6-9]|20)\d\d)(?-u:\b))?"))
});
static MONTH_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?-u:\b)(?P<mon>{MONTHS_FULL}|(?:Jan|Feb|Aug|Sept?|Oct|Nov|Dec)\.)\s+(?:of\s+)?(?P<year>(?:1[6-9]|20)\d\d)(?-u:\b)"
    ))
});
static MONTH_ALONE: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?-u:\b)(?i:in|since|until|by|during|through|from|before|after|last|next|this|of)\s+(?:(?i:the\s+)?(?i:early|late|mid-?)\s*)?(?P<mon>{MONTHS_FULL})(?-u:\b)"
    ))
});
static EARLY_MONTH: LazyLock<Regex> =
    LazyLock::new(|| re(&format!(r"(?-u:\b)(?P<mon2>(?i:early|late|mid-?)\s*(?:{MONTHS_FULL}))(?-u:\b)")));
static YEAR: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?-u:\b)(?P<y>(?:1[6-9]|20)\d\d)(?:\s*[-–]\s*(?P<y2>(?:1[6-9]|20)\d\d))?(?-u:\b)"));
static WEEKDAY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?-u:\b)(?:(?P<rel>(?i:last|next|this|coming|past))\s+)?(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?:\s+(?P<part>morning|afternoon|evening|night))?(?-u:\b)",
    )
});
static RELATIVE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(?-u:\b)(?P<x>(?:earlier|later)\s+this\s+(?:year|month|week)|(?:next|last|this|coming|past)\s+(?:week|month|year|weekend)|this\s+(?:morning|afternoon|evening)|today|tonight|yesterday|tomorrow|now|currently|nowadays|at present|recently|lately|soon|in the future)(?-u:\b)",
    )
});
static DURATION: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)(?-u:\b)(?P<x>(?:(?:the\s+)?(?P<dir>past|last|next|coming)\s+)?(?P<n>{NUMWORDS})\s+(?P<u>day|week|month|year|decade|hour|minute|century|centurie)s?(?P<ago>\s+ago)?)(?-u:\b)"
    ))
});
static SET: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(?-u:\b)(?P<x>annual|annually|yearly|each\s+year|every\s+year|every\s+month|each\s+month|monthly|weekly|every\s+week|each\s+week|daily|every\s+day|each\s+day)(?-u:\b)",
    )
});

#[rustfmt::skip]
static FUTURE_CUES: &[&str] = &[
    "will", "'ll", "shall", "next", "upcoming", "scheduled", "expected", "plans", "due", "slated", "aims", "would",
    "coming", "tomorrow",
];
/// Cues that often but not always point forward ("set to", "plan to", but
/// "according to", "a new plan"): they count for less than a sure cue.
static WEAK_FUTURE_CUES: &[&str] = &["to", "set", "going", "plan"];
/// How much farther a sure cue may be than a weak one and still decide.
const WEAK_CUE_DISTANCE_FACTOR: usize = 3;
/// Verbs of attribution: after a comma they belong to a reporting clause.
static REPORTING_VERBS: &[&str] = &["said", "says", "told", "added", "stated", "announced", "reported", "claimed"];
#[rustfmt::skip]
static PAST_CUES: &[&str] = &[
    "said", "was", "were", "had", "held", "met", "did", "visited", "arrived", "announced", "ended", "took",
    "told", "added", "began", "last", "ago", "earlier", "agreed", "signed", "reported", "launched", "killed",
    "struck", "hit", "died", "won", "lost", "came", "went", "made", "assumed", "occurred", "left", "stated",
    "claimed", "elected", "yesterday", "happened", "attended", "hosted", "released", "declared", "says",
];

fn month_num(s: &str) -> Option<u32> {
    let k = s.trim_end_matches('.').to_ascii_lowercase();
    let k = k.get(..3)?;
    Some(match k {
        "jan" => 1,
        "feb" => 2,
        "mar" => 3,
        "apr" => 4,
        "may" => 5,
        "jun" => 6,
        "jul" => 7,
        "aug" => 8,
        "sep" => 9,
        "oct" => 10,
        "nov" => 11,
        "dec" => 12,
        _ => return None,
    })
}

fn num_word(s: &str) -> Option<u32> {
    if let Ok(n) = s.parse() {
        return Some(n);
    }
    Some(match s.to_ascii_lowercase().as_str() {
        "a" | "one" => 1,
        "two" => 2,
        "three" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        "ten" => 10,
        "eleven" => 11,
        "twelve" => 12,
        "fifteen" => 15,
        "twenty" => 20,
        "thirty" => 30,
        "fifty" => 50,
        _ => return None, // "several", "a few": unknown count
    })
}

/// Tense of the sentence around `[s, e)`: the tense cue nearest the
/// expression wins ("said Monday" past; "will meet on Tuesday" future).
pub(crate) fn tense_at(text: &str, s: usize, e: usize) -> Dir {
    let (ss, se) = super::sentence_of(text, s);
    // "since July", "ago": the preposition fixes the direction.
    let prev = text[ss.min(s)..s].trim_end().rsplit(' ').next().unwrap_or("").to_ascii_lowercase();
    if prev == "since" {
        return Dir::Past;
    }
    let mut best: Option<(usize, Dir)> = None;
    let sent = &text[ss..se.max(ss)];
    for (off, w) in crate::text::word_spans(sent) {
        let p = ss + off;
        if p >= s && p < e {
            continue;
        }
        let lw = w.to_ascii_lowercase();
        // "... on Nov. 16, the ministry said": a reporting verb after a
        // comma dates the report, not the event the clause describes.
        if p >= e && REPORTING_VERBS.contains(&lw.as_str()) && text[e..p].contains(',') {
            continue;
        }
        // "will be held": a participle after "be" takes the auxiliary's tense.
        let after_be = sent[..off].trim_end().rsplit(' ').next().is_some_and(|p| p == "be");
        let (d, weak) = if after_be || FUTURE_CUES.contains(&lw.as_str()) {
            (Dir::Future, false)
        } else if PAST_CUES.contains(&lw.as_str()) {
            (Dir::Past, false)
        } else if WEAK_FUTURE_CUES.contains(&lw.as_str()) && !follows(sent, off, "according") {
            (Dir::Future, true)
        } else if looks_like_past_participle(&lw) {
            // "destroyed", "announced": most -ed words in news are past verbs.
            (Dir::Past, true)
        } else {
            continue;
        };
        let dist = if p < s { s - p } else { p - e } * if weak { WEAK_CUE_DISTANCE_FACTOR } else { 1 };
        if best.is_none_or(|(bd, _)| dist < bd) {
            best = Some((dist, d));
        }
    }
    // "'ll" is split off by word segmentation as "ll".
    if sent.contains("'ll ") || sent.contains("’ll ") {
        return Dir::Future;
    }
    best.map_or(Dir::Unknown, |(_, d)| d)
}

/// True when the word before byte `off` of `sent` is `word`.
fn follows(sent: &str, off: usize, word: &str) -> bool {
    sent[..off].trim_end().rsplit(' ').next().is_some_and(|p| p.eq_ignore_ascii_case(word))
}

/// A regular past form (`destroyed`, `announced`), not `need` or `speed`.
fn looks_like_past_participle(lower: &str) -> bool {
    lower.len() >= 5 && lower.ends_with("ed") && !lower.ends_with("eed")
}

fn fmt_date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Year-less month-day resolved by direction.
fn resolve_month_day(m: u32, day: u32, reference: NaiveDate, dir: Dir) -> Option<NaiveDate> {
    let y = reference.year();
    let cands: Vec<NaiveDate> = (y - 1..=y + 1).filter_map(|yy| NaiveDate::from_ymd_opt(yy, m, day)).collect();
    match dir {
        Dir::Future => cands.into_iter().find(|d| *d >= reference),
        Dir::Past => cands.into_iter().rev().find(|d| *d <= reference),
        Dir::Unknown => cands.into_iter().min_by_key(|d| (*d - reference).num_days().abs()),
    }
}

fn resolve_month(m: u32, reference: NaiveDate, dir: Dir) -> (i32, u32) {
    let (y, rm) = (reference.year(), reference.month());
    let idx = |yy: i32, mm: u32| yy * 12 + mm as i32;
    let r = idx(y, rm);
    let cands = [(y - 1, m), (y, m), (y + 1, m)];
    let pick = match dir {
        Dir::Future => cands.iter().find(|c| idx(c.0, c.1) >= r),
        Dir::Past => cands.iter().rev().find(|c| idx(c.0, c.1) <= r),
        Dir::Unknown => cands.iter().min_by_key(|c| (idx(c.0, c.1) - r).abs()),
    };
    *pick.unwrap_or(&(y, m))
}

fn weekday_num(s: &str) -> u32 {
    match &s[..3] {
        "Mon" => 0,
        "Tue" => 1,
        "Wed" => 2,
        "Thu" => 3,
        "Fri" => 4,
        "Sat" => 5,
        _ => 6,
    }
}

fn resolve_weekday(wd: u32, reference: NaiveDate, dir: Dir, strict: bool) -> NaiveDate {
    let r = reference.weekday().num_days_from_monday();
    let mut fwd = (wd + 7 - r) % 7;
    let mut back = (r + 7 - wd) % 7;
    if strict {
        // "next Monday" / "last Friday" never mean today.
        if fwd == 0 {
            fwd = 7;
        }
        if back == 0 {
            back = 7;
        }
    }
    let delta = match dir {
        Dir::Future => fwd as i64,
        Dir::Past => -(back as i64),
        Dir::Unknown => {
            if fwd <= back {
                fwd as i64
            } else {
                -(back as i64)
            }
        }
    };
    reference + Duration::days(delta)
}

fn week_value(d: NaiveDate) -> String {
    let w = d.iso_week();
    format!("{}-W{:02}", w.year(), w.week())
}

fn month_shift(reference: NaiveDate, by: i32) -> String {
    let i = reference.year() * 12 + reference.month() as i32 - 1 + by;
    format!("{}-{:02}", i.div_euclid(12), i.rem_euclid(12) + 1)
}

/// Extracts and resolves time expressions.
pub(crate) fn extract(text: &str, reference: Option<NaiveDate>) -> Vec<Timex> {
    let mut c: Vec<Timex> = Vec::new();
    let push =
        |c: &mut Vec<Timex>, s: usize, e: usize, kind, value: String| c.push(Timex { start: s, end: e, kind, value });
    for m in MONTH_DAY.captures_iter(text).chain(DAY_MONTH.captures_iter(text)) {
        let (Some(all), Some(mon), Some(day)) = (m.get(0), m.name("mon"), m.name("day")) else { continue };
        // "May 5" is a date, but "Mar 3" without a dot is rare; "March 3" fine.
        let (Some(mn), Ok(d)) = (month_num(mon.as_str()), day.as_str().parse::<u32>()) else { continue };
        if !(1..=31).contains(&d) || text[all.end()..].starts_with(|ch: char| ch == ':' || ch.is_ascii_digit()) {
            continue;
        }
        let value = if let Some(y) = m.name("year").and_then(|y| y.as_str().parse::<i32>().ok()) {
            match NaiveDate::from_ymd_opt(y, mn, d) {
                Some(dt) => fmt_date(dt),
                None => continue,
            }
        } else if let Some(r) = reference {
            let dir = tense_at(text, all.start(), all.end());
            match resolve_month_day(mn, d, r, dir) {
                Some(dt) => fmt_date(dt),
                None => continue,
            }
        } else {
            format!("XXXX-{mn:02}-{d:02}")
        };
        push(&mut c, all.start(), all.end(), TimexType::Date, value);
    }
    for m in MONTH_YEAR.captures_iter(text) {
        let (Some(all), Some(mon), Some(y)) = (m.get(0), m.name("mon"), m.name("year")) else { continue };
        if let Some(mn) = month_num(mon.as_str()) {
            push(&mut c, all.start(), all.end(), TimexType::Date, format!("{}-{mn:02}", y.as_str()));
        }
    }
    for m in MONTH_ALONE.captures_iter(text) {
        let (Some(all), Some(mon)) = (m.get(0), m.name("mon")) else { continue };
        let Some(mn) = month_num(mon.as_str()) else { continue };
        // Span from an "early/late/mid" modifier if any, else the month name.
        let start = EARLY_MONTH.find(&text[all.start()..all.end()]).map_or(mon.start(), |x| all.start() + x.start());
        let value = match reference {
            Some(r) => {
                let (y, mm) = resolve_month(mn, r, tense_at(text, start, mon.end()));
                format!("{y}-{mm:02}")
            }
            None => format!("XXXX-{mn:02}"),
        };
        push(&mut c, start, mon.end(), TimexType::Date, value);
    }
    for m in YEAR.captures_iter(text) {
        let Some(y) = m.name("y") else { continue };
        let after = &text[m.get(0).map_or(y.end(), |a| a.end())..];
        let before = &text[..y.start()];
        // Not a year: "$2000", "2000 troops", "1,2000", "2025-10-27".
        if before.ends_with(['$', ',', '.', '-', '/', '#'])
            || after.starts_with(['-', '/', ':', '%', ',']) && after[1..].starts_with(|ch: char| ch.is_ascii_digit())
        {
            continue;
        }
        let next_word = after.trim_start().split(|ch: char| !ch.is_alphabetic()).next().unwrap_or("");
        let prev_word =
            before.trim_end().rsplit(|ch: char| !ch.is_alphabetic()).next().unwrap_or("").to_ascii_lowercase();
        let prep = matches!(
            prev_word.as_str(),
            "in" | "since"
                | "by"
                | "of"
                | "until"
                | "from"
                | "before"
                | "after"
                | "during"
                | "the"
                | "to"
                | "and"
                | "through"
        );
        if !prep && next_word.len() > 3 && next_word.ends_with('s') && next_word.starts_with(char::is_lowercase) {
            continue;
        }
        push(&mut c, y.start(), y.end(), TimexType::Date, y.as_str().to_string());
        if let Some(y2) = m.name("y2") {
            push(&mut c, y2.start(), y2.end(), TimexType::Date, y2.as_str().to_string());
        }
    }
    for m in WEEKDAY.captures_iter(text) {
        let (Some(all), Some(wd)) = (m.get(0), m.name("wd")) else { continue };
        let rel = m.name("rel").map(|r| r.as_str().to_ascii_lowercase());
        let part = m.name("part").map(|p| match p.as_str() {
            "morning" => "TMO",
            "afternoon" => "TAF",
            "evening" => "TEV",
            _ => "TNI",
        });
        let w = weekday_num(wd.as_str());
        let date = reference.map(|r| {
            let (dir, strict) = match rel.as_deref() {
                Some("last") | Some("past") => (Dir::Past, true),
                Some("next") | Some("coming") => (Dir::Future, true),
                Some(_) => (Dir::Unknown, false),
                None => (tense_at(text, all.start(), all.end()), false),
            };
            fmt_date(resolve_weekday(w, r, dir, strict))
        });
        let base = date.unwrap_or_else(|| format!("XXXX-WXX-{}", w + 1));
        match part {
            Some(p) => push(&mut c, all.start(), all.end(), TimexType::Time, format!("{base}{p}")),
            None => push(&mut c, all.start(), all.end(), TimexType::Date, base),
        }
    }
    for m in RELATIVE.captures_iter(text) {
        let Some(x) = m.name("x") else { continue };
        let k = x.as_str().to_ascii_lowercase();
        let k = k.split_whitespace().collect::<Vec<_>>().join(" ");
        let r = reference;
        let (kind, value) = match k.as_str() {
            "now" | "currently" | "nowadays" | "at present" => (TimexType::Date, "PRESENT_REF".to_string()),
            "recently" | "lately" | "in the past" => (TimexType::Date, "PAST_REF".to_string()),
            "soon" | "in the future" => (TimexType::Date, "FUTURE_REF".to_string()),
            "today" => (TimexType::Date, r.map_or("PRESENT_REF".into(), fmt_date)),
            "tonight" => (TimexType::Time, r.map_or("PRESENT_REF".into(), |d| format!("{}TNI", fmt_date(d)))),
            "this morning" | "this afternoon" | "this evening" => {
                let part = match k.as_str() {
                    "this morning" => "TMO",
                    "this afternoon" => "TAF",
                    _ => "TEV",
                };
                (TimexType::Time, r.map_or("PRESENT_REF".into(), |d| format!("{}{part}", fmt_date(d))))
            }
            "yesterday" => (TimexType::Date, r.map_or("PAST_REF".into(), |d| fmt_date(d - Duration::days(1)))),
            "tomorrow" => (TimexType::Date, r.map_or("FUTURE_REF".into(), |d| fmt_date(d + Duration::days(1)))),
            _ => {
                let unit = k.rsplit(' ').next().unwrap_or("");
                let shift: i32 = if k.starts_with("next") || k.starts_with("coming") {
                    1
                } else if k.starts_with("last") || k.starts_with("past") {
                    -1
                } else {
                    0
                };
                let v = match (r, unit) {
                    (None, _) => if shift < 0 {
                        "PAST_REF"
                    } else if shift > 0 {
                        "FUTURE_REF"
                    } else {
                        "PRESENT_REF"
                    }
                    .to_string(),
                    (Some(d), "week") | (Some(d), "weekend") => {
                        let v = week_value(d + Duration::days(7 * shift as i64));
                        if unit == "weekend" {
                            format!("{v}-WE")
                        } else {
                            v
                        }
                    }
                    (Some(d), "month") => month_shift(d, shift),
                    (Some(d), _) => (d.year() + shift).to_string(),
                };
                (TimexType::Date, v)
            }
        };
        push(&mut c, x.start(), x.end(), kind, value);
    }
    for m in DURATION.captures_iter(text) {
        let (Some(x), Some(n), Some(u)) = (m.name("x"), m.name("n"), m.name("u")) else { continue };
        let n = num_word(n.as_str());
        let u = u.as_str().to_ascii_lowercase();
        let (code, per) = match u.as_str() {
            "day" => ("D", 1),
            "week" => ("W", 1),
            "month" => ("M", 1),
            "year" => ("Y", 1),
            "decade" => ("Y", 10),
            "century" | "centurie" => ("Y", 100),
            "hour" => ("H", 1),
            _ => ("M", 1), // minute
        };
        let time_unit = matches!(u.as_str(), "hour" | "minute");
        let amount = n.map_or("X".to_string(), |n| (n * per).to_string());
        if m.name("ago").is_some() {
            // "three years ago": a date before the reference.
            let v = match (reference, n, u.as_str()) {
                (Some(d), Some(n), "year") => (d.year() - n as i32).to_string(),
                (Some(d), Some(n), "day") => fmt_date(d - Duration::days(n as i64)),
                (Some(d), Some(n), "week") => week_value(d - Duration::days(7 * n as i64)),
                (Some(d), Some(n), "month") => month_shift(d, -(n as i32)),
                _ => "PAST_REF".to_string(),
            };
            push(&mut c, x.start(), x.end(), TimexType::Date, v);
            continue;
        }
        // A bare "two years" after a number-like word is an amount too; both are fine.
        let v = if time_unit { format!("PT{amount}{code}") } else { format!("P{amount}{code}") };
        push(&mut c, x.start(), x.end(), TimexType::Duration, v);
    }
    for m in SET.captures_iter(text) {
        let Some(x) = m.name("x") else { continue };
        // "Aju Business Daily": a capitalised mid-sentence word is a name.
        if x.as_str().starts_with(char::is_uppercase)
            && text[..x.start()].trim_end_matches(' ').ends_with(char::is_alphanumeric)
        {
            continue;
        }
        let k = x.as_str().to_ascii_lowercase();
        let v = if k.contains("year") || k.starts_with("annual") {
            "P1Y"
        } else if k.contains("month") {
            "P1M"
        } else if k.contains("week") {
            "P1W"
        } else {
            "P1D"
        };
        push(&mut c, x.start(), x.end(), TimexType::Set, v.to_string());
    }
    // Leftmost-longest, no overlaps.
    c.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    let mut out: Vec<Timex> = Vec::with_capacity(c.len());
    for t in c {
        if out.last().is_none_or(|l| t.start >= l.end) {
            out.push(t);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, day)
    }

    fn vals(t: &str, r: Option<NaiveDate>) -> Vec<(String, String)> {
        extract(t, r).into_iter().map(|x| (t[x.start..x.end].to_string(), x.value)).collect()
    }

    #[test]
    fn month_day_follows_tense() {
        let r = d(2025, 12, 20);
        assert_eq!(vals("They will meet on Jan. 5.", r), vec![("Jan. 5".into(), "2026-01-05".into())]);
        assert_eq!(vals("They met on Jan. 5.", r), vec![("Jan. 5".into(), "2025-01-05".into())]);
        assert_eq!(vals("Talks on Oct. 30, 2024.", r), vec![("Oct. 30, 2024".into(), "2024-10-30".into())]);
        assert_eq!(vals("The meeting on Nov. 4", None), vec![("Nov. 4".into(), "XXXX-11-04".into())]);
    }

    #[test]
    fn weekdays() {
        let r = d(2025, 11, 3); // a Monday
        assert_eq!(vals("They will meet on Tuesday.", r)[0].1, "2025-11-04");
        // The attribution after the comma is not the event's tense.
        assert_eq!(
            vals("The ministers are due to open the session on Nov. 16, the ministry said on Wednesday.", r)[0].1,
            "2025-11-16"
        );
        assert_eq!(vals("He assumed office last Friday.", r)[0].1, "2025-10-31");
        assert_eq!(
            vals("He arrived Wednesday afternoon.", d(2021, 12, 1))[0],
            ("Wednesday afternoon".into(), "2021-12-01TAF".into())
        );
        assert_eq!(vals("on Monday", None)[0].1, "XXXX-WXX-1");
    }

    #[test]
    fn relative_durations_and_sets() {
        let r = d(2025, 10, 27);
        assert_eq!(vals("They meet next week.", r)[0].1, "2025-W45");
        assert_eq!(vals("It began earlier this year.", r)[0].1, "2025");
        assert_eq!(vals("It grew in the past 20 years.", r)[0], ("the past 20 years".into(), "P20Y".into()));
        assert_eq!(vals("the annual meeting", r)[0].1, "P1Y");
        assert_eq!(vals("It is held each year.", r)[0].1, "P1Y");
        assert_eq!(
            vals("It is now clear and he recently left.", r),
            vec![("now".into(), "PRESENT_REF".into()), ("recently".into(), "PAST_REF".into())]
        );
        assert_eq!(vals("three years ago", r)[0].1, "2022");
    }

    #[test]
    fn years_and_months() {
        let r = d(2025, 10, 27);
        assert_eq!(
            vals("the 1950-1953 Korean War", r),
            vec![("1950".into(), "1950".into()), ("1953".into(), "1953".into())]
        );
        assert_eq!(vals("since 1961", r)[0].1, "1961");
        assert_eq!(vals("In September, they held talks.", r)[0], ("September".into(), "2025-09".into()));
        assert_eq!(vals("It will be held in early November.", r)[0], ("early November".into(), "2025-11".into()));
        assert_eq!(vals("It costs 2000 dollars.", r), vec![]);
        assert_eq!(vals("in September 2024", r)[0].1, "2024-09");
    }
}
