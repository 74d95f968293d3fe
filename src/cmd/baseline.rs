//! `pyguard baseline [PATH]`: writes `.pyguard-baseline.json` at the project root with every
//! current finding (by pattern id and salted hash, never the secret), so that an existing
//! repository can adopt pyguard and block only new findings. `--update` rewrites it,
//! `--prune` drops entries that match nothing any more.
//!
//! Scanning is `scan`'s; the file format and matching are `suppress`'s.

use std::collections::HashSet;
use std::io::IsTerminal as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Result};

use super::scan;
use crate::cli::BaselineArgs;
use crate::cmd::history;
use crate::matcher::Matcher;
use crate::pipeline::scanner::Scanner;
use crate::pipeline::suppress::{self, Baseline, Suppressor};
use crate::source::history::Selection;

/// Runs `pyguard baseline`.
pub fn run(args: &BaselineArgs) -> Result<u8> {
    let started = Instant::now();
    let root = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    let config = scan::load_config(&args.output, &root)?;
    let path = suppress::baseline_path(&config);
    let shown = path.display().to_string();
    let existing = Baseline::load(&path)?;
    match (&existing, args.update, args.prune) {
        (Some(_), false, false) => bail!(
            "{shown} already exists: `--update` rewrites it with the current findings, `--prune` drops entries that match nothing"
        ),
        (None, _, true) => bail!("there is no baseline at {shown} to prune"),
        _ => {}
    }
    let scanner = Scanner::new(Matcher::new(config.patterns()?)?);
    // Inline comments and allow regexes still apply: what they suppress needs no entry.
    let suppressor = Suppressor::new(&config, None);
    let report = if args.history {
        let show_progress = std::io::stderr().is_terminal() && !args.output.quiet;
        history::scan_history(
            &root,
            &Selection::default(),
            (&scanner, &suppressor),
            &config,
            show_progress,
        )?
    } else {
        scan::scan_paths(&[root], &args.exclude, &config, &scanner, &suppressor)?
    };
    if !report.summary.errors.is_empty() {
        bail!(
            "{} path(s) could not be scanned (see above); the baseline was not written",
            report.summary.errors.len()
        );
    }
    let mut baseline = existing.clone().unwrap_or_default();
    let current: Vec<_> = report.findings.iter().map(|f| baseline.entry(f)).collect();
    let before = baseline.entries.len();
    let message = if args.prune {
        let live: HashSet<(&str, &str)> = current
            .iter()
            .map(|e| (e.pattern_id.as_str(), e.hash.as_str()))
            .collect();
        baseline
            .entries
            .retain(|e| live.contains(&(e.pattern_id.as_str(), e.hash.as_str())));
        format!(
            "pruned {} stale entr{}, {} left",
            before - baseline.entries.len(),
            if before - baseline.entries.len() == 1 {
                "y"
            } else {
                "ies"
            },
            baseline.entries.len()
        )
    } else {
        baseline.entries = current;
        format!("{} entries", baseline.entries.len())
    };
    baseline.write(&path)?;
    if !args.output.quiet {
        let mut out = anstream::stdout().lock();
        writeln!(out, "wrote {shown}: {message}")?;
        if args.output.verbose {
            writeln!(
                out,
                "{} files scanned, {} findings suppressed inline or by allow, {:.2}s",
                report.summary.files_scanned,
                report.suppressed.len(),
                started.elapsed().as_secs_f64()
            )?;
        }
    }
    Ok(0)
}
