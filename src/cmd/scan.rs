//! `pyguard scan [PATH...]`: scans files, directory trees (in parallel, honouring
//! `.gitignore`) and standard input, then the set of walked paths (committed environments,
//! bytecode), and reports what it finds.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

use anyhow::{Context as _, Result};

use crate::cli::{OutputArgs, ScanArgs};
use crate::config::{Config, PathFilter};
use crate::matcher::Matcher;
use crate::pipeline::finding::escape_control;
use crate::pipeline::pathset;
use crate::pipeline::scanner::{Outcome, Scanner};
use crate::pipeline::suppress::Suppressor;
use crate::report::{self, Options, Report};
use crate::rules::pattern;
use crate::source::{fs, Chunk, Provenance};

/// Runs `pyguard scan`.
pub fn run(args: &ScanArgs) -> Result<u8> {
    if args.staged {
        return super::hook::scan_staged(&args.output);
    }
    let started = Instant::now();
    let roots: Vec<PathBuf> = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let config = load_config(&args.output, &roots[0])?;
    let scanner = Scanner::new(Matcher::new(config.patterns()?)?);
    let suppressor = Suppressor::for_config(&config)?;
    if args.output.verbose {
        note(&format!(
            "configuration: {}; {} patterns; baseline: {}; loaded in {:.3}s",
            config.file.as_deref().unwrap_or("none (defaults)"),
            scanner.matcher().patterns().len(),
            suppressor.baseline().map_or_else(
                || "none".to_string(),
                |b| format!("{} entries", b.entries.len())
            ),
            started.elapsed().as_secs_f64()
        ));
    }
    let mut report = scan_paths(&roots, &args.exclude, &config, &scanner, &suppressor)?;
    // With extra --exclude globs, entries for the excluded files would look stale.
    if args.exclude.is_empty() {
        report.summary.baseline_stale = stale_baseline(&suppressor, &roots, &config, &args.output);
    }
    report.summary.elapsed = started.elapsed();
    emit(&report, scanner.matcher().patterns(), &args.output, &config)
}

/// Loads the configuration for a run starting at `start` and applies the shared flags; prints
/// its notes unless `--quiet`.
pub fn load_config(out: &OutputArgs, start: &Path) -> Result<Config> {
    let mut config = Config::load(out.config.as_deref(), start)?;
    config.apply_flags(out);
    if !out.quiet {
        for n in &config.notes {
            note(n);
        }
    }
    Ok(config)
}

/// Counts (and, unless `--quiet`, prints) baseline entries that matched nothing. Only a run
/// over the whole project can tell: a scan of one directory does not see the others.
pub fn stale_baseline(
    suppressor: &Suppressor,
    roots: &[PathBuf],
    config: &Config,
    out: &OutputArgs,
) -> usize {
    let root = std::fs::canonicalize(&config.root).ok();
    let whole = roots.iter().any(|r| {
        std::fs::canonicalize(r)
            .ok()
            .is_some_and(|r| Some(&r) == root.as_ref())
    });
    if !whole {
        return 0;
    }
    let stale = suppressor.stale();
    if !stale.is_empty() && !out.quiet {
        note(&format!(
            "{} baseline entr{} no longer match anything (e.g. {}:{} {}); `pyguard baseline --prune` drops them",
            stale.len(),
            if stale.len() == 1 { "y" } else { "ies" },
            escape_control(&stale[0].path),
            stale[0].line,
            stale[0].pattern_id
        ));
    }
    stale.len()
}

/// Scans `roots` (files, directories, `-` for standard input) with the configuration's path
/// filter, and splits findings into kept and suppressed. The report is sorted; its elapsed
/// time is left to the caller.
pub fn scan_paths(
    roots: &[PathBuf],
    flag_excludes: &[String],
    config: &Config,
    scanner: &Scanner,
    suppressor: &Suppressor,
) -> Result<Report> {
    let report = Mutex::new(Report::default());
    // Every path the walk meets, for the checks that judge the set (committed environments).
    let seen = Mutex::new(Vec::new());
    // Requirement names declared by the manifests scanned (see `deps::ANSWERED_BY_DEPENDENCY`).
    let declared = Mutex::new(std::collections::HashSet::new());
    let record = |chunk: Chunk<'_>| {
        if chunk.provenance == Provenance::File {
            lock(&seen).push(chunk.path.clone());
        }
        let names = crate::matcher::deps::declared_names(&chunk.path, &chunk.bytes);
        if !names.is_empty() {
            declared
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .extend(names);
        }
        let (outcome, errors) = scanner.scan(&chunk);
        let filtered = match outcome {
            Outcome::Scanned(found) => Some(suppressor.filter(&chunk, found)),
            Outcome::Binary => None,
        };
        let mut r = lock(&report);
        for e in errors {
            note_error(&mut r, format!("{e:#}"));
        }
        match filtered {
            None => r.summary.skipped_binary += 1,
            Some((kept, suppressed)) => {
                r.summary.files_scanned += 1;
                r.summary.bytes_scanned += chunk.bytes.len() as u64;
                r.findings.extend(kept);
                r.suppressed.extend(suppressed);
            }
        }
    };
    let mut walk_roots = Vec::new();
    for root in roots {
        if root.as_os_str() == "-" {
            match fs::read_stdin(config.max_file_size) {
                fs::Entry::File { path, bytes } => {
                    record(Chunk::new(path, bytes, Provenance::Stdin));
                }
                fs::Entry::TooLarge { path, size } => {
                    lock(&report).summary.skipped_large.push((path, size));
                }
                fs::Entry::Error(e) => note_error(&mut lock(&report), e),
            }
        } else if let Err(e) = std::fs::symlink_metadata(root) {
            note_error(&mut lock(&report), format!("{}: {e}", root.display()));
        } else {
            walk_roots.push(root.clone());
        }
    }
    if let Some(first) = walk_roots.first() {
        let filter = PathFilter::new(config, flag_excludes, first)?;
        fs::walk_with(
            &walk_roots,
            move |path, is_dir| filter.keep(path, is_dir),
            config.max_file_size,
            config.threads,
            |entry| match entry {
                fs::Entry::File { path, bytes } => {
                    record(Chunk::new(path, bytes, Provenance::File));
                }
                fs::Entry::TooLarge { path, size } => {
                    lock(&seen).push(path.clone());
                    lock(&report).summary.skipped_large.push((path, size));
                }
                fs::Entry::Error(msg) => note_error(&mut lock(&report), msg),
            },
        );
    }
    let mut report = report
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let seen = seen
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let check = pathset::check_paths(
        scanner.matcher().patterns(),
        seen.iter().map(String::as_str),
        &Provenance::File,
    );
    check.fold(&mut report.findings);
    // Findings on the set of paths have no chunk of their own: the configuration's allow
    // list and the baseline apply, inline comments cannot.
    for f in check.findings {
        let empty = Chunk::new(f.path.clone(), &[][..], Provenance::File);
        let (kept, suppressed) = suppressor.filter(&empty, vec![f]);
        report.findings.extend(kept);
        report.suppressed.extend(suppressed);
    }
    // A warning that a dependency declared anywhere in this scan answers is dropped
    // (`import Crypto` with pycryptodome in requirements.txt).
    let declared = declared
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    report.findings.retain(|f| {
        !crate::matcher::deps::ANSWERED_BY_DEPENDENCY
            .iter()
            .any(|(id, pkg)| f.pattern_id == *id && declared.contains(*pkg))
    });
    report.summary.skipped_large.sort();
    report.sort();
    Ok(report)
}

/// Settings from the shared output flags alone (no configuration file).
#[must_use]
pub fn config_from(out: &OutputArgs) -> Config {
    let mut c = Config::default();
    if let Some(n) = out.max_file_size {
        c.max_file_size = n;
    }
    c.show_secrets = out.show_secrets;
    c.threads = out.threads.unwrap_or(0);
    c
}

/// Writes the report to stdout in the chosen format and returns the exit code. A closed pipe
/// (`pyguard scan | head`) is not an error.
pub fn emit(
    report: &Report,
    patterns: &[pattern::Pattern],
    out: &OutputArgs,
    config: &Config,
) -> Result<u8> {
    let opts = Options {
        show_secrets: config.show_secrets,
        quiet: out.quiet,
        verbose: out.verbose,
    };
    let mut stdout = anstream::stdout().lock();
    let written = report::write(out.format, &mut stdout, report, patterns, opts)
        .and_then(|()| stdout.flush());
    match written {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other.context("failed to write the report")?,
    }
    Ok(report.exit_code())
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Prints a one-line note on stderr (not part of the report).
pub fn note(msg: &str) {
    let _ = writeln!(anstream::stderr(), "pyguard: note: {}", escape_control(msg));
}

/// Records an error and prints it at once, one line, on stderr.
fn note_error(report: &mut Report, msg: String) {
    let line = escape_control(&msg).into_owned();
    let _ = writeln!(anstream::stderr(), "pyguard: error: {line}");
    report.summary.errors.push(msg);
}
