//! filter: which stories does a reader want listed? One parser for the
//! story list's filters, shared by `storyline stories` and
//! `GET /api/stories`, so both accept the same values and say the same
//! thing about a bad one.

use std::collections::HashSet;

use chrono::NaiveDate;

use crate::search::{name_key, parse_date_bound};
use crate::StorySummary;

/// Filters of the story list; all given ones must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct StoryFilter {
    /// At least this many articles (copies included).
    pub min_articles: Option<u64>,
    /// Covered on or after this day (its newest article is not older).
    pub since: Option<NaiveDate>,
    /// Covered on or before this day (its first article is not newer).
    pub until: Option<NaiveDate>,
    /// An outlet among its articles' (any case or punctuation).
    pub outlet: Option<String>,
    /// An entity named in it, any spelling; the caller resolves it to
    /// stories through the search index ([`StoryFilter::entity`]).
    pub entity: Option<String>,
}

/// A filter value that could not be read: which one, what was given, what
/// was expected. Each surface words it with its own spelling of the name
/// (`--min-articles`, `min_articles=`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterError {
    /// The filter's name, as the surfaces share it (`min_articles`).
    pub name: &'static str,
    /// The value given.
    pub value: String,
    /// What was expected instead (`a whole number`).
    pub expected: &'static str,
}

/// The names [`StoryFilter::parse`] reads, as the API spells them.
pub const FILTER_NAMES: [&str; 5] = ["min_articles", "since", "until", "outlet", "entity"];

impl StoryFilter {
    /// Reads the filters from `get(name)` (names as in [`FILTER_NAMES`]);
    /// blank values count as not given.
    pub fn parse(get: impl Fn(&str) -> Option<String>) -> Result<StoryFilter, FilterError> {
        let value = |name: &str| get(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let date = |name: &'static str, end: bool| -> Result<Option<NaiveDate>, FilterError> {
            value(name)
                .map(|v| {
                    parse_date_bound(&v, end).ok_or(FilterError {
                        name,
                        value: v,
                        expected: "a date (YYYY-MM-DD, YYYY-MM or YYYY)",
                    })
                })
                .transpose()
        };
        let min_articles = value("min_articles")
            .map(|v| {
                v.parse::<u64>().map_err(|_| FilterError {
                    name: "min_articles",
                    value: v,
                    expected: "a whole number of articles",
                })
            })
            .transpose()?;
        Ok(StoryFilter {
            min_articles,
            since: date("since", false)?,
            until: date("until", true)?,
            outlet: value("outlet"),
            entity: value("entity"),
        })
    }

    /// True when no filter is given.
    pub fn is_empty(&self) -> bool {
        *self == StoryFilter::default()
    }

    /// Whether a story passes every filter but the entity one; `with_entity`
    /// holds the stories naming the entity when one is asked for.
    pub fn matches(&self, s: &StorySummary, with_entity: Option<&HashSet<u32>>) -> bool {
        let day = |d: &Option<String>| d.as_deref().and_then(|d| parse_date_bound(d, false));
        let outlet_ok = self.outlet.as_deref().is_none_or(|o| {
            let key = name_key(o);
            s.outlets.iter().any(|x| name_key(x) == key)
        });
        self.min_articles.is_none_or(|n| s.articles >= n)
            // A story without dates cannot be placed in a date range.
            && self.since.is_none_or(|since| day(&s.last).is_some_and(|l| l >= since))
            && self.until.is_none_or(|until| day(&s.first).is_some_and(|f| f <= until))
            && outlet_ok
            && with_entity.is_none_or(|set| set.contains(&s.id))
    }
}

/// Whether a story is developing: it has more than one article and its
/// newest one is at most [`DEVELOPING_DAYS`] older than the newest article
/// in the whole store (the store's "now": the same data gives the same
/// answer whenever it is asked).
pub fn developing(s: &StorySummary, newest_in_store: Option<&str>) -> bool {
    let day = |d: Option<&str>| d.and_then(|d| parse_date_bound(d, false));
    match (day(s.last.as_deref()), day(newest_in_store)) {
        (Some(last), Some(now)) => s.articles > 1 && (now - last).num_days() <= DEVELOPING_DAYS,
        _ => false,
    }
}

/// How recent (days before the store's newest article) a story's newest
/// article must be for the story to count as developing.
pub const DEVELOPING_DAYS: i64 = 2;

/// The stories of search hits (`s3` labels), for the entity filter.
pub fn stories_of_hits(hits: &[crate::Hit]) -> HashSet<u32> {
    hits.iter().filter_map(|h| crate::search::parse_label(&h.story, 's')).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn story(id: u32, articles: u64, first: &str, last: &str, outlets: &[&str]) -> StorySummary {
        StorySummary {
            id,
            title: String::new(),
            articles,
            events: 1,
            first: Some(first.into()),
            last: Some(last.into()),
            outlets: outlets.iter().map(|o| o.to_string()).collect(),
        }
    }

    fn parse(pairs: &[(&str, &str)]) -> Result<StoryFilter, FilterError> {
        StoryFilter::parse(|n| pairs.iter().find(|(k, _)| *k == n).map(|(_, v)| v.to_string()))
    }

    #[test]
    fn filters_narrow_by_size_dates_outlet_and_entity() {
        let a = story(1, 5, "2021-12-01", "2025-11-03", &["AJP", "Reuters"]);
        let b = story(2, 1, "2024-03-02", "2024-03-02", &["Probe Gazette"]);
        let f = parse(&[("min_articles", "2")]).unwrap();
        assert!(f.matches(&a, None) && !f.matches(&b, None));
        let f = parse(&[("since", "2025-01")]).unwrap();
        assert!(f.matches(&a, None) && !f.matches(&b, None));
        let f = parse(&[("until", "2021")]).unwrap();
        assert!(f.matches(&a, None) && !f.matches(&b, None));
        let f = parse(&[("outlet", "reuters")]).unwrap();
        assert!(f.matches(&a, None) && !f.matches(&b, None));
        let only_b: HashSet<u32> = [2].into();
        let f = parse(&[("entity", "Quokka")]).unwrap();
        assert!(!f.matches(&a, Some(&only_b)) && f.matches(&b, Some(&only_b)));
        assert!(parse(&[("outlet", "  ")]).unwrap().is_empty());
    }

    #[test]
    fn bad_values_say_which_filter_and_what_it_takes() {
        let e = parse(&[("min_articles", "two")]).unwrap_err();
        assert_eq!((e.name, e.value.as_str()), ("min_articles", "two"));
        let e = parse(&[("since", "yesterday")]).unwrap_err();
        assert_eq!(e.name, "since");
        assert!(e.expected.contains("YYYY-MM-DD"));
    }

    #[test]
    fn developing_means_recent_against_the_store_and_more_than_one_article() {
        let a = story(1, 5, "2021-12-01", "2025-11-03", &[]);
        assert!(developing(&a, Some("2025-11-04")));
        assert!(!developing(&a, Some("2025-11-09")));
        assert!(!developing(&story(2, 1, "2025-11-04", "2025-11-04", &[]), Some("2025-11-04")));
    }
}
