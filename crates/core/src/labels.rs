//! labels: how are events and stories named to users?
//!
//! Events and stories are numbered internally; users, the CONTRACT's JSON
//! and the API name them `e12` and `s3`. This is the one place that
//! spelling is written and read.

/// The label of event number `e` (`e12`).
pub fn event_label(e: u32) -> String {
    format!("e{e}")
}

/// The label of story number `s` (`s3`).
pub fn story_label(s: u32) -> String {
    format!("s{s}")
}

/// Reads a label with the given prefix (`s3`), or a bare number (`3`);
/// surrounding blanks are ignored.
pub fn parse_label(s: &str, prefix: char) -> Option<u32> {
    let s = s.trim();
    s.strip_prefix(prefix).unwrap_or(s).parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_read_back() {
        assert_eq!(parse_label(&story_label(12), 's'), Some(12));
        assert_eq!(parse_label(&event_label(7), 'e'), Some(7));
        assert_eq!(parse_label(" 3 ", 's'), Some(3));
        assert_eq!(parse_label("e3", 's'), None, "an event label is not a story label");
    }
}
