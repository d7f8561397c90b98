//! The one integration-test binary: each module drives the built
//! `storyline` binary through the CONTRACT.md commands.

mod common;

mod bad_input;
mod contract_analyze;
mod contract_cluster;
mod contract_extract;
mod contract_store;
mod distributed;
mod feeds;
mod story_page;
