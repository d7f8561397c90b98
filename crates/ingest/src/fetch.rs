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
    /// The `User-Agent` sent, so a site can tell who is fetching.
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
    /// The URL is not `http://` or `https://`.
    BadUrl {
        /// The URL asked for.
        url: String,
    },
    #[error("{url}: refused: {host} resolves to {ip}, a private, loopback or link-local address (pass --allow-private to fetch from it)")]
    /// The host resolves to an address a URL argument must not reach.
    PrivateAddress {
        /// The URL asked for.
        url: String,
        /// Its host.
        host: String,
        /// The address the host resolved to.
        ip: IpAddr,
    },
    #[error("{url}: cannot resolve {host}: {detail}")]
    /// The host name could not be resolved.
    Resolve {
        /// The URL asked for.
        url: String,
        /// Its host.
        host: String,
        /// The resolver's message.
        detail: String,
    },
    #[error("{url}: HTTP status {status}")]
    /// The server answered with a status other than 2xx or 304.
    Status {
        /// The URL asked for.
        url: String,
        /// The status code answered.
        status: u16,
    },
    #[error("{url}: response larger than the limit of {limit} bytes")]
    /// The body exceeded [`FetchConfig::max_bytes`].
    TooLarge {
        /// The URL asked for.
        url: String,
        /// The limit, in bytes.
        limit: u64,
    },
    #[error("{url}: {detail}")]
    /// Connection, TLS or read failure, or a timeout.
    Transport {
        /// The URL asked for.
        url: String,
        /// The HTTP client's message.
        detail: String,
    },
    #[error("{url}: redirected to {location}, not an http(s) URL with a host")]
    /// A redirect to somewhere that is not an http(s) URL with a host.
    BadRedirect {
        /// The URL asked for.
        url: String,
        /// Where the redirect pointed.
        location: String,
    },
    #[error("{url}: more than {limit} redirects")]
    /// A redirect chain longer than the fetcher follows.
    TooManyRedirects {
        /// The URL asked for.
        url: String,
        /// Redirects followed before giving up.
        limit: u32,
    },
}

/// Validators of a conditional GET, as the server last sent them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    /// The `ETag` header, sent back as `If-None-Match`.
    pub etag: Option<String>,
    /// The `Last-Modified` header, sent back as `If-Modified-Since`.
    pub last_modified: Option<String>,
}

/// A response: `status` 304 means "not modified" (empty body).
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The HTTP status (2xx, or 304 for not modified).
    pub status: u16,
    /// The URL after redirects.
    pub url: String,
    /// The full `Content-Type` header (charset included).
    pub content_type: Option<String>,
    /// The validators to send with the next conditional GET.
    pub validators: Validators,
    /// The body, at most [`FetchConfig::max_bytes`] (empty on 304).
    pub body: Vec<u8>,
}

impl Fetched {
    /// True when the server answered 304: nothing changed since the validators.
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
            if let Some(v4) = embedded_ipv4(v6) {
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

/// The IPv4 address an IPv6 address stands for, where one reaches it: a
/// request to `[::ffff:127.0.0.1]`, `[::127.0.0.1]`, `[64:ff9b::7f00:1]` or
/// `[2002:7f00:1::]` can end at 127.0.0.1, so the guard judges that address.
fn embedded_ipv4(v6: std::net::Ipv6Addr) -> Option<std::net::Ipv4Addr> {
    use std::net::Ipv4Addr;
    let s = v6.segments();
    let low32 = || Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    match s {
        // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible, deprecated but
        // still routed by some stacks); `::` and `::1` land on 0.0.0.x,
        // which is not public either.
        [0, 0, 0, 0, 0, 0xffff, ..] | [0, 0, 0, 0, 0, 0, ..] => Some(low32()),
        // NAT64: 64:ff9b::/96 (well-known) and 64:ff9b:1::/48 (local use).
        [0x64, 0xff9b, 0, 0, 0, 0, ..] => Some(low32()),
        [0x64, 0xff9b, 1, ..] => Some(Ipv4Addr::UNSPECIFIED),
        // 6to4: 2002:AABB:CCDD::/48 carries AA.BB.CC.DD.
        [0x2002, hi, lo, ..] => Some(Ipv4Addr::new((hi >> 8) as u8, hi as u8, (lo >> 8) as u8, lo as u8)),
        // Teredo 2001:0::/32: the server's address in clear, the client's
        // inverted; private if either is.
        [0x2001, 0, hi, lo, ..] => {
            let server = Ipv4Addr::new((hi >> 8) as u8, hi as u8, (lo >> 8) as u8, lo as u8);
            let client = !u32::from(low32());
            [server, Ipv4Addr::from(client)].into_iter().find(|a| !is_public_ip(IpAddr::V4(*a))).or(Some(server))
        }
        _ => None,
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
    /// A fetcher with these limits and no host visited yet.
    pub fn new(cfg: FetchConfig) -> Self {
        let allow_private = cfg.allow_private;
        let agent = ureq::AgentBuilder::new()
            .timeout_connect(cfg.connect_timeout)
            .timeout(cfg.timeout)
            // Redirects are followed by `get`, which checks each target.
            .redirects(0)
            .user_agent(&cfg.user_agent)
            .resolver(move |netloc: &str| resolve_checked(netloc, allow_private))
            .build();
        Fetcher { agent, cfg, last_request: HashMap::new() }
    }

    /// The limits this fetcher was made with.
    pub fn config(&self) -> &FetchConfig {
        &self.cfg
    }

    /// GETs `url`, conditionally when `validators` are given. Statuses other
    /// than 2xx and 304 are errors. Redirects are followed here, not by the
    /// HTTP client, so that each `Location` is checked like the first URL
    /// (scheme, host, address guard): a `Location: data:...` or one without
    /// a host is a [`FetchError::BadRedirect`] for this URL, never a crash.
    pub fn get(&mut self, url: &str, validators: Option<&Validators>) -> Result<Fetched, FetchError> {
        let mut current = self.check_target(url, url)?;
        let mut hops = 0;
        loop {
            let host = current.host_str().unwrap_or("").to_string();
            if hops == 0 {
                self.wait_for_host(&host);
            }
            let mut req = self.agent.get(current.as_str()).set("Accept", "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/html;q=0.9, */*;q=0.5");
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
            if (300..400).contains(&status) && status != 304 {
                let bad =
                    |location: &str| FetchError::BadRedirect { url: url.to_string(), location: location.to_string() };
                let Some(location) = resp.header("location").map(str::to_string) else {
                    return Err(bad("(no Location header)"));
                };
                hops += 1;
                if hops > self.cfg.max_redirects {
                    return Err(FetchError::TooManyRedirects { url: url.to_string(), limit: self.cfg.max_redirects });
                }
                let next = current.join(location.trim()).map_err(|_| bad(&location))?;
                current = self.check_target(next.as_str(), url).map_err(|e| match e {
                    FetchError::BadUrl { .. } => bad(&location),
                    other => other,
                })?;
                continue;
            }
            return self.finish(resp, status, current.as_str(), url);
        }
    }

    /// Parses and checks one URL to request (the one asked for, or a
    /// redirect's target): http(s), a host, and a public address unless
    /// private ones are allowed. Errors name `asked`, the URL the caller gave.
    fn check_target(&self, target: &str, asked: &str) -> Result<url::Url, FetchError> {
        let parsed = url::Url::parse(target)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| !h.is_empty()));
        let Some(parsed) = parsed else { return Err(FetchError::BadUrl { url: target.to_string() }) };
        let host = parsed.host_str().unwrap_or("").to_string();
        let port = parsed.port_or_known_default().unwrap_or(80);
        // Check before waiting or connecting, for a clear error; the
        // resolver hook checks again for the connection itself.
        let host_for_dns = host.trim_start_matches('[').trim_end_matches(']');
        match (host_for_dns, port).to_socket_addrs() {
            Ok(addrs) => {
                if !self.cfg.allow_private {
                    if let Some(bad) = addrs.into_iter().find(|a| !is_public_ip(a.ip())) {
                        return Err(FetchError::PrivateAddress { url: asked.to_string(), host, ip: bad.ip() });
                    }
                }
            }
            Err(e) => return Err(FetchError::Resolve { url: asked.to_string(), host, detail: e.to_string() }),
        }
        Ok(parsed)
    }

    /// The response of the last hop: validators, type and bounded body.
    fn finish(&self, resp: ureq::Response, status: u16, final_url: &str, url: &str) -> Result<Fetched, FetchError> {
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
        Ok(Fetched { status, url: final_url.to_string(), content_type, validators, body })
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
            // IPv4-compatible, NAT64, 6to4 and Teredo forms of private IPv4
            "::127.0.0.1",
            "::10.0.0.1",
            "64:ff9b::7f00:1",
            "64:ff9b::a00:1",
            "64:ff9b:1::1",
            "2002:7f00:1::",
            "2002:c0a8:101::1",
            "2001:0:7f00:1::",
            "2001:0:4136:e378:8000:63bf:80ff:fffe",
        ] {
            assert!(!is_public_ip(private.parse().unwrap()), "{private} should not be public");
        }
        for public in [
            "93.184.216.34",
            "8.8.8.8",
            "2606:4700::1111",
            "172.32.0.1",
            "100.128.0.1",
            "64:ff9b::808:808",
            "2002:808:808::1",
            "::ffff:8.8.8.8",
        ] {
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

    /// A one-connection-at-a-time HTTP server on a loopback port answering
    /// each request with the next of `responses`; the address to fetch.
    fn serve(responses: Vec<String>) -> std::net::SocketAddr {
        use std::io::Write;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            for (resp, stream) in responses.into_iter().zip(listener.incoming()) {
                let Ok(mut stream) = stream else { return };
                let mut buf = [0u8; 4096];
                let mut got = Vec::new();
                while !got.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => got.extend_from_slice(&buf[..n]),
                    }
                }
                let _ = stream.write_all(resp.as_bytes());
            }
        });
        addr
    }

    fn redirect(location: &str) -> String {
        format!("HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
    }

    fn local_fetcher() -> Fetcher {
        Fetcher::new(FetchConfig { allow_private: true, host_delay: Duration::ZERO, ..FetchConfig::default() })
    }

    /// Issue 21: `302 Location: data:text/html,x` panicked inside ureq and
    /// took `storyline watch` down; now it is an error for that URL.
    #[test]
    fn redirect_to_a_url_without_a_host_is_an_error_not_a_panic() {
        for location in ["data:text/html,x", "file:///etc/passwd", "http://", "mailto:a@b.c"] {
            let addr = serve(vec![redirect(location)]);
            let url = format!("http://{addr}/item");
            let err = local_fetcher().get(&url, None).unwrap_err();
            assert!(matches!(err, FetchError::BadRedirect { .. }), "{location}: {err}");
            assert!(err.to_string().contains(&url), "{err}");
        }
    }

    #[test]
    fn relative_redirects_are_followed_and_loops_stop() {
        let ok = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello";
        let addr = serve(vec![redirect("/next"), ok.to_string()]);
        let got = local_fetcher().get(&format!("http://{addr}/first"), None).unwrap();
        assert_eq!(got.body, b"hello");
        assert_eq!(got.url, format!("http://{addr}/next"));
        let addr = serve(vec![redirect("/again"); 8]);
        let err = local_fetcher().get(&format!("http://{addr}/loop"), None).unwrap_err();
        assert!(matches!(err, FetchError::TooManyRedirects { limit: 5, .. }), "{err}");
    }

    /// A redirect's target passes the same address guard as the first URL.
    #[test]
    fn redirect_targets_are_checked_against_the_address_guard() {
        let f = Fetcher::new(FetchConfig::default());
        let err = f.check_target("http://[::127.0.0.1]:9/x", "http://example.com/feed").unwrap_err();
        assert!(matches!(err, FetchError::PrivateAddress { .. }), "{err}");
        assert!(err.to_string().starts_with("http://example.com/feed"), "{err}");
    }
}
