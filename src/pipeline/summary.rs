//! What a run produced, whatever the mode: the findings, the suppressed findings and why,
//! and the counts and problems of the run. The pipeline builds it; `report` writes it.

use std::time::Duration;

use crate::pipeline::finding::Finding;
use crate::pipeline::suppress::Suppressed;
use crate::rules::pattern::Severity;

/// Counts and problems gathered while scanning.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    /// Files (or blobs) scanned.
    pub files_scanned: u64,
    /// Commit messages scanned (the commit-msg and push gates).
    pub messages_scanned: u64,
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
    ///
    /// Ties (the same pattern at the same place, found in two commits or with two secrets)
    /// are broken by the commit and the secret, so that the order never depends on the order
    /// findings were made in (threads, hash maps): the same input gives the same bytes.
    pub fn sort(&mut self) {
        fn key(f: &Finding) -> impl Ord + '_ {
            let commit = match &f.provenance {
                crate::source::Provenance::Commit(c) => c.id.as_str(),
                _ => "",
            };
            (
                &f.path,
                &f.extract,
                f.line,
                f.column,
                &f.pattern_id,
                commit,
                &f.secret,
                f.end_line,
            )
        }
        self.findings.sort_by(|a, b| key(a).cmp(&key(b)));
        self.suppressed
            .sort_by(|a, b| key(&a.finding).cmp(&key(&b.finding)));
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
