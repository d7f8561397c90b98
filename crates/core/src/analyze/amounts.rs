//! Amounts: numbers with what they count or measure, normalised
//! (`28,500 American troops` -> 28500 "troops", `$1.5 billion` -> 1.5e9
//! "USD"). Numbers inside time expressions are dates, not amounts.

use std::sync::LazyLock;

use regex::Regex;

use super::times::Timex;

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RawAmount {
    pub start: usize,
    pub end: usize,
    pub value: f64,
    pub unit: String,
}

const NUM: &str = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?";
const SCALE: &str = r"million|billion|trillion|thousand|bn";

fn re(s: &str) -> Regex {
    Regex::new(s).expect("valid amount regex")
}

static CUR_PRE: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?P<cur>US\$|\$|€|£|¥|₩|(?-u:\b)USD|(?-u:\b)EUR|(?-u:\b)KRW|(?-u:\b)GBP|(?-u:\b)JPY)\s?(?P<num>{NUM})(?:\s*(?P<scale>{SCALE})(?-u:\b))?"
    ))
});
static CUR_POST: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?-u:\b)(?P<num>{NUM})(?:\s*(?P<scale>{SCALE}))?\s+(?P<cur>won|(?:US |U\.S\. )?dollars?|euros?|yen|pounds?|yuan|rubles?|roubles?|rupees?)(?-u:\b)"
    ))
});
static PERCENT: LazyLock<Regex> =
    LazyLock::new(|| re(&format!(r"(?-u:\b)(?P<num>{NUM})(?:\s*%|\s*percent(?-u:\b)|\s*per cent(?-u:\b))")));
static HYPHEN_UNIT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?-u:\b)(?P<num>\d+(?:\.\d+)?)-(?P<u>year|month|week|day|hour|minute|mile|kilometer|kilometre|km|meter|metre|foot|feet|story|storey|member|point|ton|tonne)s?(?:-old)?(?-u:\b)",
    )
});
static ORDINAL: LazyLock<Regex> = LazyLock::new(|| re(r"(?-u:\b)(?P<num>\d+)(?:st|nd|rd|th)(?-u:\b)"));
static COUNT: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?-u:\b)(?P<num>{NUM})(?:\s+(?P<scale>{SCALE}))?\s+(?P<mods>(?:(?:[A-Z][\w.]*|[a-z]+-[a-z]+)\s+){{0,2}})(?P<u>[a-z][a-z-]*[a-z])(?-u:\b)"
    ))
});

fn parse_num(num: &str, scale: Option<&str>) -> Option<f64> {
    let v: f64 = num.replace(',', "").parse().ok()?;
    let k = match scale {
        Some("thousand") => 1e3,
        Some("million") => 1e6,
        Some("billion") | Some("bn") => 1e9,
        Some("trillion") => 1e12,
        _ => 1.0,
    };
    Some(v * k)
}

fn currency(sym: &str) -> &'static str {
    let s = sym.trim().to_ascii_lowercase();
    match s.as_str() {
        "$" | "us$" | "usd" | "dollar" | "dollars" | "us dollars" | "u.s. dollars" | "us dollar" | "u.s. dollar" => {
            "USD"
        }
        "€" | "eur" | "euro" | "euros" => "EUR",
        "£" | "gbp" | "pound" | "pounds" => "GBP",
        "¥" | "jpy" | "yen" => "JPY",
        "₩" | "krw" | "won" => "KRW",
        "yuan" => "CNY",
        "ruble" | "rubles" | "rouble" | "roubles" => "RUB",
        "rupee" | "rupees" => "INR",
        _ => "USD",
    }
}

/// Units that are words of a count but say nothing: `5 of the`, `3 and`.
fn is_unit_word(w: &str) -> bool {
    !crate::text::is_stopword(w)
        && !matches!(w, "percent" | "per" | "am" | "pm" | "a" | "an" | "p" | "m" | "km" | "st" | "nd" | "rd" | "th")
}

/// A bare four-digit number of a recent century (`2024`, no thousands
/// separator) before a word is a year naming something (`the 2024
/// presidential election`, `2025 recommendations`), not a count of it:
/// news writes counts from 1,000 with a separator.
fn reads_as_year(num: &str) -> bool {
    num.len() == 4 && num.parse::<u16>().is_ok_and(|y| (1800..=2100).contains(&y))
}

/// Extracts amounts; `times` masks numbers that belong to dates.
pub(crate) fn extract(text: &str, times: &[Timex]) -> Vec<RawAmount> {
    let mut c: Vec<RawAmount> = Vec::new();
    let mut add = |s: usize, e: usize, value: Option<f64>, unit: String| {
        if let Some(value) = value {
            c.push(RawAmount { start: s, end: e, value, unit });
        }
    };
    for m in CUR_PRE.captures_iter(text) {
        let (Some(all), Some(cur), Some(num)) = (m.get(0), m.name("cur"), m.name("num")) else { continue };
        add(
            all.start(),
            all.end(),
            parse_num(num.as_str(), m.name("scale").map(|x| x.as_str())),
            currency(cur.as_str()).into(),
        );
    }
    for m in CUR_POST.captures_iter(text) {
        let (Some(all), Some(cur), Some(num)) = (m.get(0), m.name("cur"), m.name("num")) else { continue };
        add(
            all.start(),
            all.end(),
            parse_num(num.as_str(), m.name("scale").map(|x| x.as_str())),
            currency(cur.as_str()).into(),
        );
    }
    for m in PERCENT.captures_iter(text) {
        let (Some(all), Some(num)) = (m.get(0), m.name("num")) else { continue };
        add(all.start(), all.end(), parse_num(num.as_str(), None), "percent".into());
    }
    for m in HYPHEN_UNIT.captures_iter(text) {
        let (Some(all), Some(num), Some(u)) = (m.get(0), m.name("num"), m.name("u")) else { continue };
        let unit = match u.as_str() {
            "feet" | "foot" => "feet".to_string(),
            "story" | "storey" => "stories".to_string(),
            x => format!("{x}s"),
        };
        add(all.start(), all.end(), parse_num(num.as_str(), None), unit);
    }
    for m in ORDINAL.captures_iter(text) {
        let (Some(all), Some(num)) = (m.get(0), m.name("num")) else { continue };
        add(all.start(), all.end(), parse_num(num.as_str(), None), "ordinal".into());
    }
    for m in COUNT.captures_iter(text) {
        let (Some(all), Some(num), Some(u)) = (m.get(0), m.name("num"), m.name("u")) else { continue };
        let unit = u.as_str();
        if !is_unit_word(unit) || text[..num.start()].ends_with(['.', '$', '-']) || reads_as_year(num.as_str()) {
            continue;
        }
        add(all.start(), all.end(), parse_num(num.as_str(), m.name("scale").map(|x| x.as_str())), unit.to_string());
    }
    // Leftmost-longest; nothing inside a time expression.
    c.retain(|a| !times.iter().any(|t| a.start < t.end && t.start < a.end));
    c.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    let mut out: Vec<RawAmount> = Vec::with_capacity(c.len());
    for a in c {
        if out.last().is_none_or(|l| a.start >= l.end) {
            out.push(a);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn am(t: &str) -> Vec<(String, f64, String)> {
        extract(t, &[]).into_iter().map(|a| (t[a.start..a.end].to_string(), a.value, a.unit)).collect()
    }

    #[test]
    fn a_year_before_a_word_is_no_count() {
        assert_eq!(am("the 2024 presidential election"), vec![]);
        assert_eq!(am("our 2025 recommendations"), vec![]);
        // Counts keep their separator, or are outside the years' range.
        assert_eq!(am("2,024 people came"), vec![("2,024 people".into(), 2024.0, "people".into())]);
        assert_eq!(am("1500 people came"), vec![("1500 people".into(), 1500.0, "people".into())]);
        // Money is money, whatever the number.
        assert_eq!(am("it cost $2024"), vec![("$2024".into(), 2024.0, "USD".into())]);
    }

    #[test]
    fn counts_money_percent_ordinals() {
        assert_eq!(
            am("hosts around 28,500 American troops"),
            vec![("28,500 American troops".into(), 28500.0, "troops".into())]
        );
        assert_eq!(am("South Korea has 450,000 troops."), vec![("450,000 troops".into(), 450000.0, "troops".into())]);
        assert_eq!(am("the 70-year-old alliance"), vec![("70-year-old".into(), 70.0, "years".into())]);
        assert_eq!(am("the 57th annual meeting"), vec![("57th".into(), 57.0, "ordinal".into())]);
        assert_eq!(am("a $1.5 billion deal"), vec![("$1.5 billion".into(), 1.5e9, "USD".into())]);
        assert_eq!(am("a 1.2 trillion won budget"), vec![("1.2 trillion won".into(), 1.2e12, "KRW".into())]);
        assert_eq!(
            am("up 7.5 percent and 3%"),
            vec![("7.5 percent".into(), 7.5, "percent".into()), ("3%".into(), 3.0, "percent".into())]
        );
        assert_eq!(am("killed 12 people"), vec![("12 people".into(), 12.0, "people".into())]);
    }

    #[test]
    fn numbers_in_dates_are_not_amounts() {
        let t = "on Oct. 30, 2024 and 5 of them";
        let times = super::super::times::extract(t, None);
        assert!(extract(t, &times).is_empty());
    }
}
