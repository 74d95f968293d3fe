//! `pyguard hook <name>`, what the installed git hooks run: the commit gate on exactly what is
//! staged (also `pyguard scan --staged`, dispatched here, and `pre-merge-commit` on the result
//! of a merge git commits itself), the commit-message check and the pre-push check.
//!
//! Each builds the settings, asks `source` for content units, and runs them through the one
//! [`Pipeline`]; `report::gate` says what to do. When pyguard itself fails it fails closed:
//! exit 2 with a one-line reason and the bypass hint.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc, Mutex, OnceLock, PoisonError};
use std::time::Instant;

use anyhow::{anyhow, Context as _, Result};
use rayon::prelude::*;

use crate::cli::{HookArgs, HookRun};
use crate::config::{Loosen, Markers};
use crate::pipeline::suppress::{Baseline, BASELINE_FILE};
use crate::pipeline::{Pipeline, Seen, Unit};
use crate::report::gate::{self, Gate};
use crate::report::{message, Report};
use crate::rules::pattern::Kind;
use crate::settings::{Flags, Settings, UseBaseline};
use crate::source::git::Changes;
use crate::source::message as commit_message;
use crate::source::{manifest, push, receive, staged, Chunk, Provenance};

/// Below this many files the scan runs on the calling thread: starting a pool costs more.
const PARALLEL_FROM: usize = 16;

/// Runs one hook and returns its exit code. Never fails: an error blocks with exit 2.
pub fn run(args: &HookArgs, flags: &Flags) -> u8 {
    let (gate, result) = match &args.hook {
        HookRun::PreCommit => (Gate::Commit, pre_commit(flags, Gate::Commit)),
        // git has written the merge result to the index: the same gate, against HEAD.
        HookRun::PreMergeCommit => (Gate::Merge, pre_commit(flags, Gate::Merge)),
        HookRun::CommitMsg { file } => (Gate::CommitMessage, commit_msg(flags, file)),
        HookRun::PrePush { remote, .. } => (Gate::Push, pre_push(flags, remote)),
        HookRun::PreReceive => (
            Gate::Receive,
            read_updates().and_then(|u| receive(flags, &u)),
        ),
        HookRun::Update { refname, old, new } => (
            Gate::Receive,
            receive::update(refname, old, new).and_then(|u| receive(flags, &[u])),
        ),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            gate::failed(gate, &message::plain(&err));
            2
        }
    }
}

/// The settings of a hook run in the current directory (the top of the work tree). The
/// installed hooks pass no flags, so they never print a secret in full; `scan --staged`
/// passes its own.
fn settings(flags: &Flags) -> Result<Settings> {
    let s = Settings::build(flags, Path::new("."))?;
    if !s.quiet {
        for n in &s.config.notes {
            message::note(n);
        }
    }
    Ok(s)
}

/// Whether the pipeline's path filter keeps a unit whose path is relative to the work tree
/// `root` (a bare repository has none to filter by).
fn keeps(pipeline: &Pipeline, root: Option<&Path>, chunk: &Chunk<'_>) -> bool {
    root.is_none_or(|r| pipeline.filter().keep(&r.join(&chunk.path), false))
}

/// Whether a file moved from `old` to `new` (paths from the top of the work tree `root`) is
/// scanned under the same rules at both: not excluded at one only, and matched alike.
fn same_rules(pipeline: &Pipeline, root: &Path, old: &str, new: &str) -> bool {
    let filter = pipeline.filter();
    filter.keep(&root.join(old), false) == filter.keep(&root.join(new), false)
        && pipeline.scanner().same_rules(old, new)
}

/// A gate never lets a file through unscanned: each file over the size limit that the
/// configuration does not exclude becomes an error, so that it blocks.
fn block_large(report: &mut Report) {
    for (path, size) in &report.summary.skipped_large {
        report.summary.errors.push(format!(
            "{path} ({}) is over max_file_size and was not scanned, so it cannot pass: \
             raise max_file_size in .pyguard.yaml, or exclude the path",
            crate::report::human_bytes(*size)
        ));
    }
}

/// The project's manifests as a pushed ref's tips hold them: (path, content).
type TipManifests<'a> = &'a dyn Fn() -> Result<Vec<(String, Vec<u8>)>>;

/// Scans the units of a git change into a report with every pass of the pipeline, leaving out
/// the paths the configuration excludes. The dependency pass also reads `manifests` (only when
/// a warning depends on them): a push that adds code alone is judged against what the
/// project declares, as `scan` judges the tree.
fn scan_changes(
    pipeline: &Pipeline,
    changes: &Changes,
    started: Instant,
    manifests: TipManifests<'_>,
) -> Result<Report> {
    let root = changes.workdir.as_deref();
    let chunks: Vec<&Chunk<'static>> = changes
        .chunks
        .iter()
        .filter(|c| keeps(pipeline, root, c))
        .collect();
    let units: Vec<Unit> = if chunks.len() < PARALLEL_FROM {
        chunks.iter().map(|c| pipeline.scan(c)).collect()
    } else {
        chunks.par_iter().map(|c| pipeline.scan(c)).collect()
    };
    let mut seen = Seen::default();
    for c in &chunks {
        seen.paths.push((c.path.clone(), c.provenance.clone()));
    }
    let large = changes
        .too_large
        .iter()
        .filter(|(p, _)| root.is_none_or(|r| pipeline.filter().keep(&r.join(p), false)));
    for (p, _) in large.clone() {
        seen.paths.push((p.clone(), Provenance::File));
    }
    let mut report = Report::default();
    for u in units {
        Pipeline::add(&mut report, &mut seen, u);
    }
    report.summary.skipped_large = large.cloned().collect();
    block_large(&mut report);
    if Pipeline::wants_manifests(&report) {
        for (path, bytes) in manifests()? {
            if root.is_none_or(|r| pipeline.filter().keep(&r.join(&path), false)) {
                seen.declare(&path, &bytes);
            }
        }
    }
    pipeline.finish(&mut report, &seen);
    report.summary.elapsed = started.elapsed();
    Ok(report)
}

/// A staged unit on its way to be scanned: its place in reading order, the work tree its
/// path is relative to, and the unit.
type Queued = (usize, Option<PathBuf>, Chunk<'static>);

/// What the commit gate's threads share: the pipeline, built by the worker thread, and the
/// units read so far.
struct Shared {
    pipeline: OnceLock<Result<Pipeline, String>>,
    queue: Mutex<mpsc::Receiver<Queued>>,
}

/// One scanned unit with its place in reading order, its path and provenance.
type Done = (usize, String, Provenance, Unit);

impl Shared {
    /// Scans queued units until the queue is closed and empty.
    fn drain(&self, pipeline: &Pipeline) -> Vec<Done> {
        let mut out = Vec::new();
        loop {
            let next = self
                .queue
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .recv();
            let Ok((order, root, chunk)) = next else {
                return out;
            };
            if keeps(pipeline, root.as_deref(), &chunk) {
                let unit = pipeline.scan(&chunk);
                out.push((order, chunk.path, chunk.provenance, unit));
            }
        }
    }
}

/// The commit gate (`pre-commit`, `pre-merge-commit`, `pyguard scan --staged`): the index
/// against HEAD, through the whole pipeline, with the verdict printed.
pub fn pre_commit(flags: &Flags, gate_kind: Gate) -> Result<u8> {
    let started = Instant::now();
    let settings = settings(flags)?;
    let Some((report, pipeline)) = staged_report(settings.clone(), started)? else {
        // Nothing added. A machine-readable report is still a report (of nothing).
        if settings.format != crate::report::Format::Human {
            return crate::report::emit(
                &Report::default(),
                &[],
                settings.format,
                settings.report_options(),
            );
        }
        return Ok(0);
    };
    if !settings.quiet {
        note_stale_baseline(&pipeline, &settings);
    }
    Ok(gate::verdict(
        &report,
        pipeline.patterns(),
        settings.format,
        settings.report_options(),
        gate_kind,
    )?)
}

/// The report on what is staged, or `None` when nothing is added (a message-only amend, a
/// deletion: the patterns are not even loaded).
///
/// Three things overlap on two cores: a worker thread loads the patterns while this one
/// opens the repository and finds what is staged; the worker scans each file as soon as it
/// is read, while this one reads the next; when reading is done, this thread scans what is
/// left alongside the worker. The passes over the set of paths (environments, bytecode,
/// dependencies) run once at the end, over the paths alone.
fn staged_report(settings: Settings, started: Instant) -> Result<Option<(Report, Pipeline)>> {
    let max_file_size = settings.config.max_file_size;
    let settings_root = settings.config.root.clone();
    let (tx, rx) = mpsc::channel::<Queued>();
    let shared = Arc::new(Shared {
        pipeline: OnceLock::new(),
        queue: Mutex::new(rx),
    });
    let worker = {
        let shared = Arc::clone(&shared);
        std::thread::Builder::new()
            .name("pyguard-scan".into())
            .spawn(move || {
                // Always settles the cell, even on a panic, so that the wait below ends.
                let pipeline = shared.pipeline.get_or_init(|| {
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        let p = settings
                            .pipeline(|_| true, Path::new("."), UseBaseline::Yes)
                            .map_err(|e| format!("{e:#}"))?;
                        p.scanner().matcher().prepare_focused();
                        Ok(p)
                    }))
                    .unwrap_or_else(|_| Err("loading the patterns failed unexpectedly".into()))
                });
                match pipeline {
                    Ok(p) => shared.drain(p),
                    Err(_) => Vec::new(),
                }
            })
            .context("failed to start a thread")?
    };
    let mut sent = 0;
    let mut root: Option<PathBuf> = None;
    let top = settings_root;
    // A rename is judged against the patterns, so it waits for them; few commits have one.
    let same = |old: &str, new: &str| {
        shared
            .pipeline
            .wait()
            .as_ref()
            .is_ok_and(|p| same_rules(p, &top, old, new))
    };
    let read = staged::read_each(max_file_size, &same, &mut |workdir, chunk| {
        if root.is_none() {
            root = workdir.map(Path::to_path_buf);
        }
        // The worker holds the receiver until this function returns.
        let _ = tx.send((sent, workdir.map(Path::to_path_buf), chunk));
        sent += 1;
    });
    drop(tx);
    let changes = read?;
    if sent == 0 && changes.too_large.is_empty() {
        return Ok(None);
    }
    let mut done = {
        let cell = shared.pipeline.wait();
        shared.drain(cell.as_ref().map_err(|e| anyhow!("{e}"))?)
    };
    done.extend(
        worker
            .join()
            .map_err(|_| anyhow!("scanning failed unexpectedly"))?,
    );
    // The worker is gone: this thread holds the only reference.
    let pipeline = Arc::try_unwrap(shared)
        .ok()
        .and_then(|s| s.pipeline.into_inner())
        .ok_or_else(|| anyhow!("scanning failed unexpectedly"))?
        .map_err(|e| anyhow!("{e}"))?;
    done.sort_by_key(|(order, ..)| *order);
    let root = root.or(changes.workdir.clone());
    let mut seen = Seen::default();
    let mut report = Report::default();
    for (_, path, provenance, unit) in done {
        seen.paths.push((path, provenance));
        Pipeline::add(&mut report, &mut seen, unit);
    }
    let large: Vec<(String, u64)> = changes
        .too_large
        .into_iter()
        .filter(|(p, _)| {
            root.as_deref()
                .is_none_or(|r| pipeline.filter().keep(&r.join(p), false))
        })
        .collect();
    for (p, _) in &large {
        seen.paths.push((p.clone(), Provenance::Staged));
    }
    report.summary.skipped_large = large;
    block_large(&mut report);
    if Pipeline::wants_manifests(&report) {
        // The staged change may not touch the manifest that answers a warning: read the
        // manifests in the index (only now, so the usual commit reads nothing more).
        // Excluded manifests answer nothing, as in `scan` and the push gates.
        for (path, bytes) in manifest::in_index(crate::pipeline::is_manifest)? {
            if root
                .as_deref()
                .is_none_or(|r| pipeline.filter().keep(&r.join(&path), false))
            {
                seen.declare(&path, &bytes);
            }
        }
    }
    pipeline.finish(&mut report, &seen);
    report.summary.elapsed = started.elapsed();
    Ok(Some((report, pipeline)))
}

/// Warns about baseline entries whose file no longer exists. The gate sees only the staged
/// files, so it cannot tell every stale entry (`pyguard scan` over the project can); an entry
/// for a file that is gone from the work tree is stale for sure. Entries recorded from history
/// are not the work tree's to judge.
fn note_stale_baseline(pipeline: &Pipeline, settings: &Settings) {
    let Some(baseline) = pipeline.suppressor().baseline() else {
        return;
    };
    let gone = baseline
        .entries
        .iter()
        .filter(|e| !e.from_history() && !settings.config.root.join(&e.path).exists())
        .count();
    if gone > 0 {
        message::note(&format!(
            "{gone} baseline {} at files that no longer exist; `pyguard baseline --prune` drops stale entries",
            if gone == 1 { "entry points" } else { "entries point" }
        ));
    }
}

fn commit_msg(flags: &Flags, file: &Path) -> Result<u8> {
    let started = Instant::now();
    let text = std::fs::read(file)
        .with_context(|| format!("failed to read the commit message {}", file.display()))?;
    let message = commit_message::kept(&text, &commit_message::mode());
    let settings = settings(flags)?;
    // People paste tokens into messages; Python patterns make no sense there.
    let pipeline = settings.pipeline(
        |p| p.spec.kind == Kind::Secret,
        Path::new("."),
        UseBaseline::Yes,
    )?;
    let chunk = Chunk::new(
        crate::source::fs::display(file),
        message,
        Provenance::CommitMessage,
    );
    let changes = Changes {
        chunks: vec![chunk],
        ..Changes::default()
    };
    // A message has no path in the tree: only its content is judged.
    let mut report = Report::default();
    let mut seen = Seen::default();
    for c in &changes.chunks {
        Pipeline::add(&mut report, &mut seen, pipeline.scan(c));
    }
    pipeline.finish(&mut report, &seen);
    report.summary.elapsed = started.elapsed();
    Ok(gate::verdict(
        &report,
        pipeline.patterns(),
        settings.format,
        settings.report_options(),
        Gate::CommitMessage,
    )?)
}

fn pre_push(flags: &Flags, remote: &str) -> Result<u8> {
    let started = Instant::now();
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .context("failed to read the pushed refs from standard input")?;
    let updates = push::parse_updates(&input)?;
    let settings = settings(flags)?;
    let pipeline = settings.pipeline(|_| true, Path::new("."), UseBaseline::Yes)?;
    let root = &settings.config.root;
    let changes = push::read(
        remote,
        &updates,
        settings.config.max_file_size,
        &|old, new| same_rules(&pipeline, root, old, new),
    )?;
    let tips: Vec<_> = updates.iter().filter_map(|u| u.local).collect();
    let manifests = || manifest::at_commits(&tips, settings.config.max_file_size);
    push_verdict(
        &pipeline,
        &settings,
        &changes,
        started,
        Gate::Push,
        &manifests,
    )
}

/// The verdict on what a push adds (pre-push, and the server's pre-receive and update): nothing
/// to say when it adds nothing; otherwise the report, with each finding's commit text redacted
/// (a token in its author or summary). `manifests` reads the pushed tips' manifests.
fn push_verdict(
    pipeline: &Pipeline,
    settings: &Settings,
    changes: &Changes,
    started: Instant,
    gate_kind: Gate,
    manifests: TipManifests<'_>,
) -> Result<u8> {
    if changes.chunks.is_empty() && changes.too_large.is_empty() {
        return Ok(0);
    }
    let mut report = scan_changes(pipeline, changes, started, manifests)?;
    crate::pipeline::finding::redact_commits(pipeline.scanner().matcher(), &mut report.findings);
    Ok(gate::verdict(
        &report,
        pipeline.patterns(),
        settings.format,
        settings.report_options(),
        gate_kind,
    )?)
}

/// The `pre-receive` hook's ref updates, from standard input.
fn read_updates() -> Result<Vec<receive::RefUpdate>> {
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .context("failed to read the ref updates from standard input")?;
    receive::parse_updates(&input)
}

/// The server-side gate: what the updates add, judged with the server's own configuration
/// (never one from the pushed content), suppressing only what its `server.repository_may`
/// policy lets the pushed content suppress.
fn receive(flags: &Flags, updates: &[receive::RefUpdate]) -> Result<u8> {
    let started = Instant::now();
    let git_dir = receive::git_dir()?;
    let server_flags = Flags {
        config: receive::server_config_path()?,
        ..flags.clone()
    };
    let mut settings = if server_flags.config.is_some() {
        Settings::build(&server_flags, &git_dir)?
    } else {
        Settings::build_default(&server_flags)?
    };
    settings.config.show_secrets = false;
    if !settings.config.server.allows(Loosen::InlineAllow) {
        settings.config.markers = Markers {
            pyguard: false,
            detect_secrets: false,
            gitleaks: false,
            nosec: false,
        };
    }
    // The repository's own baseline, from the pushed tip, when the policy allows it; never
    // a file in the server's directory.
    let mut baseline = None;
    if settings.config.server.allows(Loosen::Baseline) {
        for u in updates {
            if let Some(text) = receive::file_at(u, BASELINE_FILE)? {
                baseline = Some(Baseline::parse(
                    &text,
                    &format!("{}:{BASELINE_FILE}", u.name),
                )?);
                break;
            }
        }
    }
    let pipeline = settings.pipeline(|_| true, &git_dir, UseBaseline::Given(baseline))?;
    let changes = receive::read(updates, settings.config.max_file_size, &|old, new| {
        same_rules(&pipeline, &git_dir, old, new)
    })?;
    let tips: Vec<_> = updates.iter().filter_map(|u| u.new).collect();
    let manifests = || manifest::at_commits(&tips, settings.config.max_file_size);
    push_verdict(
        &pipeline,
        &settings,
        &changes,
        started,
        Gate::Receive,
        &manifests,
    )
}
