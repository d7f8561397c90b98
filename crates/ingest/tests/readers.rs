//! Readers over real files: every bad input is reported with its path (and
//! line), and the good articles beside it are still read.

use std::io::Write;
use std::path::{Path, PathBuf};

use storyline_ingest::{read_inputs, ReadEvent, ReaderConfig, SkipReason};

// The one rule for tests that read `../shared` (skip visibly, or fail
// under STORYLINE_REQUIRE_SHARED=1), shared with core's tests.
#[allow(dead_code)]
#[path = "../../core/src/test_data.rs"]
mod test_data;

struct Outcome {
    ids: Vec<String>,
    skips: Vec<(String, Option<u64>, SkipReason)>,
    notices: Vec<String>,
}

fn read(paths: &[PathBuf], cfg: &ReaderConfig) -> Outcome {
    let mut out = Outcome { ids: vec![], skips: vec![], notices: vec![] };
    read_inputs(paths, cfg, &mut |e| match e {
        ReadEvent::Article(a) => out.ids.push(a.id),
        ReadEvent::Skipped(s) => out.skips.push((s.origin.path.clone(), s.origin.line, s.reason)),
        ReadEvent::Notice(n) => out.notices.push(n.to_string()),
    });
    out
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&p, bytes).unwrap();
    p
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

fn skip_for<'a>(o: &'a Outcome, file: &str) -> Vec<&'a (String, Option<u64>, SkipReason)> {
    o.skips.iter().filter(|(p, _, _)| p.ends_with(file)).collect()
}

#[test]
fn directory_with_bad_inputs_reads_the_good_ones_and_reports_each_bad_one() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "a_good.txt", b"Title line\nSeoul, December 1\nA body sentence about the meeting.");
    write(d, "b_good.html.gz", &gzip(b"<html><body><article><p>Defense chiefs met in Seoul on Tuesday to discuss the alliance.</p></article></body></html>"));
    write(d, "c_binary.txt", b"\x7fELF\x02\x01\x01\x00\x00\x00\x00binary");
    write(
        d,
        "d_latin1.txt",
        b"Le ministre de la D\xe9fense a d\xe9clar\xe9 que la r\xe9union aurait lieu \xe0 S\xe9oul.",
    );
    write(d, "e_lines.jsonl", b"{\"id\": \"j1\", \"text\": \"first good\"}\n{not json\n{\"text\": \"no id\"}\n{\"id\": \"j4\"}\n[1,2]\n\n{\"id\": \"j7\", \"text\": \"bad \xff utf8\"}\n{\"id\": \"j8\", \"text\": \"last good\", \"date\": \"2025-11-03\"}\n");
    write(d, "f_empty.txt", b"");
    write(d, "g_not_gzip.txt.gz", b"this is plain text pretending to be gzip");
    write(d, "h_huge.txt", &vec![b'a'; 3 << 20]);
    write(d, "i_notes.pdf", b"%PDF-1.4");
    write(d, "sub/j_nested.txt", b"Nested article text in a sub directory.");
    let cfg = ReaderConfig { max_file_bytes: 1 << 20, ..Default::default() };
    let o = read(&[d.to_path_buf()], &cfg);

    assert_eq!(o.ids, vec!["a_good", "b_good", "d_latin1", "j1", "j8", "j_nested"]);
    assert!(matches!(skip_for(&o, "c_binary.txt")[0].2, SkipReason::Binary));
    assert!(o.notices.iter().any(|n| n.contains("d_latin1.txt") && n.contains("not UTF-8")), "{:?}", o.notices);
    let jsonl = skip_for(&o, "e_lines.jsonl");
    let by_line: Vec<(u64, &SkipReason)> = jsonl.iter().map(|(_, l, r)| (l.unwrap(), r)).collect();
    assert!(matches!(by_line[0], (2, SkipReason::InvalidJson(_))), "{by_line:?}");
    assert!(matches!(by_line[1], (3, SkipReason::MissingId)));
    assert!(matches!(by_line[2], (4, SkipReason::MissingText)));
    assert!(matches!(by_line[3], (5, SkipReason::NotAnObject)));
    assert!(matches!(by_line[4], (7, SkipReason::Undecodable)));
    assert_eq!(by_line.len(), 5);
    assert!(matches!(skip_for(&o, "f_empty.txt")[0].2, SkipReason::EmptyFile));
    assert!(matches!(skip_for(&o, "g_not_gzip.txt.gz")[0].2, SkipReason::NotGzip(_)));
    assert!(matches!(skip_for(&o, "h_huge.txt")[0].2, SkipReason::TooLarge { .. }));
    assert!(matches!(skip_for(&o, "i_notes.pdf")[0].2, SkipReason::UnsupportedFormat(_)));
}

#[test]
fn an_over_long_jsonl_line_is_skipped_with_bounded_memory_and_reading_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let mut body = b"{\"id\": \"big\", \"text\": \"".to_vec();
    body.extend(std::iter::repeat_n(b'x', 2 << 20));
    body.extend_from_slice(b"\"}\n{\"id\": \"after\", \"text\": \"still read\"}\n");
    let p = write(dir.path(), "big.jsonl.gz", &gzip(&body));
    let cfg = ReaderConfig { max_record_bytes: 1 << 20, ..Default::default() };
    let o = read(&[p], &cfg);
    assert_eq!(o.ids, vec!["after"]);
    assert_eq!(o.skips.len(), 1);
    assert_eq!(o.skips[0].1, Some(1));
    assert!(matches!(o.skips[0].2, SkipReason::TooLarge { .. }));
}

#[test]
fn ids_come_from_file_names_without_extensions() {
    use storyline_ingest::id_from_file_name;
    assert_eq!(id_from_file_name(Path::new("x/a.html.gz")), "a");
    assert_eq!(id_from_file_name(Path::new("000_3d5f58d5529388c6.txt")), "000_3d5f58d5529388c6");
    assert_eq!(id_from_file_name(Path::new("story.v2.txt")), "story.v2");
}

#[test]
fn jsonl_fields_are_carried_and_a_json_array_file_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "arr.json", br#"[{"id": "x1", "text": "t", "title": "T", "date": "2025-11-03", "source": "Reuters", "url": "https://e.x/a", "extra": 5}]"#);
    let mut got = Vec::new();
    read_inputs(&[p], &ReaderConfig::default(), &mut |e| {
        if let ReadEvent::Article(a) = e {
            got.push(a)
        }
    });
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].title.as_deref(), Some("T"));
    assert_eq!(got[0].date.as_deref(), Some("2025-11-03"));
    assert_eq!(got[0].source.as_deref(), Some("Reuters"));
    assert_eq!(got[0].url.as_deref(), Some("https://e.x/a"));
}

#[test]
fn the_seed_directory_reads_five_articles_in_sorted_order() {
    // The seeds are scraped news with no licence to vendor them.
    let Some(seeds) = test_data::shared_path("seeds") else { return };
    let o = read(&[seeds], &ReaderConfig::default());
    assert_eq!(o.ids.len(), 5);
    assert!(o.ids.windows(2).all(|w| w[0] < w[1]));
    assert!(o.skips.is_empty());
}

#[test]
fn a_date_that_cannot_be_read_is_noted_with_its_line_and_the_article_kept() {
    let dir = tempfile::tempdir().unwrap();
    let lines = concat!(
        "{\"id\": \"n1\", \"text\": \"Day and month order unknown.\", \"date\": \"02/05/2024\"}\n",
        "{\"id\": \"n2\", \"text\": \"An epoch number.\", \"date\": 1714600000}\n",
        "{\"id\": \"n3\", \"text\": \"Spelled out.\", \"date\": \"May 2, 2024\"}\n",
        "{\"id\": \"n4\", \"text\": \"RFC 3339.\", \"date\": \"2024-05-02T10:00:00Z\"}\n",
    );
    let file = write(dir.path(), "dates.jsonl", lines.as_bytes());
    let o = read(&[file], &ReaderConfig::default());
    assert_eq!(o.ids, vec!["n1", "n2", "n3", "n4"]);
    assert!(o.skips.is_empty(), "{:?}", o.skips);
    assert_eq!(o.notices.len(), 2, "{:?}", o.notices);
    assert!(
        o.notices[0].contains("dates.jsonl:1") && o.notices[0].contains("\"02/05/2024\" not understood"),
        "{:?}",
        o.notices
    );
    assert!(o.notices[1].contains("dates.jsonl:2") && o.notices[1].contains("1714600000"), "{:?}", o.notices);
}
