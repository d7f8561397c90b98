//! A sentence splitter good enough for news: splits after `.`, `!`, `?`
//! (and closing quotes) followed by white space and an upper-case letter,
//! digit or quote, except after common abbreviations and initials.

/// A sentence as char offsets into the text it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SentenceSpan {
    /// Char offset of the first char.
    pub start: usize,
    /// Char offset just past the last char (trailing blanks excluded).
    pub end: usize,
}

/// Abbreviations that end in a period without ending a sentence.
const ABBREVIATIONS: &[&str] = &[
    "adm", "apr", "aug", "capt", "col", "corp", "dec", "dr", "feb", "gen", "gov", "inc", "jan", "jr", "jul", "jun",
    "lt", "maj", "mar", "mr", "mrs", "ms", "no", "nov", "oct", "rep", "rev", "sen", "sept", "sep", "sgt", "st", "sr",
    "vs",
];

/// Sentence spans (char offsets) of `text`; paragraphs (line breaks) always
/// end a sentence.
pub fn sentence_spans(text: &str) -> Vec<SentenceSpan> {
    let chars: Vec<char> = text.chars().collect();
    let mut spans = Vec::new();
    let mut start = 0usize;
    let push = |spans: &mut Vec<SentenceSpan>, s: usize, e: usize| {
        // Trim white space inside the span.
        let (mut s, mut e) = (s, e);
        while s < e && chars[s].is_whitespace() {
            s += 1;
        }
        while e > s && chars[e - 1].is_whitespace() {
            e -= 1;
        }
        if e > s {
            spans.push(SentenceSpan { start: s, end: e });
        }
    };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            push(&mut spans, start, i);
            start = i + 1;
        } else if matches!(c, '.' | '!' | '?') {
            let mut j = i + 1;
            while j < chars.len() && matches!(chars[j], '"' | '”' | '’' | '\'' | ')') {
                j += 1;
            }
            let next_is_space = j < chars.len() && chars[j] == ' ';
            let after = chars[j..].iter().find(|c| !c.is_whitespace());
            let opens = after.is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || matches!(c, '"' | '“' | '‘'));
            if next_is_space && opens && (c != '.' || !ends_with_abbreviation(&chars[start..i])) {
                push(&mut spans, start, j);
                start = j;
                i = j;
                continue;
            }
        }
        i += 1;
    }
    push(&mut spans, start, chars.len());
    spans
}

fn ends_with_abbreviation(before: &[char]) -> bool {
    let word: String = before
        .iter()
        .rev()
        .take_while(|c| c.is_alphabetic() || **c == '.')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let last = word.rsplit('.').next().unwrap_or("");
    // Initials and dotted acronyms: "U.S.", "J." are not sentence ends.
    if last.chars().count() == 1 && last.chars().all(char::is_uppercase) {
        return true;
    }
    ABBREVIATIONS.contains(&last.to_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(t: &str) -> Vec<String> {
        sentence_spans(t).iter().map(|s| t.chars().skip(s.start).take(s.end - s.start).collect()).collect()
    }

    #[test]
    fn splits_news_sentences_but_not_abbreviations() {
        let t =
            "They meet on Nov. 4 in Seoul. Lt. Gen. Jin said the U.S. Army agreed. \"It is done,\" he said.\nNext line";
        assert_eq!(
            split(t),
            vec![
                "They meet on Nov. 4 in Seoul.",
                "Lt. Gen. Jin said the U.S. Army agreed.",
                "\"It is done,\" he said.",
                "Next line"
            ]
        );
    }

    #[test]
    fn empty_and_unterminated() {
        assert!(split("").is_empty());
        assert_eq!(split("no end"), vec!["no end"]);
    }
}
