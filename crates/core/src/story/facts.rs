//! Facts (amounts attached to what they describe, compared across sources)
//! and variants (names and titles that differ but mean the same thing).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use regex::Regex;

use super::shared::{add_source, slice_chars, Ctx};
use super::view::{FactConflict, FactStatement, FactView, VariantForm, VariantView};
use crate::analyze::dated_alias;
use crate::model::{Amount, Analysis, EntityType};

fn is_us(c: &str) -> bool {
    matches!(c, "United States" | "U.S." | "US" | "America")
}

/// The subject an amount describes: the words between number and unit
/// ("American troops" -> "U.S. troops") and where: the place right after it
/// (`28,500 U.S. troops in South Korea`), else the first place the sentence
/// names (`South Korea, which hosts 28,500 American troops`).
fn fact_subject(a: &Amount, raw: &str, analysis: &Analysis, sent: (usize, usize)) -> String {
    let unit = a.unit.as_str();
    let mut modifier: Vec<String> = Vec::new();
    for w in a.text.split_whitespace().skip(1) {
        let l = w.to_lowercase();
        if l.starts_with(&unit.to_lowercase()[..unit.len().min(4)]) {
            break;
        }
        match l.as_str() {
            "american" | "us" | "u.s." => modifier.push("U.S.".to_string()),
            "around" | "about" | "over" | "some" | "nearly" | "almost" | "more" | "than" => {}
            _ => modifier.push(w.to_string()),
        }
    }
    let places: Vec<_> = analysis
        .entities
        .iter()
        .filter(|e| e.kind == EntityType::Place && e.start >= sent.0 && e.end <= sent.1 && !is_us(&e.canonical))
        .collect();
    let after = slice_chars(raw, a.end, (a.end + 40).min(sent.1));
    let right_after = places.iter().find(|e| {
        e.start >= a.end && {
            let gap = slice_chars(raw, a.end, e.start);
            let g = gap.trim().to_lowercase();
            (g == "in" || g.ends_with(" in") || g == "stationed in" || g == "based in") && gap.len() < after.len()
        }
    });
    let place = right_after.or(places.first()).map(|e| e.canonical.clone());
    let mut subject = modifier.join(" ");
    if !subject.is_empty() {
        subject.push(' ');
    }
    subject.push_str(unit);
    if let Some(p) = place {
        subject.push_str(" in ");
        subject.push_str(&p);
    }
    subject
}

/// Words before a number that bound it, longest first within each bound
/// (`no more than` before `more than`), and the bound they mean.
const BOUNDS: &[(&str, &str)] = &[
    ("no more than", "up to"),
    ("no fewer than", "more than"),
    ("no less than", "more than"),
    ("more than", "more than"),
    ("greater than", "more than"),
    ("in excess of", "more than"),
    ("upwards of", "more than"),
    ("at least", "more than"),
    ("over", "more than"),
    ("above", "more than"),
    ("fewer than", "up to"),
    ("less than", "up to"),
    ("at most", "up to"),
    ("up to", "up to"),
    ("under", "up to"),
    ("below", "up to"),
    ("an estimated", "about"),
    ("approximately", "about"),
    ("roughly", "about"),
    ("around", "about"),
    ("about", "about"),
    ("some", "about"),
    ("close to", "nearly"),
    ("nearly", "nearly"),
    ("almost", "nearly"),
];

/// How the text bounds the amount starting at char `start` of `raw`: the
/// bound and the amount as written with its bounding words
/// (`around 28,500 American troops`), or `exactly` and the amount alone.
pub(super) fn stated_bound(a: &Amount, raw: &str) -> (&'static str, String) {
    let window = slice_chars(raw, a.start.saturating_sub(24), a.start);
    // ASCII lowercase keeps byte offsets, so a match in `lower` is the same
    // span of `window`.
    let lower = window.to_ascii_lowercase();
    let trimmed = lower.trim_end();
    for (words, bound) in BOUNDS {
        if let Some(rest) = trimmed.strip_suffix(words) {
            if rest.is_empty() || rest.ends_with(|c: char| !c.is_alphanumeric()) {
                return (bound, format!("{}{}", &window[rest.len()..], a.text));
            }
        }
    }
    ("exactly", a.text.clone())
}

pub(super) fn facts(ctx: &Ctx) -> Vec<FactView> {
    let cfg = ctx.cfg;
    // (subject, unit) -> groups of agreeing values: (value, text, sources,
    // how each source bounds it).
    type Group = (f64, String, Vec<String>, Vec<FactStatement>);
    let mut by_subject: BTreeMap<(String, String), Vec<Group>> = BTreeMap::new();
    // Subjects one article gives disagreeing values for: a price list or a
    // table ("$75 ... $450 ... $8,000"), not one quantity that sources can
    // agree or differ on.
    let mut lists: BTreeSet<(String, String)> = BTreeSet::new();
    for m in ctx.originals() {
        for a in &m.analysis.amounts {
            if cfg.label_units.iter().any(|u| u == &a.unit) && a.value < cfg.fact_min_label_value {
                continue;
            }
            let Some(s) = ctx.sentences[m.article.id.as_str()].iter().find(|s| a.start >= s.start && a.end <= s.end)
            else {
                continue;
            };
            let sentence = slice_chars(&m.article.raw_text, s.start, s.end);
            let subject = fact_subject(a, &m.article.raw_text, m.analysis, (s.start, s.end));
            let key = (subject, a.unit.clone());
            if lists.contains(&key) {
                continue;
            }
            let groups = by_subject.entry(key.clone()).or_default();
            let agrees = |g: f64| (g - a.value).abs() <= cfg.fact_value_tolerance * g.abs().max(a.value.abs());
            let group = match groups.iter_mut().position(|g| agrees(g.0)) {
                Some(i) => i,
                None => {
                    groups.push((a.value, sentence, Vec::new(), Vec::new()));
                    groups.len() - 1
                }
            };
            let states_another_value =
                groups.iter().enumerate().any(|(i, g)| i != group && g.2.iter().any(|s| s == &m.article.id));
            if states_another_value {
                by_subject.remove(&key);
                lists.insert(key);
                continue;
            }
            let g = &mut groups[group];
            if g.2.iter().any(|s| s == &m.article.id) {
                continue; // the first mention in an article says how it bounds it
            }
            g.2.push(m.article.id.clone());
            let (bound, text) = stated_bound(a, &m.article.raw_text);
            match g.3.iter_mut().find(|st| st.bound == bound) {
                Some(st) => st.sources.push(m.article.id.clone()),
                None => g.3.push(FactStatement { bound: bound.into(), text, sources: vec![m.article.id.clone()] }),
            }
        }
    }
    let mut out: Vec<FactView> = by_subject
        .into_iter()
        .map(|((subject, unit), mut vals)| {
            // The value most sources give; others are conflicts.
            vals.sort_by(|a, b| b.2.len().cmp(&a.2.len()).then(a.0.total_cmp(&b.0)));
            let (value, text, sources, mut stated) = vals.remove(0);
            let conflicts =
                vals.into_iter().map(|(value, text, sources, _)| FactConflict { value, sources, text }).collect();
            if stated.len() < 2 {
                stated.clear();
            }
            FactView { subject, value, unit, text, sources, conflicts, stated }
        })
        .collect();
    out.sort_by(|a, b| b.sources.len().cmp(&a.sources.len()).then(a.subject.cmp(&b.subject)));
    out
}

/// Titles of office and bodies: `Secretary of War`, `Defense Secretary`,
/// `Ministry of National Defense`, `Defence Ministry`.
static TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:(?:Secretary|Department|Ministry|Minister) of (?:National )?[A-Z][a-z]+|(?:War|Defen[cs]e|Foreign|State) (?:Secretary|Minister|Ministry|Department))\b")
        .expect("valid regex")
});

/// `Defence Ministry` -> `ministry of defense`; `Ministry of National
/// Defense` -> `ministry of defense`.
fn normalise_title(t: &str) -> String {
    let l = t.to_lowercase().replace("defence", "defense").replace(" of national ", " of ");
    let w: Vec<&str> = l.split_whitespace().collect();
    if w.len() == 2 && !l.contains(" of ") {
        format!("{} of {}", w[1], w[0])
    } else {
        l
    }
}

fn title_case(s: &str) -> String {
    s.split(' ')
        .map(|w| if w == "of" { w.to_string() } else { w[..1].to_uppercase() + &w[1..] })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Titles spelt differently across sources (explained by the dated alias
/// table or by spelling and word order) and names spelt differently
/// (romanisation, folded by the alias registry).
pub(super) fn variants(ctx: &Ctx) -> Vec<VariantView> {
    // canonical -> (forms -> sources, holders, renamed?)
    let mut titles: BTreeMap<String, (BTreeMap<String, Vec<String>>, Vec<String>, bool)> = BTreeMap::new();
    for m in ctx.originals() {
        let raw = &m.article.raw_text;
        let date = m.article.best_date();
        for s in &ctx.sentences[m.article.id.as_str()] {
            let sentence = slice_chars(raw, s.start, s.end);
            for t in TITLE.find_iter(&sentence) {
                let norm = normalise_title(t.as_str());
                let renamed = dated_alias(&title_case(&norm), date);
                let canonical = renamed.map(str::to_string).unwrap_or_else(|| title_case(&norm));
                let canonical = dated_alias(&canonical, date).map(str::to_string).unwrap_or(canonical);
                let entry = titles.entry(canonical).or_default();
                add_source(entry.0.entry(t.as_str().to_string()).or_default(), &m.article.id);
                entry.2 |= renamed.is_some_and(|r| !r.eq_ignore_ascii_case(&title_case(&norm)));
                // The person right after the title holds it.
                let end_char = s.start + sentence[..t.end()].chars().count();
                if let Some(p) = m
                    .analysis
                    .entities
                    .iter()
                    .find(|e| e.kind == EntityType::Person && e.start > end_char && e.start <= end_char + 1)
                {
                    if !entry.1.contains(&p.canonical) {
                        entry.1.push(p.canonical.clone());
                    }
                }
            }
        }
    }
    let mut out: Vec<VariantView> = titles
        .into_iter()
        .filter(|(_, (forms, _, _))| forms.len() > 1)
        .map(|(canonical, (forms, holders, renamed))| VariantView {
            kind: "title".into(),
            canonical,
            holders,
            forms: forms.into_iter().map(|(text, sources)| VariantForm { text, sources }).collect(),
            explained_by: if renamed { "alias table (renamed)".into() } else { "spelling".into() },
        })
        .collect();
    // Names: full-name aliases of one entity that differ across sources.
    let mut names: BTreeMap<String, BTreeMap<String, Vec<String>>> = BTreeMap::new();
    for m in ctx.originals() {
        for e in
            m.analysis.entities.iter().filter(|e| e.kind == EntityType::Person && e.text.split_whitespace().count() > 1)
        {
            add_source(names.entry(e.canonical.clone()).or_default().entry(e.text.clone()).or_default(), &m.article.id);
        }
    }
    for (canonical, forms) in names {
        if forms.len() > 1 {
            out.push(VariantView {
                kind: "name".into(),
                canonical,
                holders: Vec::new(),
                forms: forms.into_iter().map(|(text, sources)| VariantForm { text, sources }).collect(),
                explained_by: "romanisation".into(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_normalise_across_word_order_and_spelling() {
        assert_eq!(normalise_title("Defence Ministry"), "ministry of defense");
        assert_eq!(normalise_title("Ministry of National Defense"), "ministry of defense");
        assert_eq!(normalise_title("Defense Secretary"), "secretary of defense");
        assert_eq!(title_case("secretary of war"), "Secretary of War");
    }
}
