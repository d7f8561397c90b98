//! TEMPORARY STUB so the crate compiles; the HTML helper owns this file and
//! replaces it entirely (overwrite freely).
#[derive(Debug, Default, Clone)]
pub struct HtmlArticle { pub title: Option<String>, pub text: String, pub published: Option<String>, pub modified: Option<String>, pub authors: Vec<String>, pub site_name: Option<String>, pub language: Option<String>, pub canonical_url: Option<String>, pub description: Option<String> }
#[derive(Debug, thiserror::Error)]
pub enum HtmlError { #[error("no main text")] NoMainText }
pub fn extract_html(html: &str, _url: Option<&str>) -> Result<HtmlArticle, HtmlError> {
    let re = regex::Regex::new(r"(?s)<script.*?</script>|<style.*?</style>|<[^>]+>").unwrap();
    let text = re.replace_all(html, "\n").split('\n').map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n\n");
    if text.is_empty() { return Err(HtmlError::NoMainText) }
    Ok(HtmlArticle { text, ..Default::default() })
}
pub fn decode_html_bytes(bytes: &[u8], _ct: Option<&str>) -> String { String::from_utf8_lossy(bytes).into_owned() }
