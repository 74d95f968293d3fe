//! Report writers over `impl Write`: a coloured human report, JSON and SARIF 2.1.0.
//!
//! Writers know nothing of git or regexes: they print findings and a summary they are handed.
//! Secrets are redacted unless the options say otherwise.

pub mod human;
pub mod json;
pub mod sarif;

use std::io::{self, Write};
use std::time::Duration;

use crate::pipeline::finding::Finding;
use crate::pipeline::suppress::Suppressed;
use crate::rules::pattern::{Pattern, Severity};

/// The output format of a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Coloured text for people.
    Human,
    /// A documented, versioned JSON document.
    Json,
    /// SARIF 2.1.0, as GitHub code scanning accepts it.
    Sarif,
}

/// Counts and problems gathered while scanning.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    /// Files (or blobs) scanned.
    pub files_scanned: u64,
    /// Bytes scanned.
    pub bytes_scanned: u64,
    /// Binary files skipped.
    pub skipped_binary: u64,
    /// Files skipped for size: (path, size).
    pub skipped_large: Vec<(String, u64)>,
    /// Things that could not be scanned, one line each.
    pub errors: Vec<String>,
    /// Wall time.
    pub elapsed: Duration,
    /// Baseline entries that matched nothing in this run (when the whole project was scanned).
    pub baseline_stale: usize,
    /// Counts only a history scan has (`None` for other sources).
    pub history: Option<HistoryCounts>,
}

/// Counts of a history scan (`pyguard history`).
#[derive(Clone, Copy, Debug, Default)]
pub struct HistoryCounts {
    /// Commits selected.
    pub commits: u64,
    /// Unique blobs in their trees (each scanned once, whatever the number of paths and
    /// commits holding it).
    pub blobs: u64,
    /// Blobs skipped as Git LFS pointers.
    pub skipped_lfs: u64,
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

/// Findings plus the summary of the run that produced them.
#[derive(Debug, Default)]
pub struct Report {
    /// Findings, sorted by path, line, column.
    pub findings: Vec<Finding>,
    /// Findings that do not block (inline comment, allow regex, baseline), and why.
    pub suppressed: Vec<Suppressed>,
    /// Counts and errors.
    pub summary: Summary,
}

impl Report {
    /// Sorts findings into a stable order: path, line, column, pattern.
    pub fn sort(&mut self) {
        self.findings.sort_by(|a, b| {
            (&a.path, &a.extract, a.line, a.column, &a.pattern_id).cmp(&(
                &b.path,
                &b.extract,
                b.line,
                b.column,
                &b.pattern_id,
            ))
        });
        self.suppressed.sort_by(|a, b| {
            let (a, b) = (&a.finding, &b.finding);
            (&a.path, a.line, a.column, &a.pattern_id).cmp(&(
                &b.path,
                b.line,
                b.column,
                &b.pattern_id,
            ))
        });
    }

    /// Number of findings that block (severity error).
    #[must_use]
    pub fn blocking(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count()
    }

    /// The exit code this report maps to: 2 if something could not be scanned, 1 if a finding
    /// blocks, else 0.
    #[must_use]
    pub fn exit_code(&self) -> u8 {
        if self.summary.errors.is_empty() {
            u8::from(self.blocking() > 0)
        } else {
            2
        }
    }
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
