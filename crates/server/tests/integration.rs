//! API tests over a real listening socket.
mod common;
mod api;
