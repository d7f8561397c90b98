//! config: the pipeline's configuration as every front end builds it, so
//! that `ingest`, `cluster`, `serve`, `watch` and the distributed workers
//! decide under the same settings.

use storyline_core::PipelineConfig;

use crate::PipelineError;

/// Sets the window, in days, that events and possible originals stay in
/// memory after the latest publication date seen (`none`: no window, the
/// whole archive in memory, as before it had one).
pub const WINDOW_DAYS_ENV: &str = "STORYLINE_WINDOW_DAYS";

/// [`PipelineConfig::default`], with the window of [`WINDOW_DAYS_ENV`]
/// when it is set.
pub fn pipeline_config() -> Result<PipelineConfig, PipelineError> {
    let cfg = PipelineConfig::default();
    match std::env::var(WINDOW_DAYS_ENV) {
        Err(_) => Ok(cfg),
        Ok(v) => Ok(cfg.with_window_days(parse_window_days(&v)?)),
    }
}

fn parse_window_days(v: &str) -> Result<Option<u32>, PipelineError> {
    let v = v.trim();
    if v.eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    match v.parse::<u32>() {
        Ok(d) if d > 0 => Ok(Some(d)),
        _ => Err(PipelineError::Usage(format!(
            "{WINDOW_DAYS_ENV} must be a number of days above 0 or 'none', got {v:?}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_days_are_days_or_none() {
        assert_eq!(parse_window_days(" 90 ").unwrap(), Some(90));
        assert_eq!(parse_window_days("None").unwrap(), None);
        for bad in ["0", "-3", "ninety", ""] {
            let e = parse_window_days(bad).unwrap_err().to_string();
            assert!(e.contains(WINDOW_DAYS_ENV), "{e}");
        }
    }
}
