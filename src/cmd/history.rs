//! `pyguard history [REPO]`: scans every commit of every ref (or a branch, a range, commits
//! since a date). Each unique blob is scanned once, in parallel; only blobs with findings are
//! attributed to the commits that introduced them. The same secret at many places is one
//! finding that lists them all.
//!
//! Git access is in `source::history`; this module only drives the scan and builds the report.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{IsTerminal as _, Write as _};
use std::ops::RangeInclusive;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{anyhow, Result};
use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::HistoryArgs;
use crate::cmd::scan;
use crate::config::Config;
use crate::extract::notebook;
use crate::matcher::Matcher;
use crate::pipeline::finding::{self, Finding, Place};
use crate::pipeline::scanner::{Outcome, Scanner};
use crate::pipeline::suppress::{Suppressed, Suppressor};
use crate::report::{HistoryCounts, Report};
use crate::rules::pattern;
use crate::source::history::{self, Blob, Plan, Selection};
use crate::source::lines::{lines, Session};
use crate::source::{Chunk, CommitInfo, Provenance};

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
    // A commit's summary and author are printed beside its findings: a secret in them is
    // redacted like the findings' own (unless secrets are to be shown).
    if !config.show_secrets {
        finding::redact_commits(scanner.matcher(), &mut report.findings);
    }
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

/// The findings of one blob, each with the path-scope group it was scanned for and, when
/// the blob was scanned by added lines, the text of the lines the secret spans.
struct Hit {
    blob: u32,
    findings: Vec<(Finding, u32, Option<Lines>)>,
}

/// The lines one blob added at each of its paths.
struct LineSets(Vec<(u32, Vec<RangeInclusive<u32>>)>);

impl LineSets {
    /// Records the lines of a text blob at each of its paths; `None` for a binary blob
    /// (scanned whole: it has no lines, only a path).
    fn claim(plan: &Plan, session: &mut Session<'_>, index: u32, content: &[u8]) -> Option<Self> {
        if crate::matcher::is_binary(content) {
            return None;
        }
        let mut paths: Vec<u32> = plan.places(index).iter().map(|p| p.path).collect();
        paths.sort_unstable();
        paths.dedup();
        Some(LineSets(
            paths
                .into_iter()
                .map(|p| (p, plan.added_lines(session, index, p, content)))
                .collect(),
        ))
    }

    /// The added lines of the paths `in_group` selects, merged.
    fn of_group(&self, in_group: impl Fn(u32) -> bool) -> Vec<RangeInclusive<u32>> {
        let mut all: Vec<RangeInclusive<u32>> = self
            .0
            .iter()
            .filter(|(p, _)| in_group(*p))
            .flat_map(|(_, r)| r.iter().cloned())
            .collect();
        all.sort_by_key(|r| *r.start());
        let mut out: Vec<RangeInclusive<u32>> = Vec::with_capacity(all.len());
        for r in all {
            match out.last_mut() {
                Some(last) if *r.start() <= last.end().saturating_add(1) => {
                    *last = *last.start()..=(*last.end()).max(*r.end());
                }
                _ => out.push(r),
            }
        }
        out
    }
}

/// The lines a finding spans (without line breaks), and the line before them (`None` at the
/// start of the file): what the line ledger knows them by.
struct Lines {
    prev: Option<Vec<u8>>,
    span: Vec<Vec<u8>>,
}

fn line_texts(content: &[u8], f: &Finding) -> Lines {
    let first = f.line.max(1) as usize;
    let mut all = lines(content).skip(first.saturating_sub(2));
    let prev = if first > 1 {
        all.next().map(<[u8]>::to_vec)
    } else {
        None
    };
    let span = all
        .take(f.end_line.saturating_sub(f.line) as usize + 1)
        .map(<[u8]>::to_vec)
        .collect();
    Lines { prev, span }
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
    let init = || plan.lines_session();
    plan.read_blobs(
        config.threads,
        config.max_file_size,
        init,
        |session, blob| {
            match blob {
                Blob::Content {
                    index,
                    bytes: content,
                } => {
                    let (found, is_binary) = scan_content(
                        (plan, groups, scanner, suppressor),
                        &out,
                        session,
                        index,
                        content,
                    );
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
                        lock(&out).hits.push(Hit {
                            blob: index,
                            findings: found,
                        });
                    }
                }
                Blob::TooLarge { index, size } => {
                    let path = plan.places(index).first().map(|p| plan.path(p.path));
                    lock(&out)
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
                    lock(&out).errors.push(line);
                }
            }
            if let Some(pb) = &bar {
                pb.inc(1);
            }
        },
    );
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

/// The findings of one blob (each with its group and the lines it spans), and whether the
/// blob is binary.
type BlobFindings = (Vec<(Finding, u32, Option<Lines>)>, bool);

/// Scans one blob's content once per path-scope group, around the lines it is the first to
/// hold at its paths; errors and suppressed findings go to `out`.
fn scan_content(
    (plan, groups, scanner, suppressor): (&Plan, &PathGroups, &Scanner, &Suppressor),
    out: &Mutex<Scanned>,
    session: &mut Session<'_>,
    index: u32,
    content: &[u8],
) -> BlobFindings {
    let mut found = Vec::new();
    let mut is_binary = false;
    let added = LineSets::claim(plan, session, index, content);
    for (group, path) in groups.of_blob(plan, index) {
        let name = plan.path(path);
        let whole = added.is_none() || notebook::is_notebook(&name);
        let mut chunk = Chunk::new(name, Cow::Borrowed(content), Provenance::File);
        if !whole {
            // Only the lines this blob is the first to hold at its paths (a
            // notebook's cells are not its lines: it is scanned whole).
            let lines = added.as_ref().map_or_else(Vec::new, |a| {
                a.of_group(|p| groups.group_of_path[p as usize] == group)
            });
            if lines.is_empty() {
                continue;
            }
            chunk.added_lines = Some(lines);
        }
        let (outcome, errs) = scanner.scan(&chunk);
        if !errs.is_empty() {
            let mut o = lock(out);
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
                    lock(out).suppressed.extend(suppressed);
                }
                found.extend(kept.into_iter().map(|f| {
                    let text = (!whole).then(|| line_texts(content, &f));
                    (f, group, text)
                }));
            }
        }
    }
    (found, is_binary)
}

fn lock(out: &Mutex<Scanned>) -> std::sync::MutexGuard<'_, Scanned> {
    out.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
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
            patterns.iter().filter(|p| p.is_path_scoped()).collect();
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

/// The 1-based number of the first line of `content` where these consecutive lines start:
/// one line right after `prev` (`None`: at the start of the file), several anywhere (as the
/// line ledger knows them, see `LineLedger::first_rank`).
fn find_lines(content: &[u8], prev: Option<&[u8]>, span: &[&[u8]]) -> Option<u32> {
    let all: Vec<&[u8]> = lines(content).collect();
    if span.len() > 1 {
        let i = all.windows(span.len()).position(|w| w == span)?;
        return u32::try_from(i + 1).ok();
    }
    let Some(prev) = prev else {
        return all.starts_with(span).then_some(1);
    };
    let i = all
        .windows(span.len() + 1)
        .position(|w| w[0] == prev && &w[1..] == span)?;
    u32::try_from(i + 2).ok()
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
    let mut contents: HashMap<u32, Option<Vec<u8>>> = HashMap::new();
    for hit in hits {
        for (f, group, text) in hit.findings {
            let mut seen_paths: Vec<u32> = Vec::new();
            for place in plan.places(hit.blob) {
                if groups.group_of_path[place.path as usize] != group {
                    continue;
                }
                let key = (f.pattern_id.clone(), f.secret.clone());
                let Some(text) = &text else {
                    // Scanned whole: every blob holding it is a place.
                    merged
                        .entry(key)
                        .or_default()
                        .push((place.commit, place.path, f.clone()));
                    continue;
                };
                if seen_paths.contains(&place.path) {
                    continue;
                }
                seen_paths.push(place.path);
                // The lines' first commit at this path, and their place there.
                let span: Vec<&[u8]> = text.span.iter().map(Vec::as_slice).collect();
                let prev = text.prev.as_deref();
                let rank = plan
                    .lines_introduced(place.path, prev, &span)
                    .unwrap_or(place.commit);
                let mut at = f.clone();
                match plan.blob_at(place.path, rank) {
                    Some(first) if first != hit.blob => {
                        let content = contents.entry(first).or_insert_with(|| {
                            plan.read_blob(first)
                                .map_err(|e| errors.push(format!("{e:#}")))
                                .ok()
                        });
                        let found = content.as_deref().and_then(|c| find_lines(c, prev, &span));
                        if let Some(n) = found {
                            at.end_line = n + f.end_line.saturating_sub(f.line);
                            at.line = n;
                        }
                    }
                    _ => {}
                }
                merged.entry(key).or_default().push((rank, place.path, at));
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
