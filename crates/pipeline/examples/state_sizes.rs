//! Prints what a store's online state holds, part by part (encoded bytes):
//! `cargo run --release -p storyline-pipeline --example state_sizes -- STORE.db`.
use storyline_pipeline::ingest::load_streamer;

fn main() {
    let db = std::env::args().nth(1).expect("usage: state_sizes STORE.db");
    let store = storyline_store::open_store(&db).expect("the store opens");
    let cfg = storyline_pipeline::pipeline_config().expect("the configuration reads");
    let streamer = load_streamer(&store, &cfg).expect("the state loads");
    let (active, quiet) = streamer.held();
    println!("active events {active}, quiet stories {quiet}");
    for (part, bytes) in streamer.part_sizes() {
        println!("{part:>14}: {:>8.1} MB", bytes as f64 / 1e6);
    }
}
