//! `pyguard hook <name>`, what the installed git hooks run, and `pyguard scan --staged`, its
//! user-facing twin: the commit gate on exactly what is staged (also run, as
//! `pre-merge-commit`, on the result of a merge git commits itself), the commit-message check
//! and the pre-push check.
//!
//! A hook is silent when the change is clean. When it blocks (exit 1) it prints the findings
//! through the human report writer, then how to fix, allow or bypass. When pyguard itself fails
//! it fails closed: exit 2 with a one-line reason and the bypass hint. Reading git is left to
//! `source`; this module only wires sources, the scanner and the report together.

use std::fmt::Write as _;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc, Mutex, OnceLock, PoisonError};
use std::time::Instant;

use anyhow::{anyhow, Context as _, Result};
use rayon::prelude::*;

use crate::cli::{HookArgs, HookRun, OutputArgs};
use crate::config::{Config, PathFilter};
use crate::matcher::Matcher;
use crate::pipeline::finding::escape_control;
use crate::pipeline::finding::Finding;
use crate::pipeline::scanner::{Outcome, Scanner};
use crate::pipeline::suppress::{Suppressed, Suppressor};
use crate::report::{Format, Report};
use crate::rules::pattern::Kind;
use crate::source::git::Changes;
use crate::source::{message, push, staged, Chunk, Provenance};

/// Below this many files the scan runs on the calling thread: starting a pool costs more.
const PARALLEL_FROM: usize = 16;

/// What a hook guards, for the messages it prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Gate {
    Commit,
    /// A merge git commits itself (no conflicts): the `pre-merge-commit` hook.
    Merge,
    CommitMessage,
    Push,
}

impl Gate {
    fn bypass(self) -> &'static str {
        match self {
            // A blocked merge is left in progress; `git commit` concludes it.
            Gate::Commit | Gate::CommitMessage | Gate::Merge => "git commit --no-verify",
            Gate::Push => "git push --no-verify",
        }
    }

    fn action(self) -> &'static str {
        match self {
            Gate::Commit | Gate::CommitMessage => "commit",
            Gate::Merge => "merge",
            Gate::Push => "push",
        }
    }
}

/// Runs one hook and returns its exit code. Never fails: an error blocks with exit 2.
pub fn run(args: &HookArgs) -> u8 {
    let (gate, result) = match &args.hook {
        HookRun::PreCommit => (Gate::Commit, pre_commit(Gate::Commit)),
        // git has written the merge result to the index: the same gate, against HEAD.
        HookRun::PreMergeCommit => (Gate::Merge, pre_commit(Gate::Merge)),
        HookRun::CommitMsg { file } => (Gate::CommitMessage, commit_msg(file)),
        HookRun::PrePush { remote, .. } => (Gate::Push, pre_push(remote)),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            let reason = format!("{err:#}").replace('\n', "; ");
            let _ = writeln!(
                anstream::stderr(),
                "pyguard: the {action} is blocked because pyguard failed: {reason} (bypass once: {bypass})",
                action = gate.action(),
                reason = escape_control(&reason),
                bypass = gate.bypass(),
            );
            2
        }
    }
}

/// `pyguard scan --staged`: the pre-commit gate with the usual report and summary.
pub fn scan_staged(out: &OutputArgs) -> Result<u8> {
    let started = Instant::now();
    let config = super::scan::load_config(out, Path::new("."))?;
    let max_file_size = config.max_file_size;
    let gate = Gatekeeper::new(config, |_| true)?;
    let changes = staged::read(max_file_size, &|old, new| gate.same_rules(old, new))?;
    let report = gate.scan(changes, started);
    let code = super::scan::emit(
        &report,
        gate.scanner.matcher().patterns(),
        out,
        &gate.config,
    )?;
    if code == 1 {
        hint(&report, Gate::Commit)?;
    }
    Ok(code)
}

/// The configuration in force and what it implies: patterns, suppression, path filter.
struct Gatekeeper {
    config: Config,
    scanner: Scanner,
    suppressor: Suppressor,
    filter: PathFilter,
}

impl Gatekeeper {
    /// Loads what the configuration says, keeping the patterns `keep` selects.
    fn new(config: Config, keep: impl Fn(&crate::rules::pattern::Pattern) -> bool) -> Result<Self> {
        let patterns = config.patterns()?.into_iter().filter(keep).collect();
        let scanner = Scanner::new(Matcher::new(patterns)?);
        let suppressor = Suppressor::for_config(&config)?;
        let filter = PathFilter::new(&config, &[], Path::new("."))?;
        Ok(Gatekeeper {
            config,
            scanner,
            suppressor,
            filter,
        })
    }

    /// The configuration for a hook run in the current directory (the top of the work tree).
    fn load() -> Result<Config> {
        let mut config = Config::load(None, Path::new("."))?;
        config.show_secrets = false;
        Ok(config)
    }

    /// Scans the chunks of a git change into a report, leaving out paths the configuration
    /// excludes and splitting off suppressed findings.
    fn scan(&self, changes: Changes, started: Instant) -> Report {
        let root = changes.workdir.as_deref();
        let chunks: Vec<&Chunk<'static>> = changes
            .chunks
            .iter()
            .filter(|c| self.keeps(root, c))
            .collect();
        let results: Vec<Scanned> = if chunks.len() < PARALLEL_FROM {
            chunks.iter().map(|c| self.scan_chunk(c)).collect()
        } else {
            chunks.par_iter().map(|c| self.scan_chunk(c)).collect()
        };
        let too_large = self.unscanned(root, changes.too_large);
        Self::report(results, too_large, started)
    }

    /// The files over the size limit that the configuration does not exclude. The gate does
    /// not let them through unscanned: [`Gatekeeper::report`] turns each into an error.
    fn unscanned(&self, root: Option<&Path>, too_large: Vec<(String, u64)>) -> Vec<(String, u64)> {
        too_large
            .into_iter()
            .filter(|(path, _)| root.is_none_or(|r| self.filter.keep(&r.join(path), false)))
            .collect()
    }

    /// Whether a file moved from `old` to `new` (paths from the top of the work tree) is
    /// scanned under the same rules at both: not excluded at one only, and matched alike.
    fn same_rules(&self, old: &str, new: &str) -> bool {
        let root = &self.config.root;
        self.filter.keep(&root.join(old), false) == self.filter.keep(&root.join(new), false)
            && self.scanner.same_rules(old, new)
    }

    /// Whether the configuration's path filter keeps a chunk (whose path is relative to the
    /// work tree `root`; a bare repository has none to filter by).
    fn keeps(&self, root: Option<&Path>, chunk: &Chunk<'_>) -> bool {
        root.is_none_or(|r| self.filter.keep(&r.join(&chunk.path), false))
    }

    /// Scans one chunk and splits off its suppressed findings.
    fn scan_chunk(&self, chunk: &Chunk<'_>) -> Scanned {
        let (outcome, errors) = self.scanner.scan(chunk);
        let outcome = match outcome {
            Outcome::Scanned(mut found) => {
                // A pushed commit's message is checked for secrets, as commit-msg does.
                if chunk.path == push::MESSAGE_PATH {
                    found.retain(|f| f.kind == Kind::Secret);
                }
                Some(self.suppressor.filter(chunk, found))
            }
            Outcome::Binary => None,
        };
        Scanned {
            outcome,
            errors,
            size: chunk.bytes.len() as u64,
        }
    }

    /// The report of scanned chunks, with the files left out for their size.
    fn report(results: Vec<Scanned>, too_large: Vec<(String, u64)>, started: Instant) -> Report {
        let mut report = Report::default();
        for Scanned {
            outcome,
            errors,
            size,
        } in results
        {
            report
                .summary
                .errors
                .extend(errors.into_iter().map(|e| format!("{e:#}")));
            match outcome {
                None => report.summary.skipped_binary += 1,
                Some((kept, suppressed)) => {
                    report.summary.files_scanned += 1;
                    report.summary.bytes_scanned += size;
                    report.findings.extend(kept);
                    report.suppressed.extend(suppressed);
                }
            }
        }
        // A gate never lets a file through unscanned: one over the size limit blocks.
        for (path, size) in &too_large {
            report.summary.errors.push(format!(
                "{path} ({}) is over max_file_size and was not scanned, so it cannot pass: \
                 raise max_file_size in .pyguard.yaml, or exclude the path",
                crate::report::human_bytes(*size)
            ));
        }
        report.summary.skipped_large = too_large;
        report.summary.skipped_large.sort();
        report.summary.elapsed = started.elapsed();
        report.sort();
        report
    }
}

/// One chunk's scan: its findings, kept and suppressed (`None` for binary content), errors,
/// and size.
struct Scanned {
    outcome: Option<(Vec<Finding>, Vec<Suppressed>)>,
    errors: Vec<anyhow::Error>,
    size: u64,
}

/// A staged chunk on its way to be scanned: its place in reading order, the work tree its
/// path is relative to, and the chunk.
type Queued = (usize, Option<PathBuf>, Chunk<'static>);

/// What the commit gate's threads share: the patterns, loaded by the worker thread, and the
/// chunks read so far.
struct Shared {
    gate: OnceLock<Result<Gatekeeper, String>>,
    queue: Mutex<mpsc::Receiver<Queued>>,
}

impl Shared {
    /// Scans queued chunks until the queue is closed and empty.
    fn drain(&self, gate: &Gatekeeper) -> Vec<(usize, Scanned)> {
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
            if gate.keeps(root.as_deref(), &chunk) {
                out.push((order, gate.scan_chunk(&chunk)));
            }
        }
    }
}

/// The gate on the index against HEAD, for `pre-commit` and `pre-merge-commit`.
///
/// Three things overlap on two cores: a worker thread loads the patterns while this one
/// opens the repository and finds what is staged; the worker scans each file as soon as it
/// is read, while this one reads the next; when reading is done, this thread scans what is
/// left alongside the worker.
fn pre_commit(gate_kind: Gate) -> Result<u8> {
    let started = Instant::now();
    let config = Gatekeeper::load()?;
    let max_file_size = config.max_file_size;
    let (tx, rx) = mpsc::channel::<Queued>();
    let shared = Arc::new(Shared {
        gate: OnceLock::new(),
        queue: Mutex::new(rx),
    });
    let worker = {
        let shared = Arc::clone(&shared);
        std::thread::Builder::new()
            .name("pyguard-scan".into())
            .spawn(move || {
                // Always settles the cell, even on a panic, so that the wait below ends.
                let gate = shared.gate.get_or_init(|| {
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        let gate =
                            Gatekeeper::new(config, |_| true).map_err(|e| format!("{e:#}"))?;
                        gate.scanner.matcher().prepare_focused();
                        Ok(gate)
                    }))
                    .unwrap_or_else(|_| Err("loading the patterns failed unexpectedly".into()))
                });
                match gate {
                    Ok(gate) => shared.drain(gate),
                    Err(_) => Vec::new(),
                }
            })
            .context("failed to start a thread")?
    };
    let mut sent = 0;
    // A rename is judged against the patterns, so it waits for them; few commits have one.
    let same_rules = |old: &str, new: &str| {
        shared
            .gate
            .wait()
            .as_ref()
            .is_ok_and(|g| g.same_rules(old, new))
    };
    let read = staged::read_each(max_file_size, &same_rules, &mut |root, chunk| {
        // The worker holds the receiver until this function returns.
        let _ = tx.send((sent, root.map(Path::to_path_buf), chunk));
        sent += 1;
    });
    drop(tx);
    let changes = read?;
    if sent == 0 && changes.too_large.is_empty() {
        // Nothing added (a message-only amend, a deletion): the patterns are not needed.
        return Ok(0);
    }
    let gate = shared.gate.wait().as_ref().map_err(|e| anyhow!("{e}"))?;
    let mut results = shared.drain(gate);
    results.extend(
        worker
            .join()
            .map_err(|_| anyhow!("scanning failed unexpectedly"))?,
    );
    results.sort_by_key(|(order, _)| *order);
    note_stale_baseline(gate);
    let too_large = gate.unscanned(changes.workdir.as_deref(), changes.too_large);
    let report = Gatekeeper::report(
        results.into_iter().map(|(_, scanned)| scanned).collect(),
        too_large,
        started,
    );
    verdict(&report, gate, gate_kind)
}

/// Warns about baseline entries whose file no longer exists. The hook sees only the staged
/// files, so it cannot tell every stale entry (`pyguard scan` over the project can); an entry
/// for a file that is gone from the work tree is stale for sure.
fn note_stale_baseline(gk: &Gatekeeper) {
    let Some(baseline) = gk.suppressor.baseline() else {
        return;
    };
    let gone = baseline
        .entries
        .iter()
        .filter(|e| !gk.config.root.join(&e.path).exists())
        .count();
    if gone > 0 {
        let _ = writeln!(
            anstream::stderr(),
            "pyguard: note: {gone} baseline {} at files that no longer exist; `pyguard baseline --prune` drops stale entries",
            if gone == 1 { "entry points" } else { "entries point" }
        );
    }
}

fn commit_msg(file: &Path) -> Result<u8> {
    let started = Instant::now();
    let text = std::fs::read(file)
        .with_context(|| format!("failed to read the commit message {}", file.display()))?;
    let message = message::kept(&text, &message::mode());
    // People paste tokens into messages; Python patterns make no sense there.
    let gate = Gatekeeper::new(Gatekeeper::load()?, |p| p.spec.kind == Kind::Secret)?;
    let chunk = Chunk::new(
        crate::source::fs::display(file),
        message,
        Provenance::CommitMessage,
    );
    let changes = Changes {
        chunks: vec![chunk],
        ..Changes::default()
    };
    let report = gate.scan(changes, started);
    verdict(&report, &gate, Gate::CommitMessage)
}

fn pre_push(remote: &str) -> Result<u8> {
    let started = Instant::now();
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .context("failed to read the pushed refs from standard input")?;
    let updates = push::parse_updates(&input)?;
    let config = Gatekeeper::load()?;
    let max_file_size = config.max_file_size;
    let gate = Gatekeeper::new(config, |_| true)?;
    let changes = push::read(remote, &updates, max_file_size, &|old, new| {
        gate.same_rules(old, new)
    })?;
    if changes.chunks.is_empty() && changes.too_large.is_empty() {
        return Ok(0);
    }
    let report = gate.scan(changes, started);
    verdict(&report, &gate, Gate::Push)
}

/// Prints nothing for a clean change; otherwise the report and, when it blocks, what to do.
fn verdict(report: &Report, gk: &Gatekeeper, gate: Gate) -> Result<u8> {
    if report.findings.is_empty() && report.summary.errors.is_empty() {
        let mut err = anstream::stderr();
        for (path, size) in &report.summary.skipped_large {
            writeln!(
                err,
                "pyguard: note: {} not scanned ({}, over the size limit)",
                escape_control(path),
                crate::report::human_bytes(*size)
            )?;
        }
        return Ok(0);
    }
    for e in &report.summary.errors {
        writeln!(anstream::stderr(), "pyguard: error: {}", escape_control(e))?;
    }
    let out = OutputArgs {
        format: Format::Human,
        show_secrets: false,
        max_file_size: None,
        threads: None,
        quiet: false,
        verbose: false,
        config: None,
    };
    let code = super::scan::emit(report, gk.scanner.matcher().patterns(), &out, &gk.config)?;
    match code {
        1 => hint(report, gate)?,
        2 => writeln!(
            anstream::stderr(),
            "pyguard: the {} is blocked because pyguard could not check everything (bypass once: {})",
            gate.action(),
            gate.bypass()
        )?,
        _ => {}
    }
    Ok(code)
}

/// How to fix, allow or bypass a blocked commit or push.
fn hint(report: &Report, gate: Gate) -> Result<()> {
    let n = report.blocking();
    let s = if n == 1 { "" } else { "s" };
    let mut ids: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.severity == crate::rules::pattern::Severity::Error)
        .map(|f| f.pattern_id.as_str())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let mut text = match gate {
        Gate::Commit => format!(
            "pyguard blocked this commit: the staged changes add {n} blocking finding{s}.\n  \
             fix:    remove it from the file and `git add` it again; if a secret was ever real, \
             rotate it (revoke and replace it).\n"
        ),
        Gate::Merge => format!(
            "pyguard blocked this merge: it adds {n} blocking finding{s} relative to HEAD.\n  \
             fix:    the merge is left in progress, not committed: remove it from the file, \
             `git add` it and `git commit` (or give up with `git merge --abort`); if a secret \
             was ever real, rotate it (revoke and replace it).\n"
        ),
        Gate::CommitMessage => format!(
            "pyguard blocked this commit: its message contains {n} secret{s}.\n  \
             fix:    write the message without it (git keeps the text in .git/COMMIT_EDITMSG); \
             if it was ever real, rotate it (revoke and replace it).\n"
        ),
        Gate::Push => format!(
            "pyguard blocked this push: the commits it sends add {n} blocking finding{s}.\n  \
             fix:    rewrite those commits without it (`git commit --amend`, `git rebase -i`); \
             if a secret was ever real, rotate it (revoke and replace it).\n"
        ),
    };
    if gate != Gate::CommitMessage {
        let _ = writeln!(
            text,
            "  allow:  a false positive can be allowed with a `# pyguard: allow[{}]` comment on \
             its line, or recorded in the baseline (`pyguard baseline`).",
            ids.first().copied().unwrap_or("id")
        );
    }
    let _ = writeln!(text, "  bypass: once, at your own risk: {}", gate.bypass());
    let mut err = anstream::stderr().lock();
    err.write_all(text.as_bytes())?;
    err.flush()?;
    Ok(())
}
