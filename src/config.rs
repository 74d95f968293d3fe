//! Turns command-line flags (and, later, the configuration file) into one validated [`Config`].
//!
//! Nothing outside this module reads flags; the rest of the crate sees only `Config`.

/// Default size above which files are skipped (and reported as skipped): 10 MB.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

/// Settings every scanning command shares.
#[derive(Clone, Debug)]
pub struct Config {
    /// Files larger than this are skipped and reported.
    pub max_file_size: u64,
    /// Print secrets in full instead of redacted.
    pub show_secrets: bool,
    /// Worker threads (0: one per core).
    pub threads: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            show_secrets: false,
            threads: 0,
        }
    }
}

/// The day Python end of life is judged against: `--today`, else the `PYGUARD_TODAY`
/// environment variable (`YYYY-MM-DD`), else `None` for today.
pub fn scan_date(flag: Option<i64>) -> anyhow::Result<Option<i64>> {
    if flag.is_some() {
        return Ok(flag);
    }
    match std::env::var("PYGUARD_TODAY") {
        Ok(v) if !v.trim().is_empty() => crate::matcher::eol::parse_day(&v)
            .map(Some)
            .map_err(|e| anyhow::anyhow!("PYGUARD_TODAY: {e}")),
        _ => Ok(None),
    }
}

/// A YAML error as one line: message and, when known, line and column.
#[must_use]
pub fn yaml_error(err: &serde_saphyr::Error) -> String {
    let msg = err.to_string();
    let first = msg
        .lines()
        .next()
        .unwrap_or("invalid YAML")
        .trim()
        .to_string();
    match err.location() {
        Some(loc) if !first.contains("line") => {
            format!("line {}, column {}: {first}", loc.line(), loc.column())
        }
        _ => first,
    }
}

/// Parses a size such as `10MB`, `512k`, `1048576` or `2 GiB` into bytes.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: u64 = num.parse().map_err(|_| {
        format!("invalid size {text:?}: expected a number with an optional unit (KB, MB, GB)")
    })?;
    let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        other => {
            return Err(format!(
                "invalid size unit {other:?} in {text:?} (use KB, MB or GB)"
            ))
        }
    };
    n.checked_mul(mult)
        .ok_or_else(|| format!("size {text:?} is too large"))
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("10MB"), Ok(10 << 20));
        assert_eq!(parse_size("512k"), Ok(512 << 10));
        assert_eq!(parse_size("42"), Ok(42));
        assert_eq!(parse_size("2 GiB"), Ok(2 << 30));
        assert!(parse_size("ten").is_err());
        assert!(parse_size("5 parsecs").is_err());
    }
}
