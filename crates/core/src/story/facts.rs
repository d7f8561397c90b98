//! Facts (amounts attached to what they describe, compared across sources)
//! and variants (names and titles that differ but mean the same thing).

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;

use super::shared::{add_source, slice_chars, Ctx};
use super::view::{FactConflict, FactView, VariantForm, VariantView};
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

pub(super) fn facts(ctx: &Ctx) -> Vec<FactView> {
    let cfg = ctx.cfg;
    // (subject, unit) -> groups of agreeing values: (value, text, sources).
    let mut by_subject: BTreeMap<(String, String), Vec<(f64, String, Vec<String>)>> = BTreeMap::new();
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
            let groups = by_subject.entry((subject, a.unit.clone())).or_default();
            let agrees = |g: f64| (g - a.value).abs() <= cfg.fact_value_tolerance * g.abs().max(a.value.abs());
            match groups.iter_mut().find(|g| agrees(g.0)) {
                Some(g) => add_source(&mut g.2, &m.article.id),
                None => groups.push((a.value, sentence, vec![m.article.id.clone()])),
            }
        }
    }
    let mut out: Vec<FactView> = by_subject
        .into_iter()
        .map(|((subject, unit), mut vals)| {
            // The value most sources give; others are conflicts.
            vals.sort_by(|a, b| b.2.len().cmp(&a.2.len()).then(a.0.total_cmp(&b.0)));
            let (value, text, sources) = vals.remove(0);
            let conflicts =
                vals.into_iter().map(|(value, text, sources)| FactConflict { value, sources, text }).collect();
            FactView { subject, value, unit, text, sources, conflicts }
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
