//! fetch: how does storyline get a page or a feed from the web, politely
//! and safely?
//!
//! A blocking HTTP client (ureq) with connect and overall timeouts, a cap on
//! response size, conditional GET (`If-None-Match`, `If-Modified-Since`), at
//! least [`FetchConfig::host_delay`] between two requests to one host, and
//! no requests to private, loopback or link-local addresses unless asked:
//! every address a host resolves to is checked, and the connection is made
//! to those checked addresses only (a resolver hook, so redirects are
//! checked the same way and a second DNS answer cannot differ).

use std::collections::HashMap;
use std::io::Read;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::time::{Duration, Instant};

/// Limits and manners of the fetcher.
#[derive(Debug, Clone)]
pub struct FetchConfig {
    /// Longest wait for a TCP connection. Ten seconds covers slow servers
    /// far away; a dead host should not hold up a poll longer.
    pub connect_timeout: Duration,
    /// Longest a whole request may take, body included.
    pub timeout: Duration,
    /// Largest response body kept, in bytes (news pages and feeds are far
    /// smaller; a runaway response cannot exhaust memory).
    pub max_bytes: u64,
    /// Least time between two requests to one host: one second is the
    /// usual crawler courtesy.
    pub host_delay: Duration,
    /// Fetch from private, loopback and link-local addresses (tests, intranets).
    pub allow_private: bool,
    /// Redirects followed per request.
    pub max_redirects: u32,
    pub user_agent: String,
}

impl Default for FetchConfig {
    fn default() -> Self {
        FetchConfig {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            max_bytes: 16 << 20,
            host_delay: Duration::from_secs(1),
            allow_private: false,
            max_redirects: 5,
            user_agent: concat!("storyline/", env!("CARGO_PKG_VERSION"), " (news feed reader)").to_string(),
        }
    }
}

/// Why a fetch failed.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("{url}: not an http(s) URL")]
    BadUrl { url: String },
    #[error("{url}: refused: {host} resolves to {ip}, a private, loopback or link-local address (pass --allow-private to fetch from it)")]
    PrivateAddress { url: String, host: String, ip: IpAddr },
    #[error("{url}: cannot resolve {host}: {detail}")]
    Resolve { url: String, host: String, detail: String },
    #[error("{url}: HTTP status {status}")]
    Status { url: String, status: u16 },
    #[error("{url}: response larger than the limit of {limit} bytes")]
    TooLarge { url: String, limit: u64 },
    #[error("{url}: {detail}")]
    Transport { url: String, detail: String },
}

/// Validators of a conditional GET, as the server last sent them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// A response: `status` 304 means "not modified" (empty body).
#[derive(Debug, Clone)]
pub struct Fetched {
    pub status: u16,
    /// The URL after redirects.
    pub url: String,
    /// The full `Content-Type` header (charset included).
    pub content_type: Option<String>,
    pub validators: Validators,
    pub body: Vec<u8>,
}

impl Fetched {
    pub fn not_modified(&self) -> bool {
        self.status == 304
    }
}

/// Whether an address is on the public internet: not loopback, private
/// (RFC 1918, unique local), link-local, shared (CGNAT), unspecified,
/// broadcast, multicast or documentation space.
pub fn is_public_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b)) // 100.64.0.0/10 shared address space
                || (a == 192 && b == 0 && v4.octets()[2] == 0) // 192.0.0.0/24 protocol assignments
                || a >= 240) // reserved
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public_ip(IpAddr::V4(v4));
            }
            let seg0 = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (seg0 & 0xfe00) == 0xfc00 // fc00::/7 unique local
                || (seg0 & 0xffc0) == 0xfe80 // fe80::/10 link-local
                || (seg0 & 0xffc0) == 0xfec0 // fec0::/10 site-local (deprecated)
                || seg0 == 0x2001 && v6.segments()[1] == 0x0db8) // documentation
        }
    }
}

/// Resolves `host:port` and checks every address; the addresses to connect to.
fn resolve_checked(netloc: &str, allow_private: bool) -> std::io::Result<Vec<SocketAddr>> {
    let addrs: Vec<SocketAddr> = netloc.to_socket_addrs()?.collect();
    if !allow_private {
        if let Some(bad) = addrs.iter().find(|a| !is_public_ip(a.ip())) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                format!("refused: {netloc} resolves to {}, a private, loopback or link-local address", bad.ip()),
            ));
        }
    }
    if addrs.is_empty() {
        return Err(std::io::Error::new(std::io::ErrorKind::NotFound, format!("{netloc} resolves to no address")));
    }
    Ok(addrs)
}

/// The HTTP client of `storyline watch`. Keeps the time of the last request
/// to each host to keep [`FetchConfig::host_delay`] between them.
pub struct Fetcher {
    agent: ureq::Agent,
    cfg: FetchConfig,
    last_request: HashMap<String, Instant>,
}

impl Fetcher {
    pub fn new(cfg: FetchConfig) -> Self {
        let allow_private = cfg.allow_private;
        let agent = ureq::AgentBuilder::new()
            .timeout_connect(cfg.connect_timeout)
            .timeout(cfg.timeout)
            .redirects(cfg.max_redirects)
            .user_agent(&cfg.user_agent)
            .resolver(move |netloc: &str| resolve_checked(netloc, allow_private))
            .build();
        Fetcher { agent, cfg, last_request: HashMap::new() }
    }

    pub fn config(&self) -> &FetchConfig {
        &self.cfg
    }

    /// GETs `url`, conditionally when `validators` are given. Statuses other
    /// than 2xx and 304 are errors.
    pub fn get(&mut self, url: &str, validators: Option<&Validators>) -> Result<Fetched, FetchError> {
        let parsed = url::Url::parse(url).ok().filter(|u| matches!(u.scheme(), "http" | "https"));
        let Some(parsed) = parsed else { return Err(FetchError::BadUrl { url: url.to_string() }) };
        let host = parsed.host_str().unwrap_or("").to_string();
        let port = parsed.port_or_known_default().unwrap_or(80);
        // Check before waiting or connecting, for a clear error; the
        // resolver hook checks again for the connection itself.
        let host_for_dns = host.trim_start_matches('[').trim_end_matches(']');
        match (host_for_dns, port).to_socket_addrs() {
            Ok(addrs) => {
                if !self.cfg.allow_private {
                    if let Some(bad) = addrs.into_iter().find(|a| !is_public_ip(a.ip())) {
                        return Err(FetchError::PrivateAddress { url: url.to_string(), host, ip: bad.ip() });
                    }
                }
            }
            Err(e) => return Err(FetchError::Resolve { url: url.to_string(), host, detail: e.to_string() }),
        }
        self.wait_for_host(&host);
        let mut req = self.agent.get(url).set("Accept", "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/html;q=0.9, */*;q=0.5");
        if let Some(v) = validators {
            if let Some(etag) = &v.etag {
                req = req.set("If-None-Match", etag);
            }
            if let Some(lm) = &v.last_modified {
                req = req.set("If-Modified-Since", lm);
            }
        }
        let result = req.call();
        self.last_request.insert(host, Instant::now());
        let resp = match result {
            Ok(r) => r,
            Err(ureq::Error::Status(status, _)) => return Err(FetchError::Status { url: url.to_string(), status }),
            Err(ureq::Error::Transport(t)) => {
                return Err(FetchError::Transport { url: url.to_string(), detail: t.to_string() })
            }
        };
        let status = resp.status();
        let final_url = resp.get_url().to_string();
        let content_type = resp.header("content-type").map(str::to_string);
        let validators = Validators {
            etag: resp.header("etag").map(str::to_string),
            last_modified: resp.header("last-modified").map(str::to_string),
        };
        if status != 304 && !(200..300).contains(&status) {
            return Err(FetchError::Status { url: url.to_string(), status });
        }
        let mut body = Vec::new();
        if status != 304 {
            let limit = self.cfg.max_bytes;
            resp.into_reader().take(limit + 1).read_to_end(&mut body).map_err(|e| FetchError::Transport {
                url: url.to_string(),
                detail: format!("reading the response: {e}"),
            })?;
            if body.len() as u64 > limit {
                return Err(FetchError::TooLarge { url: url.to_string(), limit });
            }
        }
        Ok(Fetched { status, url: final_url, content_type, validators, body })
    }

    /// Sleeps until `host_delay` has passed since the last request to `host`.
    fn wait_for_host(&self, host: &str) {
        if let Some(last) = self.last_request.get(host) {
            let since = last.elapsed();
            if since < self.cfg.host_delay {
                std::thread::sleep(self.cfg.host_delay - since);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_and_private_addresses() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::",
        ] {
            assert!(!is_public_ip(private.parse().unwrap()), "{private} should not be public");
        }
        for public in ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "172.32.0.1", "100.128.0.1"] {
            assert!(is_public_ip(public.parse().unwrap()), "{public} should be public");
        }
    }

    #[test]
    fn loopback_is_refused_before_connecting() {
        let mut f = Fetcher::new(FetchConfig::default());
        let err = f.get("http://127.0.0.1:9/feed.xml", None).unwrap_err();
        assert!(matches!(err, FetchError::PrivateAddress { .. }), "{err}");
        let err = f.get("http://localhost:9/feed.xml", None).unwrap_err();
        assert!(matches!(err, FetchError::PrivateAddress { .. }), "{err}");
        assert!(matches!(f.get("ftp://example.com/x", None), Err(FetchError::BadUrl { .. })));
    }

    #[test]
    fn resolver_hook_refuses_private_addresses() {
        assert!(resolve_checked("127.0.0.1:80", false).is_err());
        assert_eq!(resolve_checked("127.0.0.1:80", true).unwrap().len(), 1);
    }
}
