//! The rule layer: the pattern format and its loading, validators, and the placeholder and
//! entropy models that judge a candidate value. Rules are data and pure functions; they know
//! nothing of files, git, scanning or reports.

pub mod entropy;
pub mod keyname;
pub mod literal;
pub mod pattern;
pub mod placeholder;
pub mod testcode;
pub mod validate;

/// A YAML error as one line: message and, when known, line and column (for pattern files and
/// the embedded data tables).
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
