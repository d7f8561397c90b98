//! Syndication: which copies come from a wire service or a feed, and which
//! copy of a group is the original.

use chrono::NaiveDate;

/// True when the article credits a wire service or a feed. The cleaner
/// fills `wire_credits` only with such attributions ("Reuters", "AP",
/// "AFP", "Yonhap", "The Tribune via feeds", "originally published by ..."),
/// so any non-blank credit counts.
pub fn is_wire_credited(credits: &[String]) -> bool {
    credits.iter().any(|c| !c.trim().is_empty())
}

/// True when an article published on `new` (arriving later) predates the
/// current original published on `root`: the earliest publication date wins,
/// arrival order breaks ties and covers unknown dates.
pub(crate) fn predates(new: Option<NaiveDate>, root: Option<NaiveDate>) -> bool {
    matches!((new, root), (Some(n), Some(r)) if n < r)
}
