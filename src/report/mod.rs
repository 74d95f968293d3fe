//! Report writers over `impl Write`: a coloured human report, JSON and SARIF 2.1.0.
//!
//! Writers know nothing of git or regexes: they print findings and a summary they are handed.
//! Secrets are redacted unless the options say otherwise.

pub mod gate;
pub mod human;
pub mod json;
pub mod message;
pub mod progress;
pub mod sarif;

use std::io::{self, Write};

pub use crate::pipeline::summary::{HistoryCounts, Report, Summary};
use crate::rules::pattern::Pattern;

/// The output format of a report.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Coloured text for people.
    #[default]
    Human,
    /// A documented, versioned JSON document.
    Json,
    /// SARIF 2.1.0, as GitHub code scanning accepts it.
    Sarif,
}

/// What a report writer needs beyond findings.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// Print secrets in full.
    pub show_secrets: bool,
    /// Only findings, no summary.
    pub quiet: bool,
    /// Also counts and timings.
    pub verbose: bool,
}

/// Writes `report` in `format` to `out`.
pub fn write(
    format: Format,
    out: &mut dyn Write,
    report: &Report,
    patterns: &[Pattern],
    opts: Options,
) -> io::Result<()> {
    match format {
        Format::Human => human::write(out, report, opts),
        Format::Json => json::write(out, report, opts),
        Format::Sarif => sarif::write(out, report, patterns, opts),
    }
}

/// A byte count for people: `1.2 MB`.
#[must_use]
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1000.0 && u < UNITS.len() - 1 {
        v /= 1000.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

/// Writes the report to stdout in `format` and returns the exit code it maps to. A closed
/// pipe (`pyguard scan | head`) is not an error.
pub fn emit(
    report: &Report,
    patterns: &[Pattern],
    format: Format,
    opts: Options,
) -> anyhow::Result<u8> {
    use anyhow::Context as _;
    let mut stdout = anstream::stdout().lock();
    let written = write(format, &mut stdout, report, patterns, opts).and_then(|()| stdout.flush());
    match written {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
        other => other.context("failed to write the report")?,
    }
    Ok(report.exit_code())
}
