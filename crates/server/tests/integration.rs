//! API tests over a real listening socket.
mod api;
mod common;
mod hostile;
