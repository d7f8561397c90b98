//! url: when are two article addresses the same page?
//!
//! One article reaches storyline under many addresses: `HTTPS://Example.com:443/a?utm_source=x#top`
//! and `https://example.com/a` are the same page. Readers normalise every
//! article URL with [`normalize_url`] so that the store's identity (which
//! includes the URL) and URL-derived ids see one address per page.
//!
//! Pure string work (the `url` crate's WHATWG parser), no I/O.
//!
//! ```
//! use storyline_core::url::normalize_url;
//! assert_eq!(
//!     normalize_url("HTTPS://News.Example.com:443/a/b?utm_source=rss&z=2&a=1#comments"),
//!     "https://news.example.com/a/b?a=1&z=2"
//! );
//! ```

use ::url::Url;

/// Query parameters that say how a reader arrived, not which page it is.
/// Matched case-insensitively on the decoded name; `utm_*` as a prefix.
#[rustfmt::skip]
pub const TRACKING_PARAMS: &[&str] = &[
    "fbclid", "gclid", "gclsrc", "dclid", "msclkid", "yclid", "twclid", "igshid", "mc_cid", "mc_eid", "ref",
    "ref_src", "ref_url", "referrer", "cmpid", "cmp", "ito", "ncid", "ocid", "sr_share", "share", "smid", "smtyp",
    "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id", "wt_mc", "wt.mc_id",
    "__twitter_impression", "at_medium", "at_campaign",
];

/// Prefixes of tracking parameter names (`utm_source`, `utm_medium`, ...).
pub const TRACKING_PREFIXES: &[&str] = &["utm_", "pk_", "mtm_", "hmb_"];

/// Whether a query parameter name is a tracking parameter.
pub fn is_tracking_param(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    TRACKING_PARAMS.contains(&lower.as_str()) || TRACKING_PREFIXES.iter().any(|p| lower.starts_with(p))
}

/// The canonical form of an article address: scheme and host lower-cased,
/// default port dropped, fragment dropped, tracking parameters dropped,
/// remaining query parameters sorted (by name, then value; their encoding is
/// kept as given). Anything that is not an absolute `http`/`https` URL is
/// returned trimmed and otherwise unchanged: it is not ours to guess at.
pub fn normalize_url(raw: &str) -> String {
    let trimmed = raw.trim();
    let Ok(mut url) = Url::parse(trimmed) else { return trimmed.to_string() };
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return trimmed.to_string();
    }
    url.set_fragment(None);
    if let Some(query) = url.query() {
        let mut pairs: Vec<&str> = query
            .split('&')
            .filter(|p| !p.is_empty())
            .filter(|p| {
                let name = p.split_once('=').map_or(*p, |(n, _)| n);
                let decoded: String =
                    ::url::form_urlencoded::parse(name.as_bytes()).map(|(k, _)| k.into_owned()).collect();
                !is_tracking_param(&decoded)
            })
            .collect();
        pairs.sort_by(|a, b| {
            let split = |p: &str| -> (String, String) {
                let (n, v) = p.split_once('=').unwrap_or((p, ""));
                (n.to_string(), v.to_string())
            };
            split(a).cmp(&split(b))
        });
        pairs.dedup();
        let joined = pairs.join("&");
        url.set_query(if joined.is_empty() { None } else { Some(&joined) });
    }
    // `Url` already lower-cases scheme and host (and punycodes IDN hosts)
    // and drops the scheme's default port when parsing.
    url.to_string()
}

/// The host of an absolute URL, lower-cased, without a leading `www.`: the
/// outlet name of last resort for pages that do not name their site.
pub fn outlet_from_url(raw: &str) -> Option<String> {
    let url = Url::parse(raw.trim()).ok()?;
    let host = url.host_str()?.to_ascii_lowercase();
    let host = host.strip_prefix("www.").map(str::to_string).unwrap_or(host);
    (!host.is_empty()).then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_cases_scheme_and_host_but_not_path() {
        assert_eq!(normalize_url("HTTP://WWW.Example.COM/News/Story"), "http://www.example.com/News/Story");
    }

    #[test]
    fn drops_default_ports_only() {
        assert_eq!(normalize_url("https://example.com:443/a"), "https://example.com/a");
        assert_eq!(normalize_url("http://example.com:80/a"), "http://example.com/a");
        assert_eq!(normalize_url("http://example.com:8080/a"), "http://example.com:8080/a");
        assert_eq!(normalize_url("https://example.com:80/a"), "https://example.com:80/a");
    }

    #[test]
    fn drops_fragment() {
        assert_eq!(normalize_url("https://example.com/a#comments"), "https://example.com/a");
        assert_eq!(normalize_url("https://example.com/a?x=1#"), "https://example.com/a?x=1");
    }

    #[test]
    fn drops_tracking_parameters() {
        let u = "https://example.com/a?utm_source=rss&utm_MEDIUM=feed&fbclid=IwAR&gclid=x&mc_cid=1&mc_eid=2&ref=home&cmpid=9&id=42";
        assert_eq!(normalize_url(u), "https://example.com/a?id=42");
        assert_eq!(normalize_url("https://example.com/a?utm_source=x"), "https://example.com/a");
        assert_eq!(normalize_url("https://example.com/a?"), "https://example.com/a");
    }

    #[test]
    fn sorts_remaining_parameters_stably() {
        assert_eq!(normalize_url("https://example.com/a?z=1&b=2&a=3&b=1"), "https://example.com/a?a=3&b=1&b=2&z=1");
        assert_eq!(normalize_url("https://example.com/a?q=a%20b&p"), "https://example.com/a?p&q=a%20b");
    }

    #[test]
    fn same_page_same_address() {
        let a = normalize_url("HTTPS://News.Example.com:443/2025/talks?utm_campaign=x&page=2#top");
        let b = normalize_url("https://news.example.com/2025/talks?page=2&fbclid=abc");
        assert_eq!(a, b);
    }

    #[test]
    fn non_http_and_garbage_pass_through_trimmed() {
        assert_eq!(normalize_url("  not a url "), "not a url");
        assert_eq!(normalize_url("mailto:desk@example.com"), "mailto:desk@example.com");
        assert_eq!(normalize_url("/relative/path?utm_source=x"), "/relative/path?utm_source=x");
        assert_eq!(normalize_url(""), "");
    }

    #[test]
    fn idempotent() {
        for u in ["https://example.com/a?b=2&a=1", "http://x.org/", "https://münchen.example/ä?ß=1"] {
            let once = normalize_url(u);
            assert_eq!(normalize_url(&once), once);
        }
    }

    #[test]
    fn outlet_is_host_without_www() {
        assert_eq!(outlet_from_url("https://WWW.Example.com/a").as_deref(), Some("example.com"));
        assert_eq!(outlet_from_url("https://news.example.co.uk:8443/a").as_deref(), Some("news.example.co.uk"));
        assert_eq!(outlet_from_url("nonsense"), None);
    }
}
