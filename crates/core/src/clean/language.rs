//! Language detection for articles whose input names none.

use super::config::CleanConfig;

/// ISO 639-1 code of `text`, or the configured default when the text is too
/// short or whatlang is not confident.
pub(super) fn detect(text: &str, cfg: &CleanConfig) -> String {
    // Counting stops at the minimum: the same answer without walking the body.
    if text.chars().take(cfg.language_min_chars).count() < cfg.language_min_chars {
        return cfg.default_language.clone();
    }
    let sample = crate::text::prefix_at_char_boundary(text, LANGUAGE_SAMPLE_BYTES);
    // English prose is about 40% English function words; no other language
    // comes near 25%. The common case then skips whatlang's trigram scoring.
    if cfg.default_language == "en" && crate::text::stopword_ratio(sample) >= ENGLISH_STOPWORD_SHARE {
        return "en".to_string();
    }
    whatlang::detect(sample)
        .filter(|info| info.confidence() >= cfg.language_min_confidence)
        .and_then(|info| iso_639_1(info.lang().code()))
        .map_or_else(|| cfg.default_language.clone(), str::to_string)
}

/// How much of the text whatlang reads: a few paragraphs decide the
/// language as well as the whole article, at a fraction of the cost.
const LANGUAGE_SAMPLE_BYTES: usize = 2048;

/// Share of English stop words from which a text is English without asking
/// whatlang.
const ENGLISH_STOPWORD_SHARE: f32 = 0.3;

/// whatlang speaks ISO 639-3; the model stores ISO 639-1. Languages without a
/// two-letter code fall back to the default.
fn iso_639_1(code3: &str) -> Option<&'static str> {
    const TABLE: &[(&str, &str)] = &[
        ("afr", "af"),
        ("aka", "ak"),
        ("amh", "am"),
        ("ara", "ar"),
        ("aze", "az"),
        ("bel", "be"),
        ("ben", "bn"),
        ("bul", "bg"),
        ("cat", "ca"),
        ("ces", "cs"),
        ("cmn", "zh"),
        ("dan", "da"),
        ("deu", "de"),
        ("ell", "el"),
        ("eng", "en"),
        ("epo", "eo"),
        ("est", "et"),
        ("fin", "fi"),
        ("fra", "fr"),
        ("guj", "gu"),
        ("heb", "he"),
        ("hin", "hi"),
        ("hrv", "hr"),
        ("hun", "hu"),
        ("hye", "hy"),
        ("ind", "id"),
        ("ita", "it"),
        ("jav", "jv"),
        ("jpn", "ja"),
        ("kan", "kn"),
        ("kat", "ka"),
        ("khm", "km"),
        ("kor", "ko"),
        ("lat", "la"),
        ("lav", "lv"),
        ("lit", "lt"),
        ("mal", "ml"),
        ("mar", "mr"),
        ("mkd", "mk"),
        ("mya", "my"),
        ("nep", "ne"),
        ("nld", "nl"),
        ("nob", "nb"),
        ("ori", "or"),
        ("pan", "pa"),
        ("pes", "fa"),
        ("pol", "pl"),
        ("por", "pt"),
        ("ron", "ro"),
        ("rus", "ru"),
        ("sin", "si"),
        ("slk", "sk"),
        ("slv", "sl"),
        ("sna", "sn"),
        ("spa", "es"),
        ("srp", "sr"),
        ("swe", "sv"),
        ("tam", "ta"),
        ("tel", "te"),
        ("tgl", "tl"),
        ("tha", "th"),
        ("tuk", "tk"),
        ("tur", "tr"),
        ("ukr", "uk"),
        ("urd", "ur"),
        ("uzb", "uz"),
        ("vie", "vi"),
        ("yid", "yi"),
        ("zul", "zu"),
    ];
    TABLE.iter().find(|(three, _)| *three == code3).map(|(_, two)| *two)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_stops_on_a_char_boundary() {
        use crate::text::prefix_at_char_boundary as prefix;
        assert_eq!(prefix("abc", 10), "abc");
        assert_eq!(prefix("aé", 2), "a"); // 'é' is two bytes
    }

    #[test]
    fn english_by_stop_words_other_languages_by_whatlang() {
        let cfg = CleanConfig::default();
        let en = "The ministers said they would meet again in Seoul next year to review the plan for the alliance.";
        let de = "Die Verteidigungsminister beider Länder wollen sich im kommenden Jahr erneut in Seoul treffen und den Plan prüfen.";
        let es = "Los ministros de defensa de ambos países se reunirán de nuevo en Seúl el próximo año para revisar el plan.";
        assert_eq!(detect(en, &cfg), "en");
        assert_eq!(detect(de, &cfg), "de");
        assert_eq!(detect(es, &cfg), "es");
    }

    #[test]
    fn stop_words_in_any_case() {
        use crate::text::is_stopword_any_case;
        assert!(is_stopword_any_case("The"));
        assert!(is_stopword_any_case("THEMSELVES"));
        assert!(!is_stopword_any_case("Themselvesx"));
        assert!(!is_stopword_any_case("Seoul"));
        assert!(!is_stopword_any_case("thé"));
    }
}
