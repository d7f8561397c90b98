//! The one rule that names a story, shared by the story list and the story
//! view so both show the same title.

use std::collections::{BTreeSet, HashMap};

use super::shared::stems;

/// A story's title: the most typical title ([`central_title`]) of its
/// main event, the event with the most titled original articles (ties: the
/// later event, by id), so the headline names what most of the coverage is
/// about. Takes `(event, article id, title)` of the story's originals, in
/// any order.
pub fn story_title<'a>(originals: impl IntoIterator<Item = (u32, &'a str, &'a str)>) -> Option<String> {
    let titled: Vec<(u32, &str, &str)> = originals.into_iter().filter(|(_, _, t)| !t.trim().is_empty()).collect();
    let mut counts: HashMap<u32, usize> = HashMap::new();
    for (event, _, _) in &titled {
        *counts.entry(*event).or_insert(0) += 1;
    }
    let main = counts.into_iter().max_by_key(|&(event, n)| (n, event))?.0;
    central_title(titled.into_iter().filter(|(e, _, _)| *e == main).map(|(_, id, t)| (id, t)))
}

/// The most typical title of a set of articles: the one whose content words recur
/// most in the story's other titles (sum over its distinct stems of how
/// many other titles hold the stem, divided by the square root of its stem
/// count, so neither one-word nor rambling titles win by length). Blank
/// titles are ignored; ties go to the smallest id, so the result does not
/// depend on the order the titles are given in. `None` without any title.
pub(crate) fn central_title<'a>(titles: impl IntoIterator<Item = (&'a str, &'a str)>) -> Option<String> {
    let entries: Vec<(&str, &str, BTreeSet<String>)> = titles
        .into_iter()
        .map(|(id, t)| (id, t.trim()))
        .filter(|(_, t)| !t.is_empty())
        .map(|(id, t)| (id, t, stems(t)))
        .collect();
    let mut holders: HashMap<&str, u32> = HashMap::new();
    for (_, _, stems) in &entries {
        for s in stems {
            *holders.entry(s.as_str()).or_insert(0) += 1;
        }
    }
    let score = |stems: &BTreeSet<String>| -> f64 {
        if stems.is_empty() {
            return 0.0;
        }
        let shared: u32 = stems.iter().map(|s| holders[s.as_str()] - 1).sum();
        f64::from(shared) / (stems.len() as f64).sqrt()
    };
    entries
        .iter()
        .map(|(id, t, stems)| (score(stems), *id, *t))
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, _, t)| t.to_string())
}

/// Dashes that end a dateline (`SEOUL, October 27 (AJP) - `).
const DATELINE_DASHES: &[&str] = &[" - ", " – ", " — ", " -- "];

/// A headline made from an article's lead, for a page that gives none: the
/// lead's first sentence without its dateline, cut to `max_words` words
/// (`…` where cut), without a final period. Empty when the lead is empty.
pub fn lead_title(lead: &str, max_words: usize) -> String {
    let body = without_dateline(lead);
    let first = super::sentences::sentence_spans(body)
        .first()
        .map(|s| super::shared::slice_chars(body, s.start, s.end))
        .unwrap_or_default();
    cut_words(&first, max_words, true)
}

/// One line of a lead for a list: its first `max_words` words without the
/// dateline, `…` where cut.
pub fn lead_snippet(lead: &str, max_words: usize) -> String {
    cut_words(without_dateline(lead), max_words, false)
}

/// `text` without a leading dateline.
fn without_dateline(lead: &str) -> &str {
    let lead = lead.trim();
    // A dateline is a short prefix naming a place (and often a date or an
    // agency) before a dash: dropped, it is not what happened.
    DATELINE_DASHES
        .iter()
        .filter_map(|d| lead.find(d).map(|i| (i, d.len())))
        .min()
        .filter(|&(i, _)| {
            let prefix = &lead[..i];
            prefix.split_whitespace().count() <= 8
                && (prefix.contains(',') || prefix.contains('(') || prefix.chars().any(|c| c.is_ascii_digit()))
        })
        .map_or(lead, |(i, n)| lead[i + n..].trim_start())
}

/// The first `max_words` words of `text` on one line, `…` where cut; a
/// headline (`headline`) loses its final period.
fn cut_words(text: &str, max_words: usize, headline: bool) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let cut = words.len() > max_words;
    let mut out = words.into_iter().take(max_words).collect::<Vec<_>>().join(" ");
    let trim: &[char] = if cut {
        &[',', ';', ':', '.', '-', '–', '—', ' ']
    } else if headline {
        &['.', ' ']
    } else {
        &[' ']
    };
    out.truncate(out.trim_end_matches(trim).len());
    if cut {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{central_title, lead_snippet, lead_title, story_title};

    #[test]
    fn a_lead_becomes_a_headline_without_its_dateline() {
        let lead = "SEOUL, October 27 (AJP) - South Korean and U.S. defense chiefs will meet in Seoul next week. \
                    According to the ministry, talks follow.";
        assert_eq!(lead_title(lead, 12), "South Korean and U.S. defense chiefs will meet in Seoul next week");
        let long = "U.S. Defense Secretary Pete Hegseth visits South Korea on Monday for talks expected to involve \
                    Washington's goal.";
        assert_eq!(lead_title(long, 12), "U.S. Defense Secretary Pete Hegseth visits South Korea on Monday for talks…");
        // A dash inside the sentence is no dateline.
        assert_eq!(lead_title("Prices rose - again - in May.", 12), "Prices rose - again - in May");
        assert_eq!(lead_title("  ", 12), "");
        assert_eq!(lead_snippet("SEOUL, Oct. 27 (AJP) - Chiefs meet. Talks follow.", 3), "Chiefs meet. Talks…");
        assert_eq!(lead_snippet("Chiefs meet.", 4), "Chiefs meet.");
    }

    #[test]
    fn the_title_sharing_most_words_with_the_others_wins() {
        let titles = [
            ("a", "Ministers open annual defence talks in Seoul"),
            ("b", "Weather: rain expected"),
            ("c", "Defence talks end with OPCON deal"),
            ("d", "Seoul and Washington hold defence talks"),
        ];
        assert_eq!(central_title(titles).as_deref(), Some("Seoul and Washington hold defence talks"));
    }

    #[test]
    fn a_story_is_named_after_its_main_event() {
        let rows = [
            (0, "a", "Talks open in Drevno"),
            (0, "b", "Talks in Drevno end with quota deal"),
            (1, "c", "Cod catch to fall under new protocol"),
            (1, "d", "Protocol cuts cod catch"),
            (1, "e", "Fishermen react to cod catch cut"),
            (2, "f", " "),
            (2, "g", ""),
            (2, "h", ""),
        ];
        assert_eq!(story_title(rows).as_deref(), Some("Protocol cuts cod catch"));
        // Equal sizes: the later event.
        assert_eq!(story_title([(3, "x", "Early event"), (5, "y", "Later event")]).as_deref(), Some("Later event"));
        assert_eq!(story_title([(1, "z", "")]), None);
    }

    #[test]
    fn order_does_not_matter_and_blank_titles_are_skipped() {
        let titles = vec![("b", "Quake hits coast"), ("a", "Quake hits coast"), ("c", "  "), ("d", "")];
        let mut reversed = titles.clone();
        reversed.reverse();
        assert_eq!(central_title(titles.clone()), central_title(reversed));
        assert_eq!(central_title(titles).as_deref(), Some("Quake hits coast"));
        assert_eq!(central_title([("x", " "), ("y", "")]), None);
        // Equal scores: the smallest id's title, whatever the order.
        let tie = [("b", "Storm closes port"), ("a", "Ferry resumes service")];
        assert_eq!(central_title(tie).as_deref(), Some("Ferry resumes service"));
    }
}
