//! Renderers of a [`StoryView`]: Markdown, and a self-contained HTML page
//! (inline CSS, an inline SVG timeline, no JavaScript, no external asset)
//! that a person can save and send on. Pure: view in, string out.
//!
//! Every string of the view comes from article text and is untrusted: the
//! HTML renderer passes each one through [`escape_html`], the Markdown one
//! through [`escape_markdown`] (Markdown renderers pass raw HTML through).

use std::collections::HashMap;
use std::fmt::Write as _;

use chrono::NaiveDate;

use super::view::{SourceView, StoryView, TimelineEntry};

/// Escapes `& < > " '` so the result is safe in HTML text and in quoted
/// attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Escapes text for Markdown: HTML-significant characters become entities,
/// and the characters that start emphasis, links or table cells are
/// backslash-escaped. Line breaks become spaces.
pub fn escape_markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// `28500` -> `28,500`; fractions keep up to two decimals.
pub fn format_value(v: f64) -> String {
    if v.fract() != 0.0 {
        return format!("{v:.2}").trim_end_matches('0').trim_end_matches('.').to_string();
    }
    let digits = format!("{}", v.abs() as u64);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0.0 {
        out.insert(0, '-');
    }
    out
}

/// Short label of an article: its outlet when known, else its id.
fn labels(v: &StoryView) -> HashMap<&str, String> {
    let short = |id: &str| {
        if id.chars().count() > 12 {
            format!("{}…", id.chars().take(10).collect::<String>())
        } else {
            id.to_string()
        }
    };
    v.sources.iter().map(|s| (s.article.as_str(), s.outlet.clone().unwrap_or_else(|| short(&s.article)))).collect()
}

fn date_range(v: &StoryView) -> (Option<&str>, Option<&str>) {
    let mut dates: Vec<&str> = v.sources.iter().filter_map(|s| s.published.as_deref()).collect();
    dates.sort();
    (dates.first().copied(), dates.last().copied())
}

/// What a truncated view left out, in words (digits only: safe unescaped).
pub fn truncation_note(v: &StoryView) -> String {
    format!(
        "A large story: the summary, timeline, facts and quotes fold the {} most recent original articles; events, entities and sources list all {} articles.",
        v.articles_folded, v.articles_total
    )
}

/// Article text for a terminal: control characters (an escape sequence
/// in untrusted text could rewrite the terminal) become spaces.
fn plain(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// A count with its noun: `1 article`, `2 articles` (the web UI's
/// `plural()` says the same).
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// What kind of copy a source is, in words (`exact copy of`, `excerpt
/// of`): an exact copy can be trusted as the original, an excerpt (a
/// teaser) holds only part of it, an extended copy adds to it. The web UI's
/// `copyLabel` says the same.
pub fn copy_label(kind: Option<&str>) -> &'static str {
    match kind {
        Some("exact") => "exact copy",
        Some("near") => "reworded copy",
        Some("excerpt") => "excerpt",
        Some("extended") => "extended copy",
        _ => "copy",
    }
}

/// The story as plain text for a terminal (`storyline show`).
pub fn to_text(v: &StoryView) -> String {
    let p = plain;
    let list = |ids: &[String]| p(&ids.join(", "));
    let mut o = String::new();
    let _ = writeln!(o, "{}  {}\n", p(&v.id), p(&v.title));
    if v.truncated {
        let _ = writeln!(o, "{}\n", truncation_note(v));
    }
    if !v.summary.is_empty() {
        let _ = writeln!(o, "{}\n", p(&v.summary));
    }
    let _ = writeln!(o, "Events");
    for ev in &v.events {
        let _ = writeln!(
            o,
            "  {:<5} {:<10} {:>12}  {}",
            p(&ev.id),
            p(ev.date.as_deref().unwrap_or("-")),
            count(ev.articles.len(), "article", "articles"),
            p(&ev.title)
        );
    }
    if !v.timeline.is_empty() {
        let _ = writeln!(o, "\nTimeline");
        for t in &v.timeline {
            let _ = writeln!(o, "  {:<10} [{}] {}", p(&t.date), list(&t.sources), p(&t.text));
        }
    }
    if !v.background.is_empty() {
        let _ = writeln!(o, "\nBackground (before the story began)");
        for t in &v.background {
            let _ = writeln!(o, "  {:<10} [{}] {}", p(&t.date), list(&t.sources), p(&t.text));
        }
    }
    if !v.entities.is_empty() {
        let _ = writeln!(o, "\nEntities");
        for en in v.entities.iter().take(20) {
            let kind = format!("{:?}", en.kind).to_uppercase();
            let _ = writeln!(
                o,
                "  {:<7} {:<40} {}  aliases: {}",
                kind,
                p(&en.canonical),
                count(en.articles.len(), "article", "articles"),
                p(&en.aliases.join(" | "))
            );
        }
    }
    if !v.facts.is_empty() {
        let _ = writeln!(o, "\nFacts");
        for f in &v.facts {
            let conflicts: Vec<String> =
                f.conflicts.iter().map(|c| format!("{} [{}]", c.value, list(&c.sources))).collect();
            let differ =
                if conflicts.is_empty() { String::new() } else { format!("  DIFFERS: {}", conflicts.join("; ")) };
            let stated: Vec<String> =
                f.stated.iter().map(|st| format!("{} [{}]", p(&st.text), list(&st.sources))).collect();
            let stated =
                if stated.is_empty() { String::new() } else { format!("  BOUNDED DIFFERENTLY: {}", stated.join("; ")) };
            let _ = writeln!(o, "  {}: {} [{}]{}{}", p(&f.subject), f.value, list(&f.sources), differ, stated);
        }
    }
    if !v.quotes.is_empty() {
        let _ = writeln!(o, "\nQuotes");
        for q in &v.quotes {
            let _ = writeln!(
                o,
                "  {}: \u{201c}{}\u{201d} [{}]",
                p(q.speaker.as_deref().unwrap_or("(unknown)")),
                p(&q.text),
                list(&q.sources)
            );
        }
    }
    if let Some(id) = &v.read_first {
        let _ = writeln!(o, "\nRead first: {}", p(id));
    }
    let _ = writeln!(o, "\nSources");
    for s in &v.sources {
        let copy = s
            .duplicate_of
            .as_deref()
            .map(|orig| format!("  {} of {}", copy_label(s.duplicate_kind.as_deref()), p(orig)))
            .unwrap_or_default();
        let mt = if s.machine_translated { "  machine-translated" } else { "" };
        let _ = writeln!(
            o,
            "  {:<24} {:<10} {}{}{}\n    {}",
            p(&s.article),
            p(s.published.as_deref().unwrap_or("-")),
            p(s.outlet.as_deref().unwrap_or("-")),
            mt,
            copy,
            p(&s.title)
        );
    }
    o
}

/// The story as Markdown.
pub fn to_markdown(v: &StoryView) -> String {
    let e = escape_markdown;
    let mut o = String::new();
    let _ = writeln!(o, "# {}\n", e(&v.title));
    let (first, last) = date_range(v);
    let _ = writeln!(
        o,
        "*Story {} · {} · {} · {} to {}*\n",
        e(&v.id),
        count(v.sources.len(), "article", "articles"),
        count(v.events.len(), "event", "events"),
        e(first.unwrap_or("?")),
        e(last.unwrap_or("?"))
    );
    if v.truncated {
        let _ = writeln!(o, "*{}*\n", truncation_note(v));
    }
    if !v.summary.is_empty() {
        let _ = writeln!(o, "{}\n", e(&v.summary));
    }
    let srcs = |ids: &[String]| ids.iter().map(|s| e(s)).collect::<Vec<_>>().join(", ");
    if !v.events.is_empty() {
        let _ = writeln!(o, "## Events\n");
        for ev in &v.events {
            let _ = writeln!(
                o,
                "- **{}** {} ({})",
                e(ev.date.as_deref().unwrap_or("undated")),
                e(&ev.title),
                count(ev.articles.len(), "article", "articles")
            );
            if !ev.summary.is_empty() {
                let _ = writeln!(o, "  {}", e(&ev.summary));
            }
        }
        o.push('\n');
    }
    if !v.timeline.is_empty() {
        let _ = writeln!(o, "## Timeline\n\n| Date | What | Sources |\n|---|---|---|");
        for t in &v.timeline {
            let _ = writeln!(o, "| {} | {} | {} |", e(&t.date), e(&t.text), srcs(&t.sources));
        }
        o.push('\n');
    }
    if !v.background.is_empty() {
        let _ = writeln!(o, "## Background (before the story began)\n\n| Date | What | Sources |\n|---|---|---|");
        for t in &v.background {
            let _ = writeln!(o, "| {} | {} | {} |", e(&t.date), e(&t.text), srcs(&t.sources));
        }
        o.push('\n');
    }
    if !v.facts.is_empty() {
        let _ = writeln!(o, "## Facts\n\n| Subject | Value | Sources | Differs |\n|---|---|---|---|");
        for f in &v.facts {
            let mut differs: Vec<String> =
                f.conflicts.iter().map(|c| format!("{} ({})", format_value(c.value), srcs(&c.sources))).collect();
            differs.extend(f.stated.iter().map(|st| format!("“{}” ({})", e(&st.text), srcs(&st.sources))));
            let _ = writeln!(
                o,
                "| {} | {} {} | {} | {} |",
                e(&f.subject),
                format_value(f.value),
                e(&f.unit),
                srcs(&f.sources),
                differs.join("; ")
            );
        }
        o.push('\n');
    }
    if !v.variants.is_empty() {
        let _ = writeln!(o, "## Same thing, different words\n");
        for x in &v.variants {
            let forms: Vec<String> =
                x.forms.iter().map(|f| format!("“{}” ({})", e(&f.text), srcs(&f.sources))).collect();
            let _ = writeln!(o, "- **{}**: {} — {}", e(&x.canonical), forms.join(", "), e(&x.explained_by));
        }
        o.push('\n');
    }
    if !v.quotes.is_empty() {
        let _ = writeln!(o, "## Quotes\n");
        for q in &v.quotes {
            let _ = writeln!(
                o,
                "> “{}”  \n> — {} ({})\n",
                e(&q.text),
                e(q.speaker.as_deref().unwrap_or("unattributed")),
                srcs(&q.sources)
            );
            for w in &q.wordings {
                let _ = writeln!(o, "> *also worded:* “{}” ({})\n", e(&w.text), srcs(&w.sources));
            }
        }
    }
    if !v.entities.is_empty() {
        let _ = writeln!(o, "## Who and what\n\n| Name | Type | Also called | Articles |\n|---|---|---|---|");
        for en in v.entities.iter().take(30) {
            let aka: Vec<String> = en.aliases.iter().filter(|a| **a != en.canonical).map(|a| e(a)).collect();
            let _ =
                writeln!(o, "| {} | {:?} | {} | {} |", e(&en.canonical), en.kind, aka.join(", "), en.articles.len());
        }
        o.push('\n');
    }
    if let Some(id) = &v.read_first {
        let _ = writeln!(o, "**Read first:** {}\n", e(id));
    }
    let _ = writeln!(o, "## Sources\n\n| Article | Headline | Outlet | Published | Notes |\n|---|---|---|---|---|");
    for s in &v.sources {
        let mut notes = Vec::new();
        if s.machine_translated {
            notes.push("machine-translated".to_string());
        }
        if let Some(d) = &s.duplicate_of {
            notes.push(format!("{} of {}", copy_label(s.duplicate_kind.as_deref()), e(d)));
        }
        if !s.copies.is_empty() {
            notes.push(format!("copied by {}", srcs(&s.copies)));
        }
        if !s.reused.is_empty() {
            notes.push(format!("{} paragraph(s) also in {}", s.reused.len(), srcs(&reuse_sources(s))));
        }
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} |",
            e(&s.article),
            e(&s.title),
            e(s.outlet.as_deref().unwrap_or("")),
            e(s.published.as_deref().unwrap_or("")),
            notes.join("; ")
        );
    }
    o
}

/// The earlier articles a source reuses paragraphs from, each once.
fn reuse_sources(s: &SourceView) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for id in s.reused.iter().flat_map(|r| &r.found_in) {
        if !out.contains(id) {
            out.push(id.clone());
        }
    }
    out
}

const CSS: &str = r#"
:root{--ink:#1d2433;--muted:#5b6475;--line:#d9dee8;--bg:#f6f7fb;--card:#fff;--accent:#1f6feb;--accent2:#8250df;--warn:#b42318;--ok:#1a7f37}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.5 -apple-system,"Segoe UI",Roboto,"Noto Sans","Liberation Sans",Arial,sans-serif}
main{max-width:1100px;margin:0 auto;padding:28px 28px 48px}
header h1{font-size:28px;line-height:1.25;margin:0 0 6px}
.meta{color:var(--muted);font-size:13px;margin:0 0 14px}
.summary{font-size:16px;background:var(--card);border-left:4px solid var(--accent);padding:12px 16px;border-radius:6px;margin:0}
section{margin-top:26px}
h2{font-size:18px;margin:0 0 10px;padding-bottom:4px;border-bottom:1px solid var(--line)}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 16px}
#timeline-chart{display:block;width:100%;height:auto;background:var(--card);border:1px solid var(--line);border-radius:8px}
table{width:100%;border-collapse:collapse;background:var(--card);border:1px solid var(--line);border-radius:8px;overflow:hidden;font-size:14px}
th,td{text-align:left;vertical-align:top;padding:7px 10px;border-bottom:1px solid var(--line)}
th{background:#eef1f7;font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}
td.date{white-space:nowrap;font-variant-numeric:tabular-nums;font-weight:600}
.src{display:inline-block;background:#eef3ff;color:#1b4fb8;border-radius:10px;padding:0 7px;margin:1px 2px 1px 0;font-size:12px;white-space:nowrap}
.n{display:inline-block;min-width:20px;text-align:center;border-radius:10px;background:var(--accent);color:#fff;font-size:12px;font-weight:700;padding:0 6px}
.n1{background:#8c95a6}
.events{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:12px}
.events .date{color:var(--accent2);font-weight:700;font-size:13px}
.events h3{font-size:15px;margin:2px 0 6px}
.events p{margin:0 0 6px;color:#333b4d;font-size:14px}
.conflict{color:var(--warn);font-weight:600}
.agree{color:var(--ok);font-weight:600}
blockquote{margin:0 0 10px;background:var(--card);border:1px solid var(--line);border-left:4px solid var(--accent2);border-radius:6px;padding:10px 14px}
blockquote p{margin:0 0 4px}
blockquote .who{color:var(--muted);font-size:13px}
.wording{color:var(--muted);font-size:13px;margin-top:4px}
.flag{display:inline-block;font-size:11px;border-radius:4px;padding:0 5px;background:#fff4e5;color:#9a5b00;border:1px solid #f3d19c}
footer{margin-top:30px;color:var(--muted);font-size:12px}
@media print{body{background:#fff}main{padding:0}}
"#;

/// Days since the common era of an ISO date of any precision (a month or a
/// year counts from its middle).
fn day_number(d: &str) -> Option<i64> {
    use chrono::Datelike;
    let full = match d.len() {
        10 => NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()?,
        7 => NaiveDate::parse_from_str(&format!("{d}-15"), "%Y-%m-%d").ok()?,
        4 => NaiveDate::parse_from_str(&format!("{d}-07-01"), "%Y-%m-%d").ok()?,
        _ => return None,
    };
    Some(full.num_days_from_ce() as i64)
}

/// The timeline as an inline SVG: an axis with one mark per entry, in date
/// order and evenly spaced (stories span decades: a linear scale would
/// crush the recent weeks), with a break on the axis where more than a year
/// passes; a mark's height and number show how many sources report it.
fn timeline_svg(entries: &[TimelineEntry], labels: &HashMap<&str, String>) -> String {
    let w = 1040.0_f64;
    let (left, right) = (40.0, 30.0);
    let axis_y = 190.0;
    let h = 262.0;
    let n = entries.len().max(1);
    let step = if n > 1 { (w - left - right) / (n - 1) as f64 } else { 0.0 };
    let x_of = |i: usize| if n > 1 { left + step * i as f64 } else { w / 2.0 };
    let max_src = entries.iter().map(|e| e.sources.len()).max().unwrap_or(1).max(1);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg id="timeline-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" aria-label="Timeline of {n} dated statements"><title>Timeline: dated statements and how many sources report each</title>"#
    );
    let _ = write!(
        s,
        r##"<line x1="{}" y1="{axis_y}" x2="{}" y2="{axis_y}" stroke="#9aa3b5" stroke-width="2"/>"##,
        left - 20.0,
        w - right + 20.0
    );
    // Breaks where more than a year passes between neighbours.
    for i in 1..entries.len() {
        if let (Some(a), Some(b)) = (day_number(&entries[i - 1].date), day_number(&entries[i].date)) {
            if b - a > 365 {
                let x = (x_of(i - 1) + x_of(i)) / 2.0;
                let _ = write!(
                    s,
                    r##"<g class="gap"><rect x="{}" y="{}" width="10" height="12" fill="#fff"/><line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#9aa3b5" stroke-width="2"/><line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#9aa3b5" stroke-width="2"/><text x="{x}" y="{}" text-anchor="middle" font-size="10" fill="#8c95a6">{} yr</text></g>"##,
                    x - 5.0,
                    axis_y - 6.0,
                    x - 6.0,
                    axis_y + 7.0,
                    x - 1.0,
                    axis_y - 7.0,
                    x + 1.0,
                    axis_y + 7.0,
                    x + 6.0,
                    axis_y - 7.0,
                    axis_y + 22.0,
                    (b - a) / 365
                );
            }
        }
    }
    for (i, e) in entries.iter().enumerate() {
        let x = x_of(i);
        let k = e.sources.len();
        let stem = 40.0 + 90.0 * (k as f64 - 1.0) / (max_src as f64 - 1.0).max(1.0);
        let top = axis_y - stem;
        let r = 9.0 + 2.5 * k as f64;
        let color = if k > 1 { "#1f6feb" } else { "#8c95a6" };
        let who: Vec<&str> =
            e.sources.iter().map(|id| labels.get(id.as_str()).map_or(id.as_str(), String::as_str)).collect();
        let tip = format!("{} — {} source{}: {}\n{}", e.date, k, if k == 1 { "" } else { "s" }, who.join(", "), e.text);
        let _ = write!(
            s,
            r##"<g class="mark" data-date="{date}" data-sources="{k}"><title>{tip}</title><line x1="{x:.1}" y1="{axis_y}" x2="{x:.1}" y2="{top:.1}" stroke="{color}" stroke-width="2"/><circle cx="{x:.1}" cy="{axis_y}" r="4" fill="{color}"/><circle cx="{x:.1}" cy="{top:.1}" r="{r:.1}" fill="{color}"/><text x="{x:.1}" y="{ty:.1}" text-anchor="middle" font-size="12" font-weight="700" fill="#fff">{k}</text><text transform="translate({lx:.1},{ly:.1}) rotate(40)" font-size="12" fill="#1d2433" font-family="sans-serif">{date}</text></g>"##,
            date = escape_html(&e.date),
            tip = escape_html(&tip),
            ty = top + 4.0,
            lx = x - 3.0,
            ly = axis_y + 16.0,
        );
    }
    let _ = write!(
        s,
        r##"<text x="{left}" y="22" font-size="12" fill="#5b6475">Each mark is a dated statement; its number and height show how many sources report it.</text></svg>"##
    );
    s
}

fn src_badges(ids: &[String], labels: &HashMap<&str, String>) -> String {
    ids.iter()
        .map(|id| {
            let l = labels.get(id.as_str()).cloned().unwrap_or_else(|| id.clone());
            format!(r#"<span class="src" title="{}">{}</span>"#, escape_html(id), escape_html(&l))
        })
        .collect()
}

fn count_badge(k: usize) -> String {
    format!(r#"<span class="n{}">{k}</span>"#, if k > 1 { "" } else { " n1" })
}

/// The story as one self-contained HTML page.
pub fn to_html(v: &StoryView) -> String {
    let e = escape_html;
    let labels = labels(v);
    let (first, last) = date_range(v);
    let mut o = String::with_capacity(32 * 1024);
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"storyline\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n",
        e(&v.title)
    );
    let _ = write!(
        o,
        "<header><h1>{}</h1><p class=\"meta\">Story {} · {} · {} · {} – {}</p>",
        e(&v.title),
        e(&v.id),
        count(v.sources.len(), "article", "articles"),
        count(v.events.len(), "event", "events"),
        e(first.unwrap_or("?")),
        e(last.unwrap_or("?"))
    );
    if v.truncated {
        let _ = write!(o, "<p class=\"meta truncated\">{}</p>", e(&truncation_note(v)));
    }
    if !v.summary.is_empty() {
        let _ = write!(o, "<p class=\"summary\">{}</p>", e(&v.summary));
    }
    o.push_str("</header>\n");

    let _ = write!(o, "<section id=\"timeline\"><h2>Timeline</h2>");
    if v.timeline.is_empty() {
        o.push_str("<p class=\"card\">No dated statements.</p>");
    } else {
        o.push_str(&timeline_svg(&v.timeline, &labels));
        o.push_str("<table class=\"timeline\" style=\"margin-top:12px\"><thead><tr><th>Date</th><th>What</th><th>Sources</th></tr></thead><tbody>");
        for t in &v.timeline {
            let _ = write!(
                o,
                "<tr data-date=\"{d}\"><td class=\"date\">{d}</td><td>{}</td><td>{} {}</td></tr>",
                e(&t.text),
                count_badge(t.sources.len()),
                src_badges(&t.sources, &labels),
                d = e(&t.date)
            );
        }
        o.push_str("</tbody></table>");
    }
    if !v.background.is_empty() {
        let _ = write!(
            o,
            "<details id=\"background\" class=\"card\" style=\"margin-top:12px\"><summary>Background: {} dated mention{} from before the story began</summary><table class=\"background\"><tbody>",
            v.background.len(),
            if v.background.len() == 1 { "" } else { "s" }
        );
        for t in &v.background {
            let _ = write!(
                o,
                "<tr data-date=\"{d}\"><td class=\"date\">{d}</td><td>{}</td><td>{}</td></tr>",
                e(&t.text),
                src_badges(&t.sources, &labels),
                d = e(&t.date)
            );
        }
        o.push_str("</tbody></table></details>");
    }
    o.push_str("</section>\n");

    if !v.events.is_empty() {
        o.push_str("<section id=\"events\"><h2>Events</h2><div class=\"events\">");
        for ev in &v.events {
            let _ = write!(
                o,
                "<div class=\"card\"><div class=\"date\">{}</div><h3>{}</h3><p>{}</p>{}</div>",
                e(ev.date.as_deref().unwrap_or("undated")),
                e(&ev.title),
                e(&ev.summary),
                src_badges(&ev.articles, &labels)
            );
        }
        o.push_str("</div></section>\n");
    }

    if !v.facts.is_empty() {
        o.push_str("<section id=\"facts\"><h2>Facts across sources</h2><table><thead><tr><th>Subject</th><th>Value</th><th>Sources</th><th>Agreement</th></tr></thead><tbody>");
        for f in &v.facts {
            let verdict = if f.conflicts.is_empty() {
                let agree = if f.sources.len() > 1 {
                    format!("<span class=\"agree\">{} sources agree</span>", f.sources.len())
                } else {
                    "single source".to_string()
                };
                if f.stated.is_empty() {
                    agree
                } else {
                    let forms: Vec<String> = f
                        .stated
                        .iter()
                        .map(|st| format!("“{}” {}", e(&st.text), src_badges(&st.sources, &labels)))
                        .collect();
                    format!(
                        "{agree} on the number, <span class=\"conflict\">bounded differently:</span> {}",
                        forms.join("; ")
                    )
                }
            } else {
                f.conflicts
                    .iter()
                    .map(|c| {
                        format!(
                            "<span class=\"conflict\">differs: {} {}</span> {}",
                            format_value(c.value),
                            e(&f.unit),
                            src_badges(&c.sources, &labels)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("<br>")
            };
            let _ = write!(
                o,
                "<tr><td title=\"{}\">{}</td><td><strong>{}</strong> {}</td><td>{}</td><td>{}</td></tr>",
                e(&f.text),
                e(&f.subject),
                format_value(f.value),
                e(&f.unit),
                src_badges(&f.sources, &labels),
                verdict
            );
        }
        o.push_str("</tbody></table></section>\n");
    }

    if !v.variants.is_empty() {
        o.push_str("<section id=\"variants\"><h2>Same thing, different words</h2><table><thead><tr><th>Means</th><th>Written as</th><th>Why</th></tr></thead><tbody>");
        for x in &v.variants {
            let forms: Vec<String> =
                x.forms.iter().map(|f| format!("“{}” {}", e(&f.text), src_badges(&f.sources, &labels))).collect();
            let holders = if x.holders.is_empty() {
                String::new()
            } else {
                format!("<br><small>held by {}</small>", e(&x.holders.join(", ")))
            };
            let _ = write!(
                o,
                "<tr><td>{}{}</td><td>{}</td><td>{}</td></tr>",
                e(&x.canonical),
                holders,
                forms.join("<br>"),
                e(&x.explained_by)
            );
        }
        o.push_str("</tbody></table></section>\n");
    }

    if !v.quotes.is_empty() {
        o.push_str("<section id=\"quotes\"><h2>Quotes</h2>");
        for q in &v.quotes {
            let _ = write!(
                o,
                "<blockquote><p>“{}”</p><div class=\"who\">— {} {}</div>",
                e(&q.text),
                e(q.speaker.as_deref().unwrap_or("unattributed")),
                src_badges(&q.sources, &labels)
            );
            for w in &q.wordings {
                let _ = write!(
                    o,
                    "<div class=\"wording\">also worded: “{}” {}</div>",
                    e(&w.text),
                    src_badges(&w.sources, &labels)
                );
            }
            o.push_str("</blockquote>");
        }
        o.push_str("</section>\n");
    }

    if !v.entities.is_empty() {
        o.push_str("<section id=\"entities\"><h2>Who and what</h2><table><thead><tr><th>Name</th><th>Type</th><th>Also called</th><th>Articles</th></tr></thead><tbody>");
        for en in v.entities.iter().take(30) {
            let aka: Vec<String> = en.aliases.iter().filter(|a| **a != en.canonical).map(|a| e(a)).collect();
            let _ = write!(
                o,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                e(&en.canonical),
                format!("{:?}", en.kind).to_uppercase(),
                aka.join(", "),
                count_badge(en.articles.len())
            );
        }
        o.push_str("</tbody></table></section>\n");
    }

    o.push_str("<section id=\"sources\"><h2>Sources</h2><table><thead><tr><th>Article</th><th>Outlet</th><th>Published</th><th>Notes</th></tr></thead><tbody>");
    for s in &v.sources {
        let mut notes = Vec::new();
        if s.machine_translated {
            notes.push("<span class=\"flag\">machine-translated</span>".to_string());
        }
        if let Some(d) = &s.duplicate_of {
            notes.push(format!("{} of {}", copy_label(s.duplicate_kind.as_deref()), e(d)));
        }
        if !s.copies.is_empty() {
            notes.push(format!("copied by {}", src_badges(&s.copies, &labels)));
        }
        if !s.reused.is_empty() {
            notes.push(format!("{} paragraph(s) also in {}", s.reused.len(), src_badges(&reuse_sources(s), &labels)));
        }
        let indent = if s.duplicate_of.is_some() { " style=\"padding-left:28px\"" } else { "" };
        // The headline is what a reader recognises; the id is for tools.
        let headline = if s.title.is_empty() { e(&s.article) } else { e(&s.title) };
        let name = match &s.url {
            Some(u) if u.starts_with("http://") || u.starts_with("https://") => {
                format!("<a href=\"{}\" rel=\"noopener noreferrer\">{}</a>", e(u), headline)
            }
            _ => headline,
        };
        let read_first = if v.read_first.as_deref() == Some(s.article.as_str()) {
            " <span class=\"flag\">read first</span>"
        } else {
            ""
        };
        let title = format!("{read_first}<br><small>{}</small>", e(&s.article));
        let _ = write!(
            o,
            "<tr><td{indent}>{name}{title}</td><td>{}</td><td class=\"date\">{}</td><td>{}</td></tr>",
            e(s.outlet.as_deref().unwrap_or("")),
            e(s.published.as_deref().unwrap_or("")),
            notes.join(" ")
        );
    }
    o.push_str("</tbody></table></section>\n");
    o.push_str("<footer>Made by storyline from the articles listed above; extractive, no text was generated.</footer>\n</main>\n</body>\n</html>\n");
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::story::view::{EventView, FactStatement, FactView, QuoteView};

    #[test]
    fn escape_html_handles_all_five() {
        assert_eq!(escape_html(r#"a & b < c > d " e ' f"#), "a &amp; b &lt; c &gt; d &quot; e &#39; f");
        assert_eq!(escape_html("plain"), "plain");
        assert_eq!(escape_html("&amp;"), "&amp;amp;");
    }

    #[test]
    fn values_get_thousands_separators() {
        assert_eq!(format_value(28500.0), "28,500");
        assert_eq!(format_value(450000.0), "450,000");
        assert_eq!(format_value(999.0), "999");
        assert_eq!(format_value(1.5), "1.5");
    }

    fn hostile() -> StoryView {
        let bad = "<script>alert(1)</script> and <img src=x onerror=alert(1)> \"q\" 'a'";
        StoryView {
            id: "s1".into(),
            title: bad.into(),
            summary: bad.into(),
            events: vec![EventView {
                id: "e1".into(),
                title: bad.into(),
                date: Some("2025-11-04".into()),
                articles: vec![bad.into()],
                summary: bad.into(),
            }],
            timeline: vec![
                TimelineEntry { date: "2025-11-04".into(), text: bad.into(), sources: vec![bad.into(), "b".into()] },
                TimelineEntry { date: "1950".into(), text: "war".into(), sources: vec!["b".into()] },
            ],
            background: vec![TimelineEntry { date: "1950".into(), text: bad.into(), sources: vec![bad.into()] }],
            read_first: Some(bad.into()),
            entities: vec![],
            facts: vec![FactView {
                subject: bad.into(),
                value: 1.0,
                unit: bad.into(),
                text: bad.into(),
                sources: vec![bad.into()],
                conflicts: vec![],
                stated: vec![
                    FactStatement { bound: "about".into(), text: bad.into(), sources: vec![bad.into()] },
                    FactStatement { bound: "exactly".into(), text: bad.into(), sources: vec!["b".into()] },
                ],
            }],
            variants: vec![],
            quotes: vec![QuoteView {
                speaker: Some(bad.into()),
                text: bad.into(),
                sources: vec![bad.into()],
                speakers: vec![],
                wordings: vec![],
            }],
            sources: vec![SourceView {
                duplicate_kind: None,
                article: bad.into(),
                outlet: Some(bad.into()),
                published: Some(bad.into()),
                machine_translated: true,
                duplicate_of: None,
                copies: vec![],
                title: bad.into(),
                url: Some("javascript:alert(1)".into()),
                credits: vec![],
                reused: vec![],
            }],
            articles_total: 1,
            articles_folded: 1,
            truncated: false,
        }
    }

    #[test]
    fn html_escapes_hostile_text_and_has_no_script() {
        let html = to_html(&hostile());
        assert!(!html.contains("<script"), "unescaped script tag");
        assert!(!html.contains("<img"), "unescaped img tag");
        assert!(!html.contains("javascript:"), "javascript URL kept as a link");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
        assert!(html.contains("&quot;q&quot; &#39;a&#39;"));
        // Self-contained: no external asset.
        assert!(!html.contains("src=\"http") && !html.contains("<link") && !html.contains("url("));
        assert!(html.contains("<svg id=\"timeline-chart\""));
    }

    #[test]
    fn markdown_escapes_html() {
        let md = to_markdown(&hostile());
        assert!(!md.contains("<script") && !md.contains("<img"));
        assert!(md.contains("&lt;script&gt;"));
    }
    #[test]
    fn text_has_no_control_characters_and_says_when_truncated() {
        let mut v = hostile();
        v.title = "Seoul \u{1b}[2Jtalks".into();
        let text = to_text(&v);
        assert!(!text.chars().any(|c| c.is_control() && c != '\n'), "control character in {text:?}");
        assert!(text.contains("Seoul  [2Jtalks"));
        assert!(!text.contains("most recent original articles"));
        v.truncated = true;
        v.articles_total = 3000;
        v.articles_folded = 300;
        let text = to_text(&v);
        assert!(text.contains("fold the 300 most recent original articles"), "{text}");
        assert!(text.contains("all 3000 articles"));
    }
}
