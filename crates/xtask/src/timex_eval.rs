//! `storyline timex-eval`: time expressions scored the TempEval-3 way
//! against TimeML files (see `storyline_core::timex_eval`).

use std::path::{Path, PathBuf};

use crate::timex_score::{parse_timeml_docs, score_docs, TimemlDoc};
use anyhow::Context;
use storyline_core::analyze::AnalyzeConfig;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// TimeML files (.tml, .xml), or directories holding them (read
    /// recursively, in path order). A file may hold several <TimeML> documents.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Print the counts and scores as one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Also list every gold expression missed or resolved to another value.
    #[arg(long)]
    pub errors: bool,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let mut files = Vec::new();
    for p in &args.paths {
        collect(p, &mut files)?;
    }
    let mut docs: Vec<(PathBuf, TimemlDoc)> = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).with_context(|| format!("reading {}", f.display()))?;
        match parse_timeml_docs(&text) {
            Ok(d) => docs.extend(d.into_iter().map(|d| (f.clone(), d))),
            Err(e) => eprintln!("skipped {}: {e}", f.display()),
        }
    }
    if docs.is_empty() {
        return Err(anyhow::anyhow!("no TimeML document could be read ({} files skipped)", files.len()));
    }
    let cfg = AnalyzeConfig::default();
    let only_docs: Vec<TimemlDoc> = docs.iter().map(|(_, d)| d.clone()).collect();
    let counts = score_docs(&only_docs, &cfg);
    let scores = counts.scores();
    if args.json {
        println!("{}", serde_json::json!({"documents": docs.len(), "counts": counts, "scores": scores}));
    } else {
        println!("documents {}  gold {}  predicted {}", docs.len(), counts.gold, counts.predicted);
        println!("           P      R      F1");
        println!("strict   {:.3}  {:.3}  {:.3}", scores.strict_p, scores.strict_r, scores.strict_f1);
        println!("relaxed  {:.3}  {:.3}  {:.3}", scores.relaxed_p, scores.relaxed_r, scores.relaxed_f1);
        println!(
            "value accuracy {:.3}  value F1 {:.3}  type accuracy {:.3}",
            scores.value_accuracy, scores.value_f1, scores.type_accuracy
        );
    }
    if args.errors {
        for (file, doc) in &docs {
            let found = storyline_core::analyze::analyze_text(&doc.text, doc.dct, &cfg).times;
            for g in &doc.gold {
                match found.iter().find(|p| p.start < g.end && g.start < p.end) {
                    None => eprintln!("{}: missed {:?} ({})", file.display(), g.text, g.value),
                    Some(p) if p.value != g.value => {
                        eprintln!("{}: {:?} gold {} got {:?} {}", file.display(), g.text, g.value, p.text, p.value)
                    }
                    Some(_) => {}
                }
            }
        }
    }
    Ok(())
}

fn collect(path: &Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .with_context(|| format!("reading directory {}", path.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for e in entries {
            if e.is_dir() || e.extension().is_some_and(|x| x == "tml" || x == "xml") {
                collect(&e, out)?;
            }
        }
    } else {
        out.push(path.to_path_buf());
    }
    Ok(())
}
