//! Direct quotes and their speakers. Straight and curly marks; a quote left
//! open at a paragraph end continues when the next paragraph opens with a
//! quote mark (news convention); a closing mark with no opener quotes from
//! the paragraph start (a lost opening mark). Byte offsets.

use std::sync::LazyLock;

use regex::Regex;

use super::entities::Ent;
use super::AnalyzeConfig;
use crate::model::EntityType;

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RawQuote {
    pub start: usize,
    pub end: usize,
    pub speaker: Option<String>,
}

const VERBS: &str = "said|says|told|added|stated|noted|explained|asked|wrote|warned|stressed|replied|continued|insisted|argued|declared|announced|reported|remarked|emphasized|emphasised|urged|recalled|tweeted|posted";

static AFTER_SUBJ_VERB: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r#"^[\s,]*(?P<subj>[^,.;:!?“”"\n]{{1,70}}?)\s+(?:{VERBS})(?-u:\b)"#)).expect("valid regex")
});
static AFTER_VERB_SUBJ: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r#"^[\s,]*(?:{VERBS})\s+(?P<subj>(?:the\s+)?[A-Z][^,.;:!?“”"\n]{{0,60}}?)(?:[,.;]|\s+(?:in|on|at|who|to|after|during)(?-u:\b)|$)"#)).expect("valid regex")
});
static BEFORE_VERB: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"(?-u:\b)(?:{VERBS})(?-u:\b)")).expect("valid regex"));
static ACCORDING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?i)(?-u:\b)according to\s+(?P<subj>[^,.;:“”"\n]{1,60})"#).expect("valid regex"));

fn is_open_ctx(prev: Option<char>) -> bool {
    prev.is_none_or(|p| p.is_whitespace() || matches!(p, '(' | '[' | '—' | '–' | '-' | ':' | '\u{a0}'))
}

/// Quote spans (content between the marks, byte offsets) before filtering.
fn spans(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    let mut para_start = 0usize;
    let mut prev: Option<char> = None;
    let mut iter = text.char_indices().peekable();
    while let Some((b, c)) = iter.next() {
        match c {
            '\n' => {
                if let Some(o) = open {
                    // Continues if the next non-blank line opens with a mark.
                    let rest = text[b..].trim_start();
                    let cont = rest.starts_with(['“', '"']);
                    if !cont {
                        out.push((o, b));
                        open = None;
                    } else {
                        // Skip to just past that mark.
                        let skip_to = text.len() - rest.len() + rest.chars().next().map_or(0, |ch| ch.len_utf8());
                        while iter.peek().is_some_and(|&(nb, _)| nb < skip_to) {
                            iter.next();
                        }
                        prev = Some('“');
                        continue;
                    }
                }
                para_start = b + 1;
            }
            '“' => open = Some(b + c.len_utf8()),
            '”' => match open.take() {
                Some(o) => out.push((o, b)),
                None => out.push((para_start, b)),
            },
            '"' => {
                if is_open_ctx(prev) && open.is_none() {
                    open = Some(b + 1);
                } else if let Some(o) = open.take() {
                    out.push((o, b));
                } else if is_open_ctx(prev) {
                    open = Some(b + 1);
                } else {
                    out.push((para_start, b));
                }
            }
            _ => {}
        }
        prev = Some(c);
    }
    if let Some(o) = open {
        out.push((o, text.len()));
    }
    out
}

/// Speaker phrase -> entity canonical when an entity ends the phrase, or the
/// last organisation named like "the ministry".
fn resolve(text: &str, subj_s: usize, subj_e: usize, ents: &[Ent], before: usize) -> Option<String> {
    let subj = text.get(subj_s..subj_e).map(str::trim)?;
    if subj.is_empty() {
        return None;
    }
    // An entity that ends the phrase: "Ahn", "the U.S. Department of War".
    if let Some(e) =
        ents.iter().rev().find(|e| e.start >= subj_s && e.end <= subj_e && text[e.end..subj_e].trim().is_empty())
    {
        return Some(e.canonical.clone());
    }
    let lower = subj.to_lowercase();
    let head = lower.rsplit(' ').next().unwrap_or("");
    if lower.starts_with("the ")
        && matches!(
            head,
            "ministry"
                | "department"
                | "agency"
                | "office"
                | "government"
                | "committee"
                | "council"
                | "military"
                | "army"
                | "police"
        )
    {
        if let Some(e) = ents
            .iter()
            .rev()
            .find(|e| e.start < before && e.kind == EntityType::Org && e.canonical.to_lowercase().contains(head))
        {
            return Some(e.canonical.clone());
        }
    }
    let words = subj.split_whitespace().count();
    (words <= 6).then(|| super::entities::norm_name(subj))
}

/// Extracts quotes of more than `scare_quote_max_words` words with speakers.
pub(crate) fn extract(text: &str, ents: &[Ent], cfg: &AnalyzeConfig) -> Vec<RawQuote> {
    let mut out = Vec::new();
    let mut last_speaker: Option<String> = None;
    for (s, e) in spans(text) {
        let inner = &text[s..e];
        // Trim blanks and a trailing comma: `"...threats," the ministry said`.
        let lead = inner.len() - inner.trim_start().len();
        let t = inner.trim().trim_end_matches(',').trim_end();
        let (qs, qe) = (s + lead, s + lead + t.len());
        if qe <= qs || t.split_whitespace().count() <= cfg.scare_quote_max_words {
            continue;
        }
        let close = text[e..].chars().next().map_or(e, |c| e + c.len_utf8());
        let mut speaker = None;
        // 1. After the quote: `, the ministry said` / `, said Ahn`.
        let mut wend = (close + cfg.speaker_window_after).min(text.len());
        while !text.is_char_boundary(wend) {
            wend -= 1;
        }
        let after = &text[close..wend];
        let after = &after[..after.find('\n').unwrap_or(after.len())];
        if let Some(m) = AFTER_VERB_SUBJ.captures(after).and_then(|m| m.name("subj")) {
            speaker = resolve(text, close + m.start(), close + m.end(), ents, s);
        } else if let Some(m) = AFTER_SUBJ_VERB.captures(after).and_then(|m| m.name("subj")) {
            speaker = resolve(text, close + m.start(), close + m.end(), ents, s);
        }
        // 2. Before the quote in its sentence: `X said the allies plan to "..."`.
        if speaker.is_none() {
            let (ss, _) = super::sentence_of(text, s);
            let mut from = ss.max(s.saturating_sub(cfg.speaker_window_before));
            while !text.is_char_boundary(from) {
                from += 1;
            }
            let open_at = s.saturating_sub(1);
            let mut open_b = open_at;
            while open_b > from && !text.is_char_boundary(open_b) {
                open_b -= 1;
            }
            // A quote that opens its sentence has nothing before it.
            let before = text.get(from..open_b.max(from)).unwrap_or("");
            if let Some(v) = BEFORE_VERB.find_iter(before).last() {
                let subj_e = from + v.start();
                let clause = &text[from..subj_e];
                let cs = clause
                    .char_indices()
                    .rfind(|&(_, c)| matches!(c, ',' | ';' | ':' | '“' | '"' | '”'))
                    .map_or(from, |(i, c)| from + i + c.len_utf8());
                speaker = resolve(text, cs, subj_e, ents, s);
            }
        }
        // 3. `according to X` in the sentence.
        if speaker.is_none() {
            let (ss, se) = super::sentence_of(text, qs);
            let sent_end = se.max(close).min(text.len());
            if let Some(m) = text.get(ss..sent_end).and_then(|x| ACCORDING.captures(x)).and_then(|m| m.name("subj")) {
                speaker = resolve(text, ss + m.start(), ss + m.end(), ents, s);
            }
        }
        // Pronouns refer to the previous speaker.
        if let Some(sp) = &speaker {
            if matches!(sp.to_lowercase().as_str(), "he" | "she" | "it" | "they") {
                speaker = last_speaker.clone();
            }
        }
        if speaker.is_some() {
            last_speaker = speaker.clone();
        }
        out.push(RawQuote { start: qs, end: qe, speaker });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(t: &str) -> Vec<(String, Option<String>)> {
        let cfg = AnalyzeConfig::default();
        let ents = super::super::entities::recognise(t, &cfg);
        extract(t, &ents, &cfg).into_iter().map(|x| (t[x.start..x.end].to_string(), x.speaker)).collect()
    }

    #[test]
    fn speakers_after_and_before() {
        assert_eq!(
            q("\"Talks will go on for a long time,\" the ministry said."),
            vec![("Talks will go on for a long time".into(), Some("the ministry".into()))]
        );
        assert_eq!(
            q("“We will fight on for peace,” said Defense Minister Ahn Gyu-back."),
            vec![("We will fight on for peace".into(), Some("Ahn Gyu-back".into()))]
        );
        assert_eq!(
            q("Pete Hegseth said he will “applaud Seoul's willingness to step up.”"),
            vec![("applaud Seoul's willingness to step up.".into(), Some("Pete Hegseth".into()))]
        );
    }

    #[test]
    fn scare_quotes_are_skipped() {
        assert!(q("the “ironclad” defense and a \"blood-forged\" one").is_empty());
    }

    #[test]
    fn quotes_across_paragraphs_and_lost_openers() {
        let t = "“First part of the quote goes here.\n“And the second part goes on,” Ahn said.";
        let v = q(t);
        assert_eq!(v.len(), 1, "{v:?}");
        assert_eq!(v[0].1.as_deref(), Some("Ahn"));
        let t2 = "I feel the heavy responsibility here,\" Ahn told Hegseth.";
        assert_eq!(q(t2)[0].1.as_deref(), Some("Ahn"));
    }
}
