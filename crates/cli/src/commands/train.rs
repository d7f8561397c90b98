//! `storyline train-cluster`: learn the join-or-open model from labelled
//! streams and write it as the versioned model file.

use std::collections::HashMap;
use std::io::BufRead;
use std::path::PathBuf;

use anyhow::Context;
use storyline_core::analyze::AliasRegistry;
use storyline_core::cluster::{train_join_model, TrainOptions, TrainingDoc, FEATURE_NAMES};
use storyline_core::PipelineConfig;

use crate::input::InputArgs;
use crate::run::{arrival_order, process_for_decisions};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Gold-labelled JSONL corpora (`id`, `text`, `event`); each is one stream.
    #[arg(required = true)]
    pub corpus: Vec<PathBuf>,
    /// Where to write the model.
    #[arg(long, short = 'o', default_value = "crates/core/src/cluster/join_model.json")]
    pub output: PathBuf,
    /// Ridge penalty on the weights.
    #[arg(long, default_value_t = 1e-3)]
    pub l2: f64,
    /// Weight, in documents, of the background document frequencies
    /// blended into the running ones (stored in the model: its weights are
    /// learned under that IDF). Default: the shipped model's.
    #[arg(long)]
    pub background_docs: Option<f32>,
    /// Weigh each corpus's joins and opens equally (the model learns what
    /// a join looks like, not how often the training corpora join).
    #[arg(long)]
    pub balance_classes: bool,
    /// Features held at 0 while training (comma-separated names from the
    /// model file), so they get no weight: for ablations.
    #[arg(long, value_delimiter = ',')]
    pub without: Vec<String>,
}

fn gold_events(path: &PathBuf) -> anyhow::Result<HashMap<String, String>> {
    let file = std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut out = HashMap::new();
    for line in std::io::BufReader::new(file).lines() {
        let v: serde_json::Value = serde_json::from_str(&line?)?;
        if let (Some(id), Some(ev)) = (v.get("id").and_then(|x| x.as_str()), v.get("event")) {
            out.insert(id.to_string(), ev.as_str().map(str::to_string).unwrap_or_else(|| ev.to_string()));
        }
    }
    Ok(out)
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let mut without = Vec::new();
    for name in &args.without {
        match FEATURE_NAMES.iter().position(|f| f == name) {
            Some(i) => without.push(i),
            None => anyhow::bail!("--without: no feature named {name:?} (features: {})", FEATURE_NAMES.join(", ")),
        }
    }
    let options = TrainOptions { l2: args.l2, balance_classes: args.balance_classes, without };
    let mut cfg = PipelineConfig::default();
    if let Some(m) = args.background_docs {
        cfg.cluster.model.background_docs = m;
    }
    let mut corpora = Vec::new();
    let mut names = Vec::new();
    for path in &args.corpus {
        let gold = gold_events(path)?;
        let input =
            InputArgs { paths: vec![path.clone()], input: vec![], max_file_mb: 16, format: None, allow_private: false };
        let inputs = input.read()?;
        let mut processed = process_for_decisions(inputs.articles, &cfg);
        let articles: Vec<_> = processed.iter().map(|p| &p.prepared.article).collect();
        let order = arrival_order(&articles);
        // Same feature path as `cluster`: aliases folded in arrival order.
        let mut registry = AliasRegistry::new(&cfg.analyze);
        let mut stream: Vec<TrainingDoc> = Vec::new();
        for i in order {
            let p = &mut processed[i];
            registry.fold_article(&p.prepared.article, &mut p.prepared.analysis);
            p.features.add_entity_names(&p.prepared.analysis);
            if let Some(gold_event) = gold.get(&p.prepared.article.id) {
                stream.push(TrainingDoc { features: p.features.clone(), gold_event: gold_event.clone() });
            }
        }
        eprintln!("{}: {} labelled articles", path.display(), stream.len());
        names.push(path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
        corpora.push(stream);
    }
    let trained_on = format!(
        "storyline train-cluster {} (l2 {}, background docs {}{}{})",
        names.join(" "),
        args.l2,
        cfg.cluster.model.background_docs,
        if args.balance_classes { ", classes balanced" } else { "" },
        if args.without.is_empty() { String::new() } else { format!(", without {}", args.without.join(",")) }
    );
    let (model, report) = train_join_model(&corpora, &cfg.cluster, &options, &trained_on);
    eprintln!(
        "ranking: {} candidate pairs ({} same event), accuracy {:.4}; join: {} best candidates ({} right), accuracy {:.4}; {} Newton steps",
        report.examples, report.positives, report.rank_accuracy, report.best_examples, report.best_positives, report.join_accuracy, report.iterations
    );
    eprintln!("  {:<22} {:>9} {:>9}", "feature", "rank", "join");
    for (i, name) in model.features.iter().enumerate() {
        eprintln!("  {name:<22} {:>9.4} {:>9.4}", model.rank.weights[i], model.join.weights[i]);
    }
    eprintln!("  {:<22} {:>9.4} {:>9.4}", "bias", model.rank.bias, model.join.bias);
    std::fs::write(&args.output, serde_json::to_string_pretty(&model)? + "\n")
        .with_context(|| format!("cannot write {}", args.output.display()))?;
    eprintln!("wrote {}", args.output.display());
    Ok(())
}
