//! The one path from content to a [`Report`]: every mode (`scan` over paths and standard
//! input, the commit gate, the commit-message and pre-push hooks, `history`, `baseline`) hands
//! its content units to a [`Pipeline`] and gets back the same passes in the same order:
//!
//! 1. the path filter (the configuration's `exclude`/`include`, `--exclude`);
//! 2. the scanner: binary sniffing, extractors (notebooks, Kubernetes manifests), matcher;
//! 3. suppression of each unit's findings (inline comments, allow regexes, baseline);
//! 4. over the set of paths: committed environments and bytecode ([`pathset`]), themselves
//!    suppressed by allow regexes and the baseline;
//! 5. dependency checks: warnings a manifest declared in the same run answers;
//! 6. ordering and the summary.
//!
//! Sources (`crate::source`) read content and say where it came from; this module never
//! touches git or the file system, and prints nothing (errors are collected in the summary).

pub mod filter;
pub mod finding;
pub mod history;
pub mod pathset;
pub mod scanner;
pub mod selfcheck;
pub mod summary;
pub mod suppress;
pub mod walk;

use std::collections::{HashMap, HashSet};

use crate::matcher::deps;
use crate::rules::pattern::Pattern;
use crate::source::{Chunk, Provenance};
use filter::PathFilter;
use finding::Finding;
use scanner::{Outcome, Scanner};
use summary::Report;
use suppress::{Suppressed, Suppressor};

/// The patterns, suppression and path filter of one run.
#[derive(Debug)]
pub struct Pipeline {
    scanner: Scanner,
    suppressor: Suppressor,
    filter: PathFilter,
}

/// What the pipeline made of one content unit.
#[derive(Debug, Default)]
pub struct Unit {
    /// Findings kept and suppressed; `None` for binary content (skipped).
    pub outcome: Option<(Vec<Finding>, Vec<Suppressed>)>,
    /// Errors of broken patterns, one line each.
    pub errors: Vec<String>,
    /// Bytes scanned.
    pub size: u64,
    /// Requirement names the unit declares when it is a dependency manifest.
    pub declared: Vec<String>,
    /// Whether the unit is a commit message (counted apart from files).
    pub message: bool,
}

/// The paths a run saw (scanned or skipped), each with where it came from, and the
/// requirement names its manifests declare: what the passes over the whole set judge.
#[derive(Debug, Default)]
pub struct Seen {
    /// Every path, with the provenance a finding on the path alone takes.
    pub paths: Vec<(String, Provenance)>,
    /// PEP 503-normalised requirement names declared by the manifests scanned.
    pub declared: HashSet<String>,
}

impl Seen {
    /// Records the requirement names a manifest declares (nothing for other files).
    pub fn declare(&mut self, path: &str, bytes: &[u8]) {
        self.declared.extend(deps::declared_names(path, bytes));
    }
}

/// Whether `path` names a dependency manifest (`requirements.txt`, `pyproject.toml`, ...).
#[must_use]
pub fn is_manifest(path: &str) -> bool {
    deps::manifest(path).is_some()
}

impl Pipeline {
    /// A pipeline over a scanner, a suppressor and a path filter.
    #[must_use]
    pub fn new(scanner: Scanner, suppressor: Suppressor, filter: PathFilter) -> Self {
        Pipeline {
            scanner,
            suppressor,
            filter,
        }
    }

    /// The patterns in use.
    #[must_use]
    pub fn patterns(&self) -> &[Pattern] {
        self.scanner.matcher().patterns()
    }

    /// The scanner (for history, which scans blobs around their added lines).
    #[must_use]
    pub fn scanner(&self) -> &Scanner {
        &self.scanner
    }

    /// The suppressor (for the baseline and its stale entries).
    #[must_use]
    pub fn suppressor(&self) -> &Suppressor {
        &self.suppressor
    }

    /// The path filter.
    #[must_use]
    pub fn filter(&self) -> &PathFilter {
        &self.filter
    }

    /// Scans one content unit and suppresses what the configuration, its inline comments and
    /// the baseline allow.
    #[must_use]
    pub fn scan(&self, chunk: &Chunk<'_>) -> Unit {
        let (outcome, errors) = self.scanner.scan(chunk);
        let outcome = match outcome {
            Outcome::Scanned(mut found) => {
                // A pushed commit's message is checked for secrets, as commit-msg does.
                if chunk.is_commit_message() {
                    found.retain(|f| f.kind == crate::rules::pattern::Kind::Secret);
                }
                Some(self.suppressor.filter(chunk, found))
            }
            Outcome::Binary => None,
        };
        Unit {
            outcome,
            errors: errors.iter().map(|e| format!("{e:#}")).collect(),
            size: chunk.bytes.len() as u64,
            declared: deps::declared_names(&chunk.path, &chunk.bytes),
            message: chunk.is_commit_message(),
        }
    }

    /// Adds one unit's results to a report under construction.
    pub fn add(report: &mut Report, seen: &mut Seen, unit: Unit) {
        report.summary.errors.extend(unit.errors);
        seen.declared.extend(unit.declared);
        match unit.outcome {
            None => report.summary.skipped_binary += 1,
            Some((kept, suppressed)) => {
                if unit.message {
                    report.summary.messages_scanned += 1;
                } else {
                    report.summary.files_scanned += 1;
                }
                report.summary.bytes_scanned += unit.size;
                report.findings.extend(kept);
                report.suppressed.extend(suppressed);
            }
        }
    }

    /// Whether the dependency pass could drop one of these findings if it knew more
    /// manifests: a source that sees only part of the project (the commit gate) reads the
    /// others only then.
    #[must_use]
    pub fn wants_manifests(report: &Report) -> bool {
        report.findings.iter().any(|f| {
            deps::ANSWERED_BY_DEPENDENCY
                .iter()
                .any(|(id, _)| f.pattern_id == *id)
        })
    }

    /// The passes over the whole run: path-set checks (suppressed like any finding, by allow
    /// regexes and the baseline), the dependency pass, ordering.
    pub fn finish(&self, report: &mut Report, seen: &Seen) {
        let provenance: HashMap<String, &Provenance> = seen
            .paths
            .iter()
            .map(|(p, prov)| (p.replace('\\', "/"), prov))
            .collect();
        let check = pathset::check_paths(
            self.patterns(),
            seen.paths.iter().map(|(p, _)| p.as_str()),
            &Provenance::File,
        );
        check.fold(&mut report.findings);
        report.suppressed.retain(|s| {
            !check
                .environments
                .iter()
                .any(|r| inside(&s.finding.path, r))
        });
        // Findings on the set of paths have no content of their own: the configuration's
        // allow list and the baseline apply, inline comments cannot.
        for mut f in check.findings {
            if let Some(p) = provenance.get(&f.path.replace('\\', "/")) {
                f.provenance = (*p).clone();
            }
            let empty = Chunk::new(f.path.clone(), &[][..], f.provenance.clone());
            let (kept, suppressed) = self.suppressor.filter(&empty, vec![f]);
            report.findings.extend(kept);
            report.suppressed.extend(suppressed);
        }
        // A warning that a dependency declared anywhere in this run answers is dropped
        // (`import Crypto` with pycryptodome in requirements.txt).
        report.findings.retain(|f| {
            !deps::ANSWERED_BY_DEPENDENCY
                .iter()
                .any(|(id, pkg)| f.pattern_id == *id && seen.declared.contains(*pkg))
        });
        report.summary.skipped_large.sort();
        report.summary.errors.sort();
        report.summary.errors.dedup();
        report.sort();
    }
}

/// Whether `path` lies under the environment root `root` (`""`: everything).
fn inside(path: &str, root: &str) -> bool {
    root.is_empty()
        || path
            .replace('\\', "/")
            .strip_prefix(root)
            .is_some_and(|rest| rest.starts_with('/'))
}
