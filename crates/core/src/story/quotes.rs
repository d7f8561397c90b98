//! Quotes grouped across sources: the same statement printed with slightly
//! different wording (`environment` / `environments`, one source quoting
//! only part of it) is one quote with its wordings and speakers.

use std::collections::BTreeSet;

use super::shared::{add_source, match_ratio, stems, Ctx};
use super::view::{QuoteView, QuoteWording};

struct Group {
    stems: BTreeSet<String>,
    /// Text, stems, sources, and the text normalised for comparison
    /// (computed once, not once per later quote).
    wordings: Vec<(String, BTreeSet<String>, Vec<String>, String)>,
    speakers: Vec<(String, usize)>,
    sources: Vec<String>,
}

pub(super) fn quotes(ctx: &Ctx) -> Vec<QuoteView> {
    let mut groups: Vec<Group> = Vec::new();
    for m in ctx.originals() {
        for q in &m.analysis.quotes {
            let st = stems(&q.text);
            let i = groups.iter().position(|g| {
                g.wordings.iter().any(|w| match_ratio(&w.1, &st, 3) >= ctx.cfg.quote_match_min)
                    || (st.len() < 3 && g.stems == st && !st.is_empty())
            });
            let g = match i {
                Some(i) => &mut groups[i],
                None => {
                    groups.push(Group {
                        stems: st.clone(),
                        wordings: Vec::new(),
                        speakers: Vec::new(),
                        sources: Vec::new(),
                    });
                    groups.last_mut().expect("just pushed")
                }
            };
            add_source(&mut g.sources, &m.article.id);
            let norm = crate::text::normalize_for_hash(&q.text);
            match g.wordings.iter_mut().find(|w| w.3 == norm) {
                Some(w) => add_source(&mut w.2, &m.article.id),
                None => g.wordings.push((q.text.clone(), st, vec![m.article.id.clone()], norm)),
            }
            if let Some(s) = &q.speaker {
                match g.speakers.iter_mut().find(|x| &x.0 == s) {
                    Some(x) => x.1 += 1,
                    None => g.speakers.push((s.clone(), 1)),
                }
            }
        }
    }
    let mut out: Vec<QuoteView> = groups
        .into_iter()
        .map(|mut g| {
            // Main wording: most sources, then the longest (fullest quote).
            g.wordings.sort_by(|a, b| b.2.len().cmp(&a.2.len()).then(b.0.chars().count().cmp(&a.0.chars().count())));
            let main = g.wordings.remove(0);
            // Named people before "the ministry", then the most frequent.
            let speaker = g
                .speakers
                .iter()
                .max_by(|a, b| {
                    let named = |s: &str| s.chars().next().is_some_and(char::is_uppercase);
                    named(&a.0).cmp(&named(&b.0)).then(a.1.cmp(&b.1)).then(b.0.cmp(&a.0))
                })
                .map(|s| s.0.clone());
            QuoteView {
                speaker,
                text: main.0,
                sources: g.sources,
                speakers: g.speakers.into_iter().map(|s| s.0).collect(),
                wordings: g.wordings.into_iter().map(|w| QuoteWording { text: w.0, sources: w.2 }).collect(),
            }
        })
        .collect();
    out.sort_by_key(|q| std::cmp::Reverse(q.sources.len()));
    out
}
