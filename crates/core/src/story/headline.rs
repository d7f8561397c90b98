//! The one rule that names a story, shared by the story list and the story
//! view so both show the same title.

use std::collections::{BTreeSet, HashMap};

use super::view::stems;

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

#[cfg(test)]
mod tests {
    use super::{central_title, story_title};

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
