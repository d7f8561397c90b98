//! Scoring time expressions the TempEval-3 way: read TimeML documents
//! (`<DCT>` with the document creation time, `<TEXT>` with inline
//! `<TIMEX3 value="...">` annotations), run the recogniser on the plain
//! text resolved against the DCT, and count
//! - strict matches (same span), relaxed matches (overlapping spans),
//! - value accuracy over relaxed matches, and value F1 (relaxed matches
//!   with the right value, as TempEval-3 ranks systems),
//! - type accuracy (DATE, TIME, DURATION, SET) over relaxed matches.
//!
//! The reader is pure: it takes the document text and returns the plain
//! text with gold spans (char offsets), so tests and the `timex-eval`
//! command share it.

use chrono::NaiveDate;
use serde::Serialize;

use storyline_core::TimeExpr;

/// One gold TIMEX3: char offsets into the plain text.
#[derive(Debug, Clone, PartialEq)]
pub struct GoldTimex {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub kind: String,
    pub value: String,
}

/// A TimeML document reduced to what scoring needs.
#[derive(Debug, Clone, PartialEq)]
pub struct TimemlDoc {
    /// The document creation time, when the DCT carries a date value.
    pub dct: Option<NaiveDate>,
    /// `<TEXT>` with every tag removed and entities decoded.
    pub text: String,
    pub gold: Vec<GoldTimex>,
}

/// Reads every `<TimeML>` document in `input` (a file may hold several;
/// a file with no `<TimeML>` root is read as one document).
pub fn parse_timeml_docs(input: &str) -> Result<Vec<TimemlDoc>, String> {
    let mut docs = Vec::new();
    let mut rest = input;
    while let Some(start) = rest.find("<TimeML") {
        let end = rest[start..].find("</TimeML>").ok_or("a <TimeML> document is not closed")? + start;
        docs.push(parse_timeml(&rest[start..end])?);
        rest = &rest[end + "</TimeML>".len()..];
    }
    if docs.is_empty() {
        docs.push(parse_timeml(input)?);
    }
    Ok(docs)
}

/// Reads one TimeML document.
pub fn parse_timeml(doc: &str) -> Result<TimemlDoc, String> {
    let dct = section(doc, "DCT")
        .and_then(|d| {
            let (_, gold) = strip_tags(d).ok()?;
            gold.first().map(|t| t.value.clone())
        })
        .and_then(|v| NaiveDate::parse_from_str(v.get(..10)?, "%Y-%m-%d").ok());
    let body = section(doc, "TEXT").ok_or("no <TEXT> element")?;
    let (text, gold) = strip_tags(body)?;
    Ok(TimemlDoc { dct, text, gold })
}

/// The inner text of the first `<name ...>...</name>` element.
fn section<'a>(doc: &'a str, name: &str) -> Option<&'a str> {
    let open = doc.find(&format!("<{name}"))?;
    let inner = open + doc[open..].find('>')? + 1;
    let close = inner + doc[inner..].find(&format!("</{name}>"))?;
    Some(&doc[inner..close])
}

/// Plain text of `markup` and the TIMEX3 elements in it.
fn strip_tags(markup: &str) -> Result<(String, Vec<GoldTimex>), String> {
    let mut text = String::with_capacity(markup.len());
    let mut chars = 0usize;
    let mut gold = Vec::new();
    // Open TIMEX3s: (start char, type, value). TimeML does not nest them,
    // but a stack keeps a malformed file from mis-pairing silently.
    let mut open: Vec<(usize, String, String)> = Vec::new();
    let mut rest = markup;
    while !rest.is_empty() {
        match rest.find('<') {
            Some(0) => {
                let end = rest.find('>').ok_or("a tag is not closed")?;
                let tag = &rest[1..end];
                if let Some(attrs) = tag.strip_prefix("TIMEX3") {
                    if !tag.ends_with('/') {
                        open.push((
                            chars,
                            attr(attrs, "type").unwrap_or_default(),
                            attr(attrs, "value").unwrap_or_default(),
                        ));
                    }
                } else if tag.starts_with("/TIMEX3") {
                    let (start, kind, value) = open.pop().ok_or("</TIMEX3> without an opening tag")?;
                    let span: String = text.chars().skip(start).collect();
                    gold.push(GoldTimex { start, end: chars, text: span, kind, value });
                }
                rest = &rest[end + 1..];
            }
            found => {
                let end = found.unwrap_or(rest.len());
                let decoded = decode_entities(&rest[..end]);
                chars += decoded.chars().count();
                text.push_str(&decoded);
                rest = &rest[end..];
            }
        }
    }
    if !open.is_empty() {
        return Err("a <TIMEX3> is not closed".into());
    }
    Ok((text, gold))
}

fn attr(attrs: &str, name: &str) -> Option<String> {
    let mut rest = attrs;
    while let Some(i) = rest.find(name) {
        let before_ok = i == 0 || rest.as_bytes()[i - 1].is_ascii_whitespace();
        let after = rest[i + name.len()..].trim_start();
        if before_ok {
            if let Some(v) = after.strip_prefix('=') {
                let v = v.trim_start();
                let quote = v.chars().next()?;
                if quote == '"' || quote == '\'' {
                    let end = v[1..].find(quote)?;
                    return Some(decode_entities(&v[1..1 + end]));
                }
            }
        }
        rest = &rest[i + name.len()..];
    }
    None
}

fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&")
}

/// Counts over a set of documents.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct TimexCounts {
    pub gold: usize,
    pub predicted: usize,
    pub strict_matches: usize,
    pub relaxed_matches: usize,
    /// Relaxed matches whose value equals the gold value.
    pub value_matches: usize,
    /// Relaxed matches whose type equals the gold type.
    pub type_matches: usize,
}

/// The TempEval-3 figures.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TimexScores {
    pub strict_p: f64,
    pub strict_r: f64,
    pub strict_f1: f64,
    pub relaxed_p: f64,
    pub relaxed_r: f64,
    pub relaxed_f1: f64,
    /// Share of relaxed matches with the right value.
    pub value_accuracy: f64,
    /// F1 counting only relaxed matches with the right value.
    pub value_f1: f64,
    pub type_accuracy: f64,
}

impl TimexCounts {
    /// Adds one document: each gold expression is matched to at most one
    /// prediction (the first overlapping one not yet used).
    pub fn add(&mut self, gold: &[GoldTimex], predicted: &[TimeExpr]) {
        self.gold += gold.len();
        self.predicted += predicted.len();
        let mut used = vec![false; predicted.len()];
        for g in gold {
            let exact = predicted.iter().enumerate().find(|(i, p)| !used[*i] && p.start == g.start && p.end == g.end);
            let overlap =
                || predicted.iter().enumerate().find(|(i, p)| !used[*i] && p.start < g.end && g.start < p.end);
            let Some((i, p)) = exact.or_else(overlap) else { continue };
            used[i] = true;
            self.relaxed_matches += 1;
            self.strict_matches += (p.start == g.start && p.end == g.end) as usize;
            self.value_matches += (p.value == g.value) as usize;
            self.type_matches += timex_type_name(p).eq_ignore_ascii_case(&g.kind) as usize;
        }
    }

    pub fn scores(&self) -> TimexScores {
        let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let f1 = |p: f64, r: f64| if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) };
        let (sp, sr) = (ratio(self.strict_matches, self.predicted), ratio(self.strict_matches, self.gold));
        let (rp, rr) = (ratio(self.relaxed_matches, self.predicted), ratio(self.relaxed_matches, self.gold));
        let (vp, vr) = (ratio(self.value_matches, self.predicted), ratio(self.value_matches, self.gold));
        TimexScores {
            strict_p: sp,
            strict_r: sr,
            strict_f1: f1(sp, sr),
            relaxed_p: rp,
            relaxed_r: rr,
            relaxed_f1: f1(rp, rr),
            value_accuracy: ratio(self.value_matches, self.relaxed_matches),
            value_f1: f1(vp, vr),
            type_accuracy: ratio(self.type_matches, self.relaxed_matches),
        }
    }
}

fn timex_type_name(t: &TimeExpr) -> String {
    serde_json::to_value(t.kind).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

/// Runs the recogniser on each document (resolved against its DCT) and
/// counts against the gold annotations.
pub fn score_docs(docs: &[TimemlDoc], cfg: &storyline_core::analyze::AnalyzeConfig) -> TimexCounts {
    let mut counts = TimexCounts::default();
    for doc in docs {
        let analysis = storyline_core::analyze::analyze_text(&doc.text, doc.dct, cfg);
        counts.add(&doc.gold, &analysis.times);
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"<?xml version="1.0" ?>
<TimeML>
<DOCID>t1</DOCID>
<DCT><TIMEX3 tid="t0" type="DATE" value="2025-11-04" functionInDocument="CREATION_TIME">2025-11-04</TIMEX3></DCT>
<TEXT>Ministers met <TIMEX3 tid="t1" type="DATE" value="2025-11-03">on Monday</TIMEX3> &amp; will meet <TIMEX3 tid="t2" type="DATE" value="2026">next year</TIMEX3>, <EVENT eid="e1">said</EVENT> Ahn.</TEXT>
</TimeML>"#;

    #[test]
    fn reads_dct_plain_text_and_gold_spans() {
        let doc = parse_timeml(DOC).unwrap();
        assert_eq!(doc.dct, NaiveDate::from_ymd_opt(2025, 11, 4));
        assert_eq!(doc.text, "Ministers met on Monday & will meet next year, said Ahn.");
        assert_eq!(doc.gold.len(), 2);
        let g = &doc.gold[0];
        assert_eq!((g.text.as_str(), g.kind.as_str(), g.value.as_str()), ("on Monday", "DATE", "2025-11-03"));
        let span: String = doc.text.chars().skip(g.start).take(g.end - g.start).collect();
        assert_eq!(span, "on Monday");
        assert_eq!(doc.gold[1].text, "next year");
    }

    #[test]
    fn several_documents_in_one_file_and_errors() {
        let two = format!("{DOC}\n{DOC}");
        assert_eq!(parse_timeml_docs(&two).unwrap().len(), 2);
        assert!(parse_timeml("<TEXT>a <TIMEX3 value=\"2025\">b</TEXT>").is_err());
        assert!(parse_timeml("no text element").is_err());
    }

    #[test]
    fn strict_relaxed_and_value_counts() {
        use storyline_core::TimexType;
        let doc = parse_timeml(DOC).unwrap();
        let pred = |s: usize, e: usize, v: &str| TimeExpr {
            text: String::new(),
            kind: TimexType::Date,
            start: s,
            end: e,
            value: v.into(),
        };
        // "Monday" inside "on Monday" (relaxed, right value); "next year" exact but wrong value; one spurious.
        let predicted = [pred(17, 23, "2025-11-03"), pred(36, 45, "2026-01"), pred(0, 9, "X")];
        let mut c = TimexCounts::default();
        c.add(&doc.gold, &predicted);
        assert_eq!((c.gold, c.predicted, c.strict_matches, c.relaxed_matches, c.value_matches), (2, 3, 1, 2, 1));
        let s = c.scores();
        assert!((s.relaxed_r - 1.0).abs() < 1e-9 && (s.relaxed_p - 2.0 / 3.0).abs() < 1e-9);
        assert!((s.value_accuracy - 0.5).abs() < 1e-9);
    }

    #[test]
    fn an_empty_recogniser_scores_zero() {
        let doc = parse_timeml(DOC).unwrap();
        let mut c = TimexCounts::default();
        c.add(&doc.gold, &[]);
        assert_eq!(c.scores().relaxed_f1, 0.0);
    }

    /// The hand-annotated real news sentences in bench/timex: the bar is
    /// HeidelTime's TempEval-3 figures (relaxed F1 0.90, value F1 0.776).
    #[test]
    fn bundled_news_cases_beat_the_heideltime_reference() {
        let docs = parse_timeml_docs(include_str!("../../../bench/timex/news_cases.tml")).unwrap();
        assert!(docs.len() >= 30, "{} documents", docs.len());
        let s = score_docs(&docs, &storyline_core::analyze::AnalyzeConfig::default()).scores();
        assert!(s.relaxed_f1 >= 0.90, "{s:?}");
        assert!(s.value_f1 >= 0.80, "{s:?}");
    }
}
