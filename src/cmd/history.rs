//! `pyguard history [REPO]`: scans every commit of every ref (or a branch, a range, commits
//! since a date). Each unique blob is scanned once, in parallel; only blobs with findings are
//! attributed to the commits that introduced them. The same secret at many places is one
//! finding that lists them all.
//!
//! Git access is in `source::history`; this module only drives the scan and builds the report.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{IsTerminal as _, Write as _};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{anyhow, Result};
use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::HistoryArgs;
use crate::cmd::scan;
use crate::config::Config;
use crate::finding::{self, Finding, Place};
use crate::matcher::Matcher;
use crate::pattern;
use crate::report::{HistoryCounts, Report};
use crate::scanner::{Outcome, Scanner};
use crate::source::history::{self, Blob, Plan, Selection};
use crate::source::{Chunk, CommitInfo, Provenance};
use crate::suppress::{Suppressed, Suppressor};

/// Runs `pyguard history`.
pub fn run(args: &HistoryArgs) -> Result<u8> {
    let started = Instant::now();
    let root = args
        .repo
        .clone()
        .unwrap_or_else(|| std::path::PathBuf::from("."));
    let config = scan::load_config(&args.output, &root)?;
    let scanner = Scanner::new(Matcher::new(config.patterns()?)?);
    let suppressor = Suppressor::for_config(&config)?;
    let since = args.since.as_deref().map(parse_since).transpose()?;
    let selection = Selection {
        branch: args.branch.clone(),
        range: args.range.clone(),
        since,
    };
    let show_progress = std::io::stderr().is_terminal() && !args.output.quiet;
    let mut report = scan_history(
        args.repo.as_deref().unwrap_or(Path::new(".")),
        &selection,
        (&scanner, &suppressor),
        &config,
        show_progress,
    )?;
    report.summary.elapsed = started.elapsed();
    scan::emit(&report, scanner.matcher().patterns(), &args.output, &config)
}

/// Scans the commits `selection` picks in the repository at `repo`, each unique blob once,
/// and returns the sorted report with every finding attributed (errors already printed).
/// Shared by `pyguard history` and `pyguard baseline --history`.
pub fn scan_history(
    repo: &Path,
    selection: &Selection,
    (scanner, suppressor): (&Scanner, &Suppressor),
    config: &Config,
    show_progress: bool,
) -> Result<Report> {
    let repo = history::open(repo)?;
    let spinner = show_progress.then(|| {
        let pb = ProgressBar::new_spinner().with_message("reading commits and trees");
        pb.enable_steady_tick(Duration::from_millis(100));
        pb
    });
    let plan = history::plan(repo, selection)?;
    if let Some(pb) = spinner {
        pb.finish_and_clear();
    }
    let groups = PathGroups::new(&plan, scanner.matcher().patterns());
    let scan = scan_blobs(&plan, &groups, (scanner, suppressor), config, show_progress);

    let mut report = Report::default();
    let mut errors: Vec<String> = plan.errors.clone();
    errors.extend(scan.errors);
    report.summary.files_scanned = scan.blobs;
    report.summary.bytes_scanned = scan.bytes;
    report.summary.skipped_binary = scan.binary;
    report.summary.skipped_large = scan.large;
    report.summary.history = Some(HistoryCounts {
        commits: plan.commit_count() as u64,
        blobs: plan.blob_count() as u64,
        skipped_lfs: scan.lfs,
    });
    report.suppressed = scan.suppressed;
    report.findings = attribute(&plan, &groups, scan.hits, &mut errors);
    for e in &errors {
        let line = finding::escape_control(e);
        let _ = writeln!(anstream::stderr(), "pyguard: error: {line}");
    }
    report.summary.errors = errors;
    report.summary.skipped_large.sort();
    report.sort();
    Ok(report)
}

/// Parses `--since`: any date git accepts (`2024-01-31`, RFC 2822, ISO 8601, `2 weeks ago`).
fn parse_since(text: &str) -> Result<i64> {
    gix::date::parse(text, Some(gix::date::Zoned::now()))
        .map(|t| t.seconds)
        .map_err(|e| anyhow!("invalid --since date {text:?}: {e}"))
}

/// The findings of one blob, each with the path-scope group it was scanned for.
struct Hit {
    blob: u32,
    findings: Vec<(Finding, u32)>,
}

/// What scanning every blob produced.
#[derive(Default)]
struct Scanned {
    hits: Vec<Hit>,
    suppressed: Vec<Suppressed>,
    blobs: u64,
    bytes: u64,
    binary: u64,
    lfs: u64,
    large: Vec<(String, u64)>,
    errors: Vec<String>,
}

/// Scans every unique blob once per path-scope group (almost always once: a blob scanned as
/// `settings.py` and as `app.py` may match different path-scoped patterns).
fn scan_blobs(
    plan: &Plan,
    groups: &PathGroups,
    (scanner, suppressor): (&Scanner, &Suppressor),
    config: &crate::config::Config,
    show_progress: bool,
) -> Scanned {
    let bar = show_progress.then(|| progress_bar(plan.blob_count() as u64));
    let scanned = AtomicU64::new(0);
    let bytes = AtomicU64::new(0);
    let binary = AtomicU64::new(0);
    let lfs = AtomicU64::new(0);
    let out = Mutex::new(Scanned::default());
    let lock = || {
        out.lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    };
    plan.read_blobs(config.threads, config.max_file_size, |blob| {
        match blob {
            Blob::Content {
                index,
                bytes: content,
            } => {
                let mut found = Vec::new();
                let mut is_binary = false;
                for (group, path) in groups.of_blob(plan, index) {
                    let chunk =
                        Chunk::new(plan.path(path), Cow::Borrowed(content), Provenance::File);
                    let (outcome, errs) = scanner.scan(&chunk);
                    if !errs.is_empty() {
                        let mut o = lock();
                        for e in errs {
                            let msg = format!("{e:#}");
                            if !o.errors.contains(&msg) {
                                o.errors.push(msg);
                            }
                        }
                    }
                    match outcome {
                        Outcome::Binary => {
                            is_binary = true;
                            break;
                        }
                        Outcome::Scanned(fs) => {
                            let (kept, suppressed) = suppressor.filter(&chunk, fs);
                            if !suppressed.is_empty() {
                                lock().suppressed.extend(suppressed);
                            }
                            found.extend(kept.into_iter().map(|f| (f, group)));
                        }
                    }
                }
                if is_binary {
                    binary.fetch_add(1, Ordering::Relaxed);
                } else {
                    scanned.fetch_add(1, Ordering::Relaxed);
                    let total = bytes.fetch_add(content.len() as u64, Ordering::Relaxed)
                        + content.len() as u64;
                    if let Some(pb) = &bar {
                        pb.set_message(crate::report::human_bytes(total));
                    }
                }
                if !found.is_empty() {
                    lock().hits.push(Hit {
                        blob: index,
                        findings: found,
                    });
                }
            }
            Blob::TooLarge { index, size } => {
                let path = plan.places(index).first().map(|p| plan.path(p.path));
                lock()
                    .large
                    .push((path.unwrap_or_else(|| plan.blob_id(index)), size));
            }
            Blob::LfsPointer { .. } => {
                lfs.fetch_add(1, Ordering::Relaxed);
            }
            Blob::Error { index, message } => {
                let path = plan.places(index).first().map(|p| plan.path(p.path));
                let line = match path {
                    Some(p) => format!("{p}: {message}"),
                    None => message,
                };
                lock().errors.push(line);
            }
        }
        if let Some(pb) = &bar {
            pb.inc(1);
        }
    });
    if let Some(pb) = bar {
        pb.finish_and_clear();
    }
    let mut out = out
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    out.blobs = scanned.into_inner();
    out.bytes = bytes.into_inner();
    out.binary = binary.into_inner();
    out.lfs = lfs.into_inner();
    out.errors.sort();
    out
}

/// The bar drawn on stderr while blobs are scanned: blobs, bytes, rate, ETA.
fn progress_bar(blobs: u64) -> ProgressBar {
    let pb = ProgressBar::new(blobs);
    pb.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} blobs, {msg} ({per_sec}, ETA {eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    pb
}

/// Paths grouped by which path-scoped patterns apply to them, so that a blob is scanned
/// once per group rather than once per path.
struct PathGroups {
    group_of_path: Vec<u32>,
}

impl PathGroups {
    fn new(plan: &Plan, patterns: &[pattern::Pattern]) -> Self {
        let scoped: Vec<&pattern::Pattern> =
            patterns.iter().filter(|p| p.paths.is_some()).collect();
        let mut ids: HashMap<Vec<bool>, u32> = HashMap::new();
        let group_of_path = (0..plan.path_count() as u32)
            .map(|i| {
                if scoped.is_empty() {
                    return 0;
                }
                let path = plan.path(i);
                let key: Vec<bool> = scoped.iter().map(|p| p.applies_to(&path)).collect();
                let next = ids.len() as u32;
                *ids.entry(key).or_insert(next)
            })
            .collect();
        PathGroups { group_of_path }
    }

    /// The groups blob `index` appears in, each with one path to scan it as.
    fn of_blob(&self, plan: &Plan, index: u32) -> Vec<(u32, u32)> {
        let mut out: Vec<(u32, u32)> = Vec::with_capacity(1);
        for p in plan.places(index) {
            let g = self.group_of_path[p.path as usize];
            if !out.iter().any(|(x, _)| *x == g) {
                out.push((g, p.path));
            }
        }
        out
    }
}

/// One place of a secret: (commit rank, path index, the finding there).
type Occurrence = (u32, u32, Finding);

/// Merges the findings of every blob into one finding per (pattern, secret), listing every
/// place (path, introducing commit, line), earliest commit first.
fn attribute(
    plan: &Plan,
    groups: &PathGroups,
    hits: Vec<Hit>,
    errors: &mut Vec<String>,
) -> Vec<Finding> {
    // (pattern id, secret) -> (commit rank, path, finding)
    let mut merged: HashMap<(String, String), Vec<Occurrence>> = HashMap::new();
    for hit in hits {
        for (f, group) in hit.findings {
            for place in plan.places(hit.blob) {
                if groups.group_of_path[place.path as usize] != group {
                    continue;
                }
                merged
                    .entry((f.pattern_id.clone(), f.secret.clone()))
                    .or_default()
                    .push((place.commit, place.path, f.clone()));
            }
        }
    }
    let mut commits: HashMap<u32, Arc<CommitInfo>> = HashMap::new();
    let mut info = |rank: u32, errors: &mut Vec<String>| -> Arc<CommitInfo> {
        commits
            .entry(rank)
            .or_insert_with(|| {
                Arc::new(plan.commit_info(rank).unwrap_or_else(|e| {
                    errors.push(format!("{e:#}"));
                    CommitInfo {
                        id: plan.commit_id(rank),
                        author: String::new(),
                        date: String::new(),
                        summary: String::new(),
                    }
                }))
            })
            .clone()
    };
    let mut out = Vec::with_capacity(merged.len());
    for (_, mut occurrences) in merged {
        occurrences.sort_by(|a, b| {
            (a.0, plan.path(a.1), a.2.line, a.2.column).cmp(&(
                b.0,
                plan.path(b.1),
                b.2.line,
                b.2.column,
            ))
        });
        occurrences.dedup_by(|a, b| {
            a.0 == b.0 && a.1 == b.1 && a.2.line == b.2.line && a.2.column == b.2.column
        });
        let places: Vec<Place> = occurrences
            .iter()
            .map(|(rank, path, f)| Place {
                path: plan.path(*path),
                line: f.line,
                column: f.column,
                provenance: Provenance::Commit(info(*rank, errors)),
            })
            .collect();
        let (rank, path, mut first) = occurrences.swap_remove(0);
        first.path = plan.path(path);
        first.fingerprint = finding::fingerprint(&first.pattern_id, &first.path, &first.secret);
        first.provenance = Provenance::Commit(info(rank, errors));
        first.places = places;
        out.push(first);
    }
    out
}
