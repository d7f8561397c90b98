//! Building the view of one story from its members: folds the originals,
//! then calls each part (summary, timeline, facts, quotes) and adds the
//! parts that need no module of their own (events, entities, sources).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::NaiveDate;

use super::config::StoryConfig;
use super::shared::{kept_sentences, Ctx, SourceList};
use super::summary::Ranker;
use super::view::{EntityView, EventView, ReusedParagraph, SourceView, StoryMember, StoryView, TimelineEntry};
use crate::model::{Article, EntityType, TimexType};

/// The originals whose text is folded: every original, or the `max` most
/// recent (by date, then id) kept in member order so ties still follow the
/// order given.
fn folded_originals<'a, 'b>(members: &'b [StoryMember<'a>], max: usize) -> Vec<&'b StoryMember<'a>> {
    let mut originals: Vec<(usize, &'b StoryMember<'a>)> =
        members.iter().enumerate().filter(|(_, m)| m.duplicate_of().is_none()).collect();
    if originals.len() > max {
        // Newest first (by date, then id, both descending); undated last
        // (they cannot be placed in time).
        originals.sort_by(|(_, a), (_, b)| {
            let (da, db) = (a.article.best_date(), b.article.best_date());
            da.is_none().cmp(&db.is_none()).then(db.cmp(&da)).then(b.article.id.cmp(&a.article.id))
        });
        originals.truncate(max);
        originals.sort_by_key(|(i, _)| *i);
    }
    originals.into_iter().map(|(_, m)| m).collect()
}

/// Builds the view of story `story_id` with the default [`StoryConfig`].
pub fn build_view(story_id: &str, members: &[StoryMember<'_>]) -> StoryView {
    build_view_with(story_id, members, &StoryConfig::default())
}

/// Partial reuse inside a story: for each article, its paragraphs (those
/// with a stored paragraph hash, see [`StoryMember::paragraphs`]) that
/// earlier articles also print. Articles are taken in date order (then
/// id), and an article and its copies never count as reusing each other.
fn reused_paragraphs<'m>(members: &'m [StoryMember<'_>]) -> HashMap<&'m str, Vec<ReusedParagraph>> {
    let cfg = crate::dedup::DedupConfig::default();
    let mut order: Vec<&StoryMember> = members.iter().collect();
    order.sort_by(|a, b| a.article.best_date().cmp(&b.article.best_date()).then(a.article.id.cmp(&b.article.id)));
    let root = |m: &'m StoryMember| m.duplicate_of().unwrap_or(m.article.id.as_str());
    // Paragraph hash -> (article, its root) that printed it, in order, and
    // the set of those articles: a paragraph printed by thousands of
    // articles must not be scanned once per article.
    let mut printed: HashMap<u64, (Vec<(&str, &str)>, HashSet<&str>)> = HashMap::new();
    let mut out: HashMap<&str, Vec<ReusedParagraph>> = HashMap::new();
    for m in order {
        let id = m.article.id.as_str();
        for p in m.paragraphs {
            let (earlier, holders) = printed.entry(p.hash).or_default();
            // A copy's paragraphs come from its original, whoever else
            // printed them too.
            let from_own_original = root(m) != id && holders.contains(root(m));
            let found_in: Vec<String> = if from_own_original {
                Vec::new()
            } else {
                earlier
                    .iter()
                    .filter(|(other, other_root)| {
                        *other_root != root(m) && *other != root(m) && Some(*other) != m.duplicate_of()
                    })
                    .map(|(other, _)| other.to_string())
                    .take(cfg.max_reuse_sources)
                    .collect()
            };
            if !found_in.is_empty() {
                let index = p.index as usize;
                let text = m.article.paragraphs.get(index).map(|q| q.text.clone()).unwrap_or_default();
                out.entry(id).or_default().push(ReusedParagraph { paragraph: index, text, found_in });
            }
            if holders.insert(id) {
                earlier.push((id, root(m)));
            }
        }
    }
    out
}

/// Builds the view of story `story_id` from its members (any order; ties
/// are broken by the order given, so the same input gives the same view).
pub fn build_view_with(story_id: &str, members: &[StoryMember<'_>], cfg: &StoryConfig) -> StoryView {
    let folded = folded_originals(members, cfg.max_folded_articles);
    let originals = members.iter().filter(|m| m.duplicate_of().is_none()).count();
    let ctx = Ctx {
        members,
        sentences: folded.iter().map(|m| (m.article.id.as_str(), kept_sentences(m.article))).collect(),
        folded,
        cfg,
    };
    let ranker = Ranker::new(&ctx);
    let all: Vec<&str> = ctx.originals().map(|m| m.article.id.as_str()).collect();
    let (central, summary) = ranker.headline_and_summary(&all, cfg.summary_sentences);
    // The story list names the story by the same rule (see `story_title`).
    let title = super::headline::story_title(
        members
            .iter()
            .filter(|m| m.duplicate_of().is_none())
            .map(|m| (m.event, m.article.id.as_str(), m.article.title.as_str())),
    )
    .unwrap_or(central);
    let (timeline, background) = split_background(super::timeline::timeline(&ctx), members, cfg);
    StoryView {
        id: story_id.to_string(),
        title,
        summary,
        events: events(&ctx, &ranker),
        timeline,
        background,
        entities: entities(members),
        facts: super::facts::facts(&ctx),
        variants: super::facts::variants(&ctx),
        quotes: super::quotes::quotes(&ctx),
        sources: sources(members, cfg),
        read_first: read_first(members),
        articles_total: members.len(),
        articles_folded: ctx.folded.len(),
        truncated: ctx.folded.len() < originals,
    }
}

/// Splits timeline entries into the story's own happenings and the
/// background: entries whose whole period (a day, a month, a year) ends
/// more than [`StoryConfig::background_margin_days`] before the story's
/// first dated article. Without a dated article nothing is background.
fn split_background(
    entries: Vec<TimelineEntry>,
    members: &[StoryMember<'_>],
    cfg: &StoryConfig,
) -> (Vec<TimelineEntry>, Vec<TimelineEntry>) {
    let Some(first) = members.iter().filter_map(|m| m.article.best_date()).min() else {
        return (entries, Vec::new());
    };
    let cutoff = first - chrono::Duration::days(cfg.background_margin_days);
    entries.into_iter().partition(|e| period_end(&e.date).is_none_or(|end| end >= cutoff))
}

/// The last day of an ISO date of any precision (`2025`, `2025-11`,
/// `2025-11-04`).
fn period_end(date: &str) -> Option<NaiveDate> {
    use chrono::Datelike;
    match date.len() {
        10 => NaiveDate::parse_from_str(date, "%Y-%m-%d").ok(),
        7 => {
            let d = NaiveDate::parse_from_str(&format!("{date}-01"), "%Y-%m-%d").ok()?;
            let next = if d.month() == 12 {
                NaiveDate::from_ymd_opt(d.year() + 1, 1, 1)
            } else {
                NaiveDate::from_ymd_opt(d.year(), d.month() + 1, 1)
            };
            next?.pred_opt()
        }
        4 => NaiveDate::from_ymd_opt(date.parse().ok()?, 12, 31),
        _ => None,
    }
}

/// The most complete original: most words kept after cleaning; ties go to
/// the earlier article, then the smaller id.
fn read_first(members: &[StoryMember<'_>]) -> Option<String> {
    members
        .iter()
        .filter(|m| m.duplicate_of().is_none())
        .max_by(|a, b| {
            let words = |m: &StoryMember| m.article.text.split_whitespace().count();
            words(a)
                .cmp(&words(b))
                .then_with(|| b.article.best_date().cmp(&a.article.best_date()))
                .then_with(|| b.article.id.cmp(&a.article.id))
        })
        .map(|m| m.article.id.clone())
}

/// A source's headline: its page's title, else one made from its lead.
fn source_title(a: &Article, cfg: &StoryConfig) -> String {
    if !a.title.trim().is_empty() {
        return a.title.clone();
    }
    super::headline::lead_title(a.lead(), cfg.lead_title_words)
}

/// The event's date: the day its articles mention most within the window of
/// their publication (the meeting "on Nov. 4"), else the earliest
/// publication date, else a dateline month.
fn event_date(ms: &[&StoryMember], cfg: &StoryConfig) -> Option<String> {
    let mut votes: BTreeMap<NaiveDate, usize> = BTreeMap::new();
    for m in ms {
        let Some(p) = m.article.best_date() else { continue };
        let mut seen = BTreeSet::new();
        for t in m.analysis.times.iter().filter(|t| t.kind == TimexType::Date) {
            let Some(d) = t.value.get(..10).and_then(|v| NaiveDate::parse_from_str(v, "%Y-%m-%d").ok()) else {
                continue;
            };
            if (d - p).num_days().abs() <= cfg.event_date_window_days && seen.insert(d) {
                *votes.entry(d).or_insert(0) += 1;
            }
        }
    }
    // Most votes; among equals the earliest (when the event began).
    let voted = votes.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0))).map(|(d, _)| d.to_string());
    voted.or_else(|| ms.iter().filter_map(|m| m.article.best_date()).min().map(|d| d.to_string())).or_else(|| {
        ms.iter().find_map(|m| {
            let dl = m.article.dateline.as_ref()?;
            Some(format!("{:04}-{:02}", dl.year?, dl.month?))
        })
    })
}

fn events(ctx: &Ctx, ranker: &Ranker) -> Vec<EventView> {
    let mut by_event: BTreeMap<u32, Vec<&StoryMember>> = BTreeMap::new();
    for m in ctx.members {
        by_event.entry(m.event).or_default().push(m);
    }
    let mut out: Vec<EventView> = by_event
        .into_iter()
        .map(|(id, ms)| {
            let originals: Vec<&str> =
                ms.iter().filter(|m| m.duplicate_of().is_none()).map(|m| m.article.id.as_str()).collect();
            let (title, summary) = ranker.headline_and_summary(&originals, ctx.cfg.event_summary_sentences);
            EventView {
                id: crate::labels::event_label(id),
                title,
                date: event_date(&ms, ctx.cfg),
                articles: ms.iter().map(|m| m.article.id.clone()).collect(),
                summary,
            }
        })
        .collect();
    out.sort_by(|a, b| a.date.cmp(&b.date).then(a.id.cmp(&b.id)));
    out
}

fn entities(members: &[StoryMember<'_>]) -> Vec<EntityView> {
    let mut by_canonical: BTreeMap<&str, (HashMap<EntityType, usize>, BTreeSet<&str>, SourceList)> = BTreeMap::new();
    for m in members {
        for e in &m.analysis.entities {
            let entry = by_canonical.entry(e.canonical.as_str()).or_default();
            *entry.0.entry(e.kind).or_insert(0) += 1;
            entry.1.insert(e.text.as_str());
            entry.2.add(&m.article.id);
        }
    }
    let mut out: Vec<EntityView> = by_canonical
        .into_iter()
        .map(|(canonical, (kinds, aliases, articles))| {
            let kind = kinds
                .into_iter()
                .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
                .map(|k| k.0)
                .unwrap_or(EntityType::Other);
            EntityView {
                canonical: canonical.to_string(),
                kind,
                aliases: aliases.into_iter().map(str::to_string).collect(),
                articles: articles.into_strings(),
            }
        })
        .collect();
    out.sort_by(|a, b| b.articles.len().cmp(&a.articles.len()).then(a.canonical.cmp(&b.canonical)));
    out
}

/// The outlet of an article: given by the input, else the dateline's
/// agency, else the first wire credit, else the URL's host. The store
/// keeps the same name for its story list, so list and page agree.
pub fn outlet(a: &Article) -> Option<String> {
    a.outlet
        .clone()
        .or_else(|| a.dateline.as_ref().and_then(|d| d.agency.clone()))
        .or_else(|| a.wire_credits.first().cloned())
        .or_else(|| {
            let u = a.url.as_deref()?;
            let host = u.split("://").nth(1)?.split('/').next()?;
            Some(host.trim_start_matches("www.").to_string())
        })
}

/// Sources by date, each original followed by its copies.
fn sources(members: &[StoryMember<'_>], cfg: &StoryConfig) -> Vec<SourceView> {
    let reused = reused_paragraphs(members);
    // Original id -> its copies, in member order (one pass, not one scan of
    // the members per article).
    let mut copies_of: HashMap<&str, Vec<&StoryMember>> = HashMap::new();
    for m in members {
        if let Some(o) = m.duplicate_of() {
            copies_of.entry(o).or_default().push(m);
        }
    }
    let view = |m: &StoryMember| SourceView {
        article: m.article.id.clone(),
        outlet: outlet(m.article),
        published: m.article.best_date().map(|d| d.to_string()),
        machine_translated: m.article.machine_translated,
        duplicate_of: m.duplicate_of().map(str::to_string),
        duplicate_kind: m.copy_of.map(|c| c.kind.as_str().to_string()),
        copies: copies_of
            .get(m.article.id.as_str())
            .map(|cs| cs.iter().map(|c| c.article.id.clone()).collect())
            .unwrap_or_default(),
        title: source_title(m.article, cfg),
        url: m.article.url.clone(),
        credits: m.article.wire_credits.clone(),
        reused: reused.get(m.article.id.as_str()).cloned().unwrap_or_default(),
    };
    let ids: BTreeSet<&str> = members.iter().map(|m| m.article.id.as_str()).collect();
    // Copies whose original is outside the story are listed as originals.
    let is_root = |m: &StoryMember| m.duplicate_of().is_none_or(|o| !ids.contains(o));
    let mut roots: Vec<SourceView> = members.iter().filter(|m| is_root(m)).map(view).collect();
    roots.sort_by(|a, b| a.published.cmp(&b.published).then(a.article.cmp(&b.article)));
    let mut out = Vec::with_capacity(members.len());
    for r in roots {
        let mut copies: Vec<SourceView> =
            copies_of.get(r.article.as_str()).into_iter().flatten().filter(|m| !is_root(m)).map(|m| view(m)).collect();
        copies.sort_by(|a, b| a.published.cmp(&b.published).then(a.article.cmp(&b.article)));
        out.push(r);
        out.extend(copies);
    }
    // Copies of copies (chains) end up last rather than lost.
    let mut listed: HashSet<String> = out.iter().map(|s| s.article.clone()).collect();
    for m in members {
        if listed.insert(m.article.id.clone()) {
            out.push(view(m));
        }
    }
    out
}
