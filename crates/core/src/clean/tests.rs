use super::*;
use crate::model::RawArticle;

fn seed(text: &str) -> Article {
    clean(&RawArticle { id: "seed".into(), text: text.into(), ..Default::default() }, &CleanConfig::default())
}

const SEED_000: &str = include_str!("../../../../../shared/seeds/000_3d5f58d5529388c6.txt");
const SEED_001: &str = include_str!("../../../../../shared/seeds/001_cc2096c2dac57694.txt");
const SEED_002: &str = include_str!("../../../../../shared/seeds/002_bb6cc63204c9fe2b.txt");
const SEED_003: &str = include_str!("../../../../../shared/seeds/003_3c120438f9401b4a.txt");
const SEED_004: &str = include_str!("../../../../../shared/seeds/004_19aa27566d99c8e4.txt");

#[test]
fn dump() {
    for s in [SEED_000, SEED_001, SEED_002, SEED_003, SEED_004] {
        let a = seed(s);
        println!("==== title={:?} published={:?} dateline={:?} authors={:?} mt={} credits={:?} lang={}", a.title, a.published, a.dateline, a.authors, a.machine_translated, a.wire_credits, a.language);
        for p in &a.paragraphs { println!("[{:?} @{:?}] {}", p.kind, p.raw_start, p.text); }
        for r in &a.removed { println!("  -- {:?}: {}", r.reason, r.text); }
    }
}
