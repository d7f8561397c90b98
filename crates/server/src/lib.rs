//! # storyline-server
//!
//! storyline as a service: a JSON API under `/api/` (described by OpenAPI 3
//! at `/api/openapi.json`, Swagger UI at `/api/docs`, both served from the
//! binary) and the web UI at `/`, over one SQLite store and its search
//! index.
//!
//! ## Data flow
//!
//! ```text
//! HTTP --axum router--> routes handler --spawn_blocking--> AnyStore (pooled: SQLite or PostgreSQL)
//!                                                      \-> SearchIndex (tantivy)
//! POST /api/articles --check token--> storyline_pipeline::ingest::parse_articles
//!                                   --> storyline_pipeline::ingest::ingest
//!                                       (the engine the CLI runs: process,
//!                                        dedup, cluster, store, index)
//! GET /, /app.js, ... --> ui (rust-embed)
//! ```
//!
//! The story list and story views are cached as JSON per store version
//! ([`cache`]); a story page polls `GET /api/stories/{id}/version` (the
//! story's article count) and refetches the view when it changes.
//!
//! Every error is `{"error": {"message", "code", "type"}}` with its status
//! from one table ([`error::Code`]). Every response carries a strict
//! Content-Security-Policy; the UI renders article text as text only.
//!
//! ## Example
//!
//! ```no_run
//! # async fn run() -> anyhow::Result<()> {
//! let cfg = storyline_server::ServeConfig::new("127.0.0.1:8080".parse()?, "storyline.db".into());
//! storyline_server::serve(cfg).await
//! # }
//! ```

#![deny(missing_docs)]

pub mod cache;
pub mod error;
mod routes;
mod state;
mod ui;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

pub use error::{ApiError, Code};
pub use routes::ApiDoc;
pub use state::{AppState, OpenError};

/// Largest request body, in bytes: a JSONL batch of a few hundred articles.
/// Larger batches belong to `storyline ingest`.
pub const DEFAULT_MAX_BODY_BYTES: usize = 16 << 20;
/// Longest a request may take, in seconds. Reads take milliseconds; a POST
/// of a large batch runs the whole pipeline and may take seconds.
pub const DEFAULT_REQUEST_TIMEOUT_SECS: u64 = 60;

/// The page's policy: only this server's own scripts, styles and images,
/// no inline script, no plugins, no framing.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
/// Swagger UI (vendored, served from the binary) sets inline styles.
const CSP_DOCS: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/// How often a server checks whether its search index is behind the store
/// (other processes ingest, or one was killed): new articles are
/// searchable within this time; the check is one COUNT(*).
const INDEX_REFRESH: Duration = Duration::from_secs(5);

/// How to run the server.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// Address to listen on.
    pub addr: SocketAddr,
    /// The SQLite store (created if missing; its index is `<db>.index/`) or
    /// a `postgres://` URL (the index is then a temporary per-process cache).
    pub db: PathBuf,
    /// Bearer token for `POST /api/articles`; without one, writes are refused.
    pub token: Option<String>,
    /// Require the token on read endpoints too.
    pub protect_reads: bool,
    /// Largest request body, in bytes (`POST /api/articles`).
    pub max_body_bytes: usize,
    /// Longest a request may take before it is answered with a `timeout` error (503).
    pub request_timeout: Duration,
}

impl ServeConfig {
    /// A config for `addr` and `db` with the defaults: no token, open reads.
    pub fn new(addr: SocketAddr, db: PathBuf) -> Self {
        ServeConfig {
            addr,
            db,
            token: None,
            protect_reads: false,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            request_timeout: Duration::from_secs(DEFAULT_REQUEST_TIMEOUT_SECS),
        }
    }
}

/// Router options beyond the state.
#[derive(Debug, Clone, Copy)]
pub struct RouterOptions {
    /// Require the bearer token on read endpoints too.
    pub protect_reads: bool,
    /// Largest request body, in bytes.
    pub max_body_bytes: usize,
    /// Longest a request may take before it is answered with a `timeout` error (503).
    pub request_timeout: Duration,
}

impl Default for RouterOptions {
    fn default() -> Self {
        RouterOptions {
            protect_reads: false,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            request_timeout: Duration::from_secs(DEFAULT_REQUEST_TIMEOUT_SECS),
        }
    }
}

async fn timeout(State(limit): State<Duration>, req: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(resp) => resp,
        Err(_) => ApiError::new(
            Code::Timeout,
            format!("the request took longer than {} s; narrow it or retry", limit.as_secs()),
        )
        .into_response(),
    }
}

async fn reads_need_token(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let open = path == "/healthz" || req.method() == axum::http::Method::POST;
    if !open {
        if let Err(e) = routes::auth::check_token(&state, req.headers()) {
            return e.into_response();
        }
    }
    next.run(req).await
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(Code::MethodNotAllowed, "this route does not take that method")
}

/// The whole application; `serve` binds it, tests can too.
pub fn router(state: AppState) -> Router {
    router_with(state, RouterOptions::default())
}

/// The application with these options: API, UI, auth, body limit and timeout.
pub fn router_with(state: AppState, opts: RouterOptions) -> Router {
    let api = Router::new()
        .route("/healthz", get(routes::health))
        .route("/api/stories", get(routes::stories::list_stories))
        .route("/api/stories/{id}", get(routes::stories::get_story))
        .route("/api/stories/{id}/version", get(routes::stories::story_version))
        .route("/api/events/{id}", get(routes::events::get_event))
        .route("/api/articles", post(routes::articles::post_articles))
        .route("/api/articles/{id}", get(routes::articles::get_article))
        .route("/api/search", get(routes::search::search))
        .route("/api/entities", get(routes::entities::entities))
        .route("/", get(ui::asset))
        .fallback(ui::asset)
        .method_not_allowed_fallback(method_not_allowed);
    let api = if opts.protect_reads {
        api.layer(middleware::from_fn_with_state(state.clone(), reads_need_token))
    } else {
        api
    };
    let docs = Router::<AppState>::new()
        .merge(SwaggerUi::new("/api/docs").url("/api/openapi.json", ApiDoc::openapi()))
        .layer(SetResponseHeaderLayer::overriding(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP_DOCS)));
    api.merge(docs)
        .layer(DefaultBodyLimit::max(opts.max_body_bytes))
        .layer(middleware::from_fn_with_state(opts.request_timeout, timeout))
        .layer(SetResponseHeaderLayer::if_not_present(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP)))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}

/// Resolves when the process is asked to stop (Ctrl-C, or SIGTERM on Unix).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

/// Opens the store and index, binds `cfg.addr`, and serves until Ctrl-C or
/// SIGTERM; requests in flight finish before it returns.
pub async fn serve(cfg: ServeConfig) -> anyhow::Result<()> {
    let db = cfg.db.clone();
    let (token, max_body) = (cfg.token.clone(), cfg.max_body_bytes);
    let state = tokio::task::spawn_blocking(move || AppState::open(&db, token, max_body)).await??;
    {
        // Other processes (workers, servers, `storyline ingest`) write the
        // store: keep the search index in step, and repair it after an
        // ingest that was killed between its store and index commits.
        let st = state.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(INDEX_REFRESH).await;
                let s = st.clone();
                if let Ok(Err(e)) = tokio::task::spawn_blocking(move || s.refresh_index()).await {
                    tracing::warn!(error = %e.message, "refreshing the search index failed");
                }
            }
        });
    }
    let opts = RouterOptions {
        protect_reads: cfg.protect_reads,
        max_body_bytes: cfg.max_body_bytes,
        request_timeout: cfg.request_timeout,
    };
    let listener = tokio::net::TcpListener::bind(cfg.addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", cfg.addr))?;
    eprintln!(
        "storyline serving {} on http://{} (API docs at /api/docs)",
        storyline_store::redact_url(&cfg.db.to_string_lossy()),
        listener.local_addr()?
    );
    if cfg.token.is_none() {
        eprintln!("note: no --token given, so POST /api/articles is refused");
    }
    axum::serve(listener, router_with(state, opts)).with_graceful_shutdown(shutdown_signal()).await?;
    eprintln!("storyline server stopped");
    Ok(())
}
