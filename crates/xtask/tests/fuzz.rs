//! The fuzzer's find handling end to end: with a target made to fail on
//! any NUL byte (`STORYLINE_FUZZ_SELFTEST`), a panic, a dead process and a
//! stall are each written as a fixture and fail the run, naming the file.

use std::process::Command;

fn fuzz(mode: &str, seconds: &str) -> (std::process::Output, Vec<std::path::PathBuf>, tempfile::TempDir) {
    let finds = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .env("STORYLINE_FUZZ_SELFTEST", mode)
        .args(["fuzz", "--target", "text", "--seconds", seconds, "--seed", "3", "--input-ms", "500", "--finds"])
        .arg(finds.path())
        .output()
        .unwrap();
    let mut files: Vec<_> = std::fs::read_dir(finds.path()).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    (out, files, finds)
}

#[test]
fn panics_dead_processes_and_stalls_are_written_and_fail_the_run() {
    for mode in ["panic", "abort", "stall"] {
        let (out, files, _dir) = fuzz(mode, "4");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{mode}: a find fails the run\n{stdout}\n{stderr}");
        assert!(!files.is_empty(), "{mode}: a find is written\n{stdout}\n{stderr}");
        for f in &files {
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            assert!(name.starts_with("fuzz-text-") && name.ends_with(".txt"), "{name}");
            assert!(stderr.contains(&name), "{mode}: the file is named: {stderr}");
            let bytes = std::fs::read(f).unwrap();
            assert!(bytes.contains(&0), "{mode}: the input that failed is what was kept");
            if mode == "panic" {
                // Shrunk: cutting pieces while it still panics leaves the NUL.
                assert_eq!(bytes, b"\0", "{mode}: shrunk to the byte that matters");
            }
        }
        assert!(stdout.contains("fuzz text"), "{stdout}");
    }
}

#[test]
fn a_clean_run_passes_and_reports_its_executions() {
    let (out, files, _dir) = fuzz("off", "2");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(files.is_empty());
    let line = stdout.lines().find(|l| l.starts_with("fuzz text")).expect("a per-target line");
    let execs: u64 = line.split_whitespace().nth(2).unwrap().parse().unwrap();
    assert!(execs > 10, "{line}");
}
