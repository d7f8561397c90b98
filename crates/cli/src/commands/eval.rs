//! `storyline eval`: score a predicted clustering against gold labels, with
//! the conventions of `shared/tools/score_events.py`.

use std::collections::{HashMap, HashSet};
use std::io::BufRead;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use serde_json::Value;
use storyline_core::eval::score;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Gold JSONL: `id`, `event` and (for stories) `topic`.
    pub gold: PathBuf,
    /// Predicted JSONL: `id`, `event` and optionally `story`.
    pub pred: PathBuf,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
}

fn label(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

fn read_rows(path: &Path) -> anyhow::Result<Vec<serde_json::Map<String, Value>>> {
    let file = std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut rows = Vec::new();
    for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.with_context(|| format!("{}:{}: cannot read", path.display(), n + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Value>(&line) {
            Ok(Value::Object(o)) => rows.push(o),
            Ok(_) => bail!("{}:{}: not a JSON object", path.display(), n + 1),
            Err(e) => bail!("{}:{}: not JSON: {e}", path.display(), n + 1),
        }
    }
    Ok(rows)
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let gold = read_rows(&args.gold)?;
    let pred = read_rows(&args.pred)?;
    let mut pred_event: HashMap<String, Option<String>> = HashMap::new();
    let mut pred_story: HashMap<String, Option<String>> = HashMap::new();
    for (n, r) in pred.iter().enumerate() {
        let Some(id) = label(r.get("id")) else { bail!("{}:{}: no id", args.pred.display(), n + 1) };
        if pred_event.insert(id.clone(), label(r.get("event"))).is_some() {
            bail!("{}: prediction repeats id {id:?}", args.pred.display());
        }
        pred_story.insert(id, label(r.get("story")));
    }
    let has_story = pred.iter().any(|r| r.contains_key("story"));
    let mut seen = HashSet::new();
    let (mut g_ev, mut g_tp, mut p_ev, mut p_st) = (vec![], vec![], vec![], vec![]);
    for (n, r) in gold.iter().enumerate() {
        let (Some(id), Some(ev)) = (label(r.get("id")), label(r.get("event"))) else {
            bail!("{}:{}: gold line without id or event", args.gold.display(), n + 1)
        };
        if !seen.insert(id.clone()) {
            bail!("{}: gold repeats id {id:?}", args.gold.display());
        }
        g_ev.push(ev);
        g_tp.push(label(r.get("topic")).unwrap_or_default());
        // A missing or null prediction is a singleton of its own.
        let singleton = || format!("\u{0}missing:{id}");
        p_ev.push(pred_event.get(&id).cloned().flatten().unwrap_or_else(singleton));
        p_st.push(pred_story.get(&id).cloned().flatten().unwrap_or_else(singleton));
    }
    let coverage = gold.iter().filter(|r| label(r.get("id")).is_some_and(|i| pred_event.contains_key(&i))).count()
        as f64
        / gold.len().max(1) as f64;
    let event = score(&g_ev, &p_ev);
    let story = has_story.then(|| score(&g_tp, &p_st));
    if args.json {
        let out = serde_json::json!({"n_docs": gold.len(), "coverage": coverage, "event": event, "story": story});
        println!("{out}");
        return Ok(());
    }
    println!("documents {}  coverage {:.3}", gold.len(), coverage);
    println!(
        "{:<6} {:>6} {:>6} {:>6}  {:>6} {:>6} {:>6}  {:>6}  {:>6} {:>6}",
        "", "b3_p", "b3_r", "b3_f1", "pw_p", "pw_r", "pw_f1", "ari", "pred", "gold"
    );
    for (name, s) in [("event", Some(event)), ("story", story)] {
        if let Some(s) = s {
            println!(
                "{:<6} {:>6.3} {:>6.3} {:>6.3}  {:>6.3} {:>6.3} {:>6.3}  {:>6.3}  {:>6} {:>6}",
                name, s.b3_p, s.b3_r, s.b3_f1, s.pw_p, s.pw_r, s.pw_f1, s.ari, s.n_pred_clusters, s.n_gold_clusters
            );
        }
    }
    Ok(())
}
