//! Splitting the raw text into blocks: byte spans of trimmed lines, with
//! hard-wrapped lines (a sentence broken across lines) merged into one block
//! so that rules see the whole paragraph.

/// A span of the raw text, `start..end` in bytes, trimmed of whitespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn of<'a>(&self, text: &'a str) -> &'a str {
        &text[self.start..self.end]
    }
}

/// Blocks of `text` in order: one per non-blank line, except that a line
/// continuing a hard-wrapped sentence joins the block before it. A blank line
/// always ends a block.
pub(super) fn split_blocks(text: &str) -> Vec<Span> {
    let mut blocks: Vec<Span> = Vec::new();
    let mut previous_line_in_block: Option<Span> = None;
    let mut byte = 0usize;
    for line in text.split_inclusive('\n') {
        let line_start = byte;
        byte += line.len();
        let Some(span) = trimmed_span(text, line_start, line_start + line.len()) else {
            previous_line_in_block = None;
            continue;
        };
        match (previous_line_in_block, blocks.last_mut()) {
            (Some(prev), Some(block)) if is_hard_wrap(prev.of(text), span.of(text)) => {
                block.end = span.end;
            }
            _ => blocks.push(span),
        }
        previous_line_in_block = Some(span);
    }
    blocks
}

/// The trimmed sub-span of `start..end`, or `None` when it is blank.
pub(super) fn trimmed_span(text: &str, start: usize, end: usize) -> Option<Span> {
    let slice = &text[start..end];
    let trimmed_front = slice.trim_start();
    let lead = slice.len() - trimmed_front.len();
    let trimmed = trimmed_front.trim_end();
    if trimmed.is_empty() {
        return None;
    }
    Some(Span { start: start + lead, end: start + lead + trimmed.len() })
}

/// Words a sentence cannot end on (articles, prepositions, conjunctions,
/// auxiliaries): a line ending on one was broken mid-sentence. Broader stop
/// words like "more" or "here" do end lines ("Click here to read more").
const NO_SENTENCE_ENDS_ON: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "for", "from", "had", "has", "have", "her", "his",
    "in", "into", "is", "its", "nor", "of", "on", "or", "our", "than", "that", "the", "their", "these", "this",
    "those", "to", "was", "were", "which", "whose", "with", "your",
];

/// True when `next` continues the sentence that `prev` breaks off: `prev`
/// ends neither a sentence nor a label, and either `next` starts in lower
/// case or `prev` ends on a function word ("MENAFN provides the").
fn is_hard_wrap(prev: &str, next: &str) -> bool {
    if ends_sentence(prev) || prev.ends_with(':') {
        return false;
    }
    let next_starts_lower = next.chars().next().is_some_and(char::is_lowercase);
    let prev_ends_on_function_word =
        prev.rsplit(|c: char| !c.is_alphanumeric()).next().is_some_and(|w| NO_SENTENCE_ENDS_ON.contains(&w));
    next_starts_lower || prev_ends_on_function_word
}

/// True when `s` ends a sentence: terminal punctuation, possibly followed by
/// closing quotes or brackets.
pub(super) fn ends_sentence(s: &str) -> bool {
    let core = s.trim_end().trim_end_matches(['"', '\'', '”', '’', ')', ']', '»', '*']);
    core.ends_with(['.', '!', '?', '…', '。'])
}
