//! The pattern tables: what page furniture says, with the reason each line is
//! taken out. Patterns only nominate a block; whether it goes is decided in
//! `mod.rs` from the pattern's strength plus features of the block (length,
//! stop words, position), so an ordinary sentence that happens to contain a
//! phrase stays.
//!
//! All patterns are case-insensitive regexes matched against one block
//! (hard-wrapped lines already joined, so `\s+` spans line breaks).

use std::sync::OnceLock;

use regex::{Regex, RegexSet};

/// How conclusive a pattern is on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Strength {
    /// Only furniture says this ("All rights reserved").
    Strong,
    /// Mostly furniture, but a sentence could say it ("click here to").
    Weak,
}

/// One row of a pattern table.
#[derive(Debug)]
pub(super) struct PatternRule {
    /// What kind of furniture this is: read by tests and when debugging.
    #[allow(dead_code)]
    pub why: &'static str,
    pub pattern: &'static str,
    pub strength: Strength,
    /// A heading whose body is the next block ("Legal Disclaimer:" followed
    /// by the disclaimer text): in the tail, both go.
    pub starts_section: bool,
}

const fn strong(why: &'static str, pattern: &'static str) -> PatternRule {
    PatternRule { why, pattern, strength: Strength::Strong, starts_section: false }
}

const fn weak(why: &'static str, pattern: &'static str) -> PatternRule {
    PatternRule { why, pattern, strength: Strength::Weak, starts_section: false }
}

const fn section(why: &'static str, pattern: &'static str) -> PatternRule {
    PatternRule { why, pattern, strength: Strength::Strong, starts_section: true }
}

/// Boilerplate (removal reason `Boilerplate`).
pub(super) const BOILERPLATE_RULES: &[PatternRule] = &[
    // Rights and legal notices.
    strong("rights notice", r"\ball\s+rights\s+reserved\b"),
    strong("copyright notice", r"^\W*(?:copyright\s*)?(?:©|ⓒ|\(c\))"),
    strong("copyright notice", r"^\W*copyright\s+(?:\d{4}|by\b)"),
    section("disclaimer heading", r"^\W*(?:legal\s+)?disclaimer\s*:?\s*$"),
    strong("disclaimer", r"\bwithout\s+warranty\s+of\s+any\s+kind\b"),
    strong("disclaimer", r"\bdo\s+not\s+accept\s+any\s+responsibility\s+or\s+liability\b"),
    strong(
        "disclaimer",
        r"\bviews\s+expressed\s+(?:in\s+this\s+article\s+)?are\s+(?:those\s+of\s+the\s+author|the\s+author'?s\s+own)",
    ),
    strong(
        "redistribution notice",
        r"\bmay\s+not\s+be\s+(?:published|reproduced),?\s+broadcast,?\s+rewritten,?\s+or\s+redistributed\b",
    ),
    strong(
        "redistribution notice",
        r"\b(?:unauthori[sz]ed\s+)?(?:reproduction|redistribution)\s+(?:is\s+)?(?:strictly\s+)?prohibited\b",
    ),
    strong("redistribution notice", r"\bdon[’']?t\s+allow\s+anyone\s+to\s+copy\b"),
    strong("redistribution notice", r"무단\s*전재"),
    // Comments and accounts.
    strong("comment prompt", r"\bto\s+write\s+comments?,?\s+please\s+log\s*in\b"),
    strong("comment prompt", r"\b(?:log|sign)\s*in\s+to\s+(?:post\s+a\s+|leave\s+a\s+|write\s+a\s+)?comments?\b"),
    strong("comment prompt", r"\byou\s+must\s+be\s+logged\s+in\b"),
    strong("comment prompt", r"\bbe\s+the\s+first\s+to\s+comment\b"),
    strong("comments closed", r"\bcomments\s+are\s+(?:now\s+)?closed\b"),
    strong("comment counter", r"^\W*comments?\s*\(\s*\d+\s*\)\W*$"),
    strong("comment policy", r"\bstandards\s+board\s+policy\b"),
    strong("comment box counter", r"\(\s*\d+\s*/\s*\d+\s*(?:자|characters?|chars?)?\s*\)\s*$"),
    weak("comment policy", r"\bcomments?\s+(?:policy|guidelines)\b"),
    weak(
        "account prompt",
        r"\b(?:already\s+a\s+subscriber|log\s*in\s+to\s+continue|create\s+(?:a\s+free|an)\s+account)\b",
    ),
    // Donation and subscription pleas.
    strong("donation plea", r"\bsupport\s+(?:independent|quality|our)\s+journalism\b"),
    weak("donation plea", r"\byour\s+(?:contribution|support|donation)\s+(?:keeps|helps|makes|allows|supports)\b"),
    weak("donation plea", r"\b(?:make|making)\s+a\s+(?:one-time\s+|monthly\s+|small\s+)?(?:donation|contribution)\b"),
    weak("donation plea", r"\bdonate\s+(?:now|today|here)\b"),
    weak("payment widget", r"\b(?:razorpay|paypal|patreon)\b"),
    weak("payment widget", r"\bcancel\s+any\s*time\b"),
    weak("membership plea", r"\b(?:become|support\s+us\s+as)\s+an?\s+(?:member|subscriber|patron)\b"),
    weak("subscription plea", r"\bsubscribe\s+(?:now|today|here)\b"),
    strong(
        "newsletter plea",
        r"\b(?:sign\s+up|subscribe)\s+(?:for|to)\s+(?:our|the)\s+(?:[\w-]+\s+){0,3}newsletters?\b",
    ),
    // Social and sharing widgets.
    strong(
        "social plea",
        r"\bfollow\s+us\s+on\s+(?:twitter|x|facebook|instagram|linkedin|telegram|youtube|tiktok|threads|google\s+news|whatsapp)\b",
    ),
    strong("share widget", r"^\W*share\s+(?:this|the)\s+(?:article|story|post|page)\W*$"),
    strong(
        "share widget",
        r"^(?:\W*(?:share(?:\s+on)?|tweet|facebook|twitter|x|whatsapp|linkedin|e-?mail|print|copy\s+link|telegram|reddit|pinterest|kakao(?:talk)?|naver|band|messenger|bookmark|save|comments?)\W*){1,12}$",
    ),
    weak("app plea", r"\b(?:download|get)\s+(?:our|the)\s+(?:free\s+)?app\b"),
    // Links to elsewhere.
    weak("link prompt", r"\bclick\s+here\b"),
    weak(
        "related links",
        r"^\W*(?:read\s+more|read\s+also|also\s+read|see\s+also|related(?:\s+(?:articles?|stories|news|coverage))?|recommended|more\s+from|most\s+read|trending(?:\s+now)?|you\s+may\s+also\s+like|more\s+stories)\s*(?:[:»>|]|$)",
    ),
    weak("tag list", r"^\W*tags?\s*:"),
    weak("feedback prompt", r"\b(?:report\s+an?\s+(?:error|typo)|send\s+us\s+(?:a\s+)?(?:news\s+)?tips?)\b"),
    // Ads and cookie notices.
    strong(
        "advertisement label",
        r"^\W*(?:advertisement|advertising|sponsored(?:\s+content)?|ad|story\s+continues\s+below(?:\s+advertisement)?)\W*$",
    ),
    strong("cookie notice", r"\b(?:we|this\s+(?:site|website))\s+uses?\s+cookies\b"),
    weak("cookie notice", r"\b(?:accept\s+(?:all\s+)?cookies|cookie\s+(?:policy|settings|preferences))\b"),
    // Outlet sign-offs.
    weak("outlet sign-off", r"\b(?:news\s*desk|web\s*desk|staff\s+reporter|bureau)\W*$"),
    weak("outlet sign-off", r"^\W*with\s+(?:the\s+)?[\p{Lu}][\p{L}]*(?:\s+[\p{Lu}][\p{L}]*)*\W*$"),
];

/// Notes saying the text was machine translated (removal reason
/// `TranslationNote`).
pub(super) const TRANSLATION_NOTE_PATTERNS: &[&str] = &[
    r"\btranslated\s+(?:by|using|with)\s+(?:an?\s+)?(?:ai|artificial\s+intelligence|machine|generative|automated)\b",
    r"\bwith\s+the\s+(?:help|assistance|aid)\s+of\s+(?:generative\s+)?(?:ai|artificial\s+intelligence)\b",
    r"\bnative\s+english[-\s]speaking\s+editor\b",
    r"\bai[-\s]assisted\s+translations?\b",
    r"\bmachine[-\s]translat",
    r"\b(?:automatically|auto-)\s?translated\b",
];

/// Words that mark a note as talking about this very text ("This article
/// was translated ..."), as opposed to news about translation.
pub(super) const SELF_REFERENCE_PATTERN: &str = r"\b(?:this|the)\s+(?:article|story|report|text|content|piece)\b|\bour\s+newsroom\b|\boriginally\s+(?:written|published)\b";

/// Compiled forms of the tables, built once per process.
pub(super) struct CompiledRules {
    pub boilerplate: RegexSet,
    pub translation_note: RegexSet,
    pub self_reference: Regex,
}

/// The compiled tables. The patterns are constants checked by a test, so a
/// compile failure is a programming error caught before release.
pub(super) fn compiled() -> &'static CompiledRules {
    static RULES: OnceLock<CompiledRules> = OnceLock::new();
    RULES.get_or_init(|| CompiledRules {
        boilerplate: case_insensitive_set(BOILERPLATE_RULES.iter().map(|r| r.pattern)),
        translation_note: case_insensitive_set(TRANSLATION_NOTE_PATTERNS.iter().copied()),
        self_reference: Regex::new(&format!("(?i){}", ascii_word_boundaries(SELF_REFERENCE_PATTERN)))
            .expect("self-reference pattern is a valid regex"),
    })
}

fn case_insensitive_set<'a>(patterns: impl Iterator<Item = &'a str>) -> RegexSet {
    RegexSet::new(patterns.map(|p| format!("(?i){}", ascii_word_boundaries(p))))
        .expect("pattern table holds valid regexes")
}

/// The tables' words are ASCII, so an ASCII `\b` means the same for them; a
/// Unicode `\b` would make the lazy DFA give up on any non-ASCII text (curly
/// quotes, accents) and fall back to a far slower engine.
fn ascii_word_boundaries(pattern: &str) -> String {
    pattern.replace(r"\b", r"(?-u:\b)")
}

/// The strongest boilerplate rule matching `block`, if any, and whether a
/// matching rule starts a section.
pub(super) fn boilerplate_match(block: &str) -> Option<(&'static PatternRule, bool)> {
    let matches = compiled().boilerplate.matches(block);
    let mut best: Option<&'static PatternRule> = None;
    let mut starts_section = false;
    for index in matches.iter() {
        let rule = &BOILERPLATE_RULES[index];
        starts_section |= rule.starts_section;
        let stronger = match best {
            None => true,
            Some(b) => b.strength == Strength::Weak && rule.strength == Strength::Strong,
        };
        if stronger {
            best = Some(rule);
        }
    }
    best.map(|rule| (rule, starts_section))
}

/// True when `block` says the text was machine translated.
pub(super) fn mentions_machine_translation(block: &str) -> bool {
    compiled().translation_note.is_match(block)
}

/// True when `block` talks about the article itself.
pub(super) fn refers_to_itself(block: &str) -> bool {
    compiled().self_reference.is_match(block)
}
