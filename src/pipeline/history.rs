//! History through the pipeline (`pyguard history`, `pyguard baseline --history`): every
//! unique blob of the selected commits is scanned once, in parallel, around the lines it is the
//! first to hold at its paths; only blobs with findings are attributed to the commits that
//! introduced them. The same secret at many places is one finding that lists them all. The
//! passes over the whole run (path filter, environments and bytecode over every path history
//! holds, dependency manifests, ordering) are the [`Pipeline`]'s, as for every other mode.
//!
//! Git access is in `source::history`; progress is drawn by whoever implements [`Progress`].

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::RangeInclusive;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use anyhow::Result;
use rayon::prelude::*;

use crate::extract::notebook;
use crate::pipeline::finding::{self, Finding, Place};
use crate::pipeline::scanner::Outcome;
use crate::pipeline::summary::{HistoryCounts, Report};
use crate::pipeline::suppress::Suppressed;
use crate::pipeline::{Pipeline, Seen};
use crate::rules::pattern;
use crate::source::history::{self, Blob, Plan, Selection};
use crate::source::lines::{lines, Session};
use crate::source::{Chunk, CommitInfo, Provenance};

/// Progress of a history scan, for whoever draws it (the pipeline prints nothing).
pub trait Progress: Sync {
    /// Commits and trees are being read.
    fn planning(&self) {}
    /// The plan is made: `blobs` unique blobs to read.
    fn planned(&self, blobs: u64) {
        let _ = blobs;
    }
    /// One more blob read; `bytes` scanned so far.
    fn blob(&self, bytes: u64) {
        let _ = bytes;
    }
    /// Reading is done.
    fn done(&self) {}
}

/// No progress shown.
pub struct Silent;

impl Progress for Silent {}

/// The size limit and threads of a history scan.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Blobs larger than this are skipped and reported.
    pub max_file_size: u64,
    /// Reading threads (0: one per core).
    pub threads: usize,
}

/// Scans the commits `selection` picks in the repository at `repo`, each unique blob once,
/// and returns the sorted report with every finding attributed (errors already printed).
/// Shared by `pyguard history` and `pyguard baseline --history`.
pub fn scan_history(
    repo: &Path,
    selection: &Selection,
    pipeline: &Pipeline,
    limits: Limits,
    progress: &dyn Progress,
) -> Result<Report> {
    let repo = history::open(repo)?;
    // The work tree history paths are relative to, for the configuration's path filter.
    let workdir = repo
        .work_dir()
        .map(|w| std::fs::canonicalize(w).unwrap_or_else(|_| w.to_path_buf()));
    progress.planning();
    let plan = history::plan(repo, selection, limits.threads)?;
    progress.planned(plan.blob_count() as u64);
    let groups = PathGroups::new(&plan, pipeline, workdir.as_deref());
    let scan = scan_blobs(&plan, &groups, pipeline, limits, progress);
    progress.done();

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
    report.summary.errors = errors;
    let mut seen = Seen {
        paths: Vec::new(),
        declared: scan.declared,
    };
    // Every path history holds (that the filter keeps), attributed to the first commit that
    // has a blob there: what the path-set checks judge.
    let mut first: Vec<u32> = vec![u32::MAX; plan.path_count()];
    for blob in 0..plan.blob_count() as u32 {
        for place in plan.places(blob) {
            let f = &mut first[place.path as usize];
            *f = (*f).min(place.commit);
        }
    }
    let mut infos: HashMap<u32, Arc<CommitInfo>> = HashMap::new();
    let mut path_set = Vec::new();
    for (path, rank) in first.iter().enumerate() {
        if *rank == u32::MAX || groups.group_of_path[path] == EXCLUDED {
            continue;
        }
        path_set.push((plan.path(path as u32), *rank));
    }
    let check = super::pathset::check_paths(
        pipeline.patterns(),
        path_set.iter().map(|(p, _)| p.as_str()),
        &Provenance::File,
    );
    let wanted: std::collections::HashSet<&str> =
        check.findings.iter().map(|f| f.path.as_str()).collect();
    for (path, rank) in &path_set {
        // Only the paths a path-set finding lands on need their commit read.
        let provenance = if wanted.contains(path.as_str()) {
            let info = infos.entry(*rank).or_insert_with(|| {
                Arc::new(plan.commit_info(*rank).unwrap_or_else(|_| CommitInfo {
                    id: plan.commit_id(*rank),
                    author: String::new(),
                    date: String::new(),
                    summary: String::new(),
                }))
            });
            Provenance::Commit(Arc::clone(info))
        } else {
            Provenance::File
        };
        seen.paths.push((path.clone(), provenance));
    }
    pipeline.finish(&mut report, &seen);
    Ok(report)
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
    /// Which of the places these lines stand in the scanned blob (0 for the first): the
    /// same text twice in a file is two places, in whichever version it is attributed to.
    nth: usize,
}

fn line_texts(content: &[u8], f: &Finding) -> Lines {
    let first = f.line.max(1) as usize;
    let mut all = lines(content).skip(first.saturating_sub(2));
    let prev = if first > 1 {
        all.next().map(<[u8]>::to_vec)
    } else {
        None
    };
    let span: Vec<Vec<u8>> = all
        .take(f.end_line.saturating_sub(f.line) as usize + 1)
        .map(<[u8]>::to_vec)
        .collect();
    let refs: Vec<&[u8]> = span.iter().map(Vec::as_slice).collect();
    let nth = find_lines(content, prev.as_deref(), &refs)
        .iter()
        .position(|&n| n == f.line)
        .unwrap_or(0);
    Lines { prev, span, nth }
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
    /// Requirement names declared by the manifests history holds.
    declared: std::collections::HashSet<String>,
}

/// Scans every unique blob once per path-scope group (almost always once: a blob scanned as
/// `settings.py` and as `app.py` may match different path-scoped patterns).
fn scan_blobs(
    plan: &Plan,
    groups: &PathGroups,
    pipeline: &Pipeline,
    limits: Limits,
    progress: &dyn Progress,
) -> Scanned {
    let scanned = AtomicU64::new(0);
    let bytes = AtomicU64::new(0);
    let binary = AtomicU64::new(0);
    let lfs = AtomicU64::new(0);
    let out = Mutex::new(Scanned::default());
    let init = || plan.lines_session();
    plan.read_blobs(
        limits.threads,
        limits.max_file_size,
        init,
        |session, blob| {
            match blob {
                Blob::Content {
                    index,
                    bytes: content,
                } => {
                    let (found, is_binary) =
                        scan_content((plan, groups, pipeline), &out, session, index, content);
                    if is_binary {
                        binary.fetch_add(1, Ordering::Relaxed);
                    } else {
                        scanned.fetch_add(1, Ordering::Relaxed);
                        bytes.fetch_add(content.len() as u64, Ordering::Relaxed);
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
            progress.blob(bytes.load(Ordering::Relaxed));
        },
    );
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
    (plan, groups, pipeline): (&Plan, &PathGroups, &Pipeline),
    out: &Mutex<Scanned>,
    session: &mut Session<'_>,
    index: u32,
    content: &[u8],
) -> BlobFindings {
    let mut found = Vec::new();
    let mut is_binary = false;
    let added = LineSets::claim(plan, session, index, content);
    let of_blob = groups.of_blob(plan, index);
    if of_blob
        .iter()
        .any(|(_, p)| super::is_manifest(&plan.path(*p)))
    {
        // A manifest is read whole for the names it declares, whatever lines it adds.
        let mut seen = Seen::default();
        for (_, p) in &of_blob {
            seen.declare(&plan.path(*p), content);
        }
        lock(out).declared.extend(seen.declared);
    }
    for (group, path) in of_blob {
        let name = plan.path(path);
        // A group where a path-scoped pattern judges a span of lines applies (a CI matrix,
        // a tox envlist; see `judges_a_span`) is scanned whole: whether such a match is found must not depend on which
        // version of the file happened to claim its lines first (blobs arrive in pack order,
        // from several threads), or findings would come and go between runs.
        let whole = added.is_none() || notebook::is_notebook(&name) || groups.whole[group as usize];
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
        let (outcome, errs) = pipeline.scanner().scan(&chunk);
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
                let (kept, suppressed) = pipeline.suppressor().filter(&chunk, fs);
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

/// Paths grouped by which path-scoped patterns apply to them, so that a blob is scanned
/// once per group rather than once per path.
/// Whether a pattern's verdict depends on a span of lines as a whole: a multi-line match
/// whose validator judges everything it captured (every version listed in a CI matrix or a
/// tox envlist must be end of life). Scanned around added lines only, such a match is found
/// or lost depending on which version of the file claimed which lines first.
fn judges_a_span(p: &pattern::Pattern) -> bool {
    p.spec.max_lines > 1 && p.validator.is_some()
}

/// Paths the configuration's path filter leaves out are in this group: never scanned.
const EXCLUDED: u32 = u32::MAX;

struct PathGroups {
    group_of_path: Vec<u32>,
    /// Per group, whether its blobs are scanned whole (see `scan_content`).
    whole: Vec<bool>,
}

impl PathGroups {
    fn new(plan: &Plan, pipeline: &Pipeline, workdir: Option<&Path>) -> Self {
        let scoped: Vec<&pattern::Pattern> = pipeline
            .patterns()
            .iter()
            .filter(|p| p.is_path_scoped())
            .collect();
        let mut ids: HashMap<Vec<bool>, u32> = HashMap::new();
        let mut whole = vec![false];
        // Which patterns apply to each path (`None`: filtered out), on every core; the
        // groups are then numbered in path order, as before.
        let keys: Vec<Option<Vec<bool>>> = (0..plan.path_count() as u32)
            .into_par_iter()
            .map(|i| {
                let path = plan.path(i);
                if workdir.is_some_and(|w| !pipeline.filter().keep(&w.join(&path), false)) {
                    return None;
                }
                Some(scoped.iter().map(|p| p.applies_to(&path)).collect())
            })
            .collect();
        let group_of_path = keys
            .into_iter()
            .map(|key| {
                let Some(key) = key else {
                    return EXCLUDED;
                };
                if scoped.is_empty() {
                    return 0;
                }
                let next = ids.len() as u32;
                *ids.entry(key.clone()).or_insert_with(|| {
                    let spans_lines = scoped
                        .iter()
                        .zip(&key)
                        .any(|(p, applies)| *applies && judges_a_span(p));
                    whole.resize(next as usize + 1, false);
                    whole[next as usize] = spans_lines;
                    next
                })
            })
            .collect();
        PathGroups {
            group_of_path,
            whole,
        }
    }

    /// The groups blob `index` appears in, each with one path to scan it as (none for the
    /// paths the filter leaves out).
    fn of_blob(&self, plan: &Plan, index: u32) -> Vec<(u32, u32)> {
        let mut out: Vec<(u32, u32)> = Vec::with_capacity(1);
        for p in plan.places(index) {
            let g = self.group_of_path[p.path as usize];
            if g != EXCLUDED && !out.iter().any(|(x, _)| *x == g) {
                out.push((g, p.path));
            }
        }
        out
    }
}

/// The 1-based numbers of the lines of `content` where these consecutive lines start, in
/// order: one line right after `prev` (`None`: at the start of the file), several anywhere
/// (as the line ledger knows them, see `LineLedger::first_rank`).
fn find_lines(content: &[u8], prev: Option<&[u8]>, span: &[&[u8]]) -> Vec<u32> {
    let all: Vec<&[u8]> = lines(content).collect();
    let number = |i: usize| u32::try_from(i).ok();
    if span.len() > 1 {
        return all
            .windows(span.len())
            .enumerate()
            .filter(|(_, w)| *w == span)
            .filter_map(|(i, _)| number(i + 1))
            .collect();
    }
    let Some(prev) = prev else {
        return if all.starts_with(span) {
            vec![1]
        } else {
            Vec::new()
        };
    };
    all.windows(span.len() + 1)
        .enumerate()
        .filter(|(_, w)| w[0] == prev && &w[1..] == span)
        .filter_map(|(i, _)| number(i + 2))
        .collect()
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
                        // The same place among equal lines there (or the last of them).
                        let found = content.as_deref().and_then(|c| {
                            let at = find_lines(c, prev, &span);
                            at.get(text.nth).or(at.last()).copied()
                        });
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
