//! `pyguard baseline [PATH]`: writes `.pyguard-baseline.json` at the project root with every
//! current finding (by pattern id and salted hash, never the secret), so that an existing
//! repository can adopt pyguard and block only new findings. `--update` rewrites it,
//! `--prune` drops entries that match nothing any more. `--history` records the findings of
//! the whole history, marked as such: a later work-tree scan does not call them stale and
//! a work-tree `--prune` keeps them.
//!
//! Scanning is the pipeline's; the file format and matching are `suppress`'s.

use std::collections::HashSet;
use std::io::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Result};

use crate::cli::BaselineArgs;
use crate::pipeline::history as history_scan;
use crate::pipeline::suppress::{self, Baseline, HISTORY_SOURCE};
use crate::pipeline::walk;
use crate::report::{message, progress};
use crate::settings::{Flags, UseBaseline};
use crate::source::history::Selection;

/// Runs `pyguard baseline`.
pub fn run(args: &BaselineArgs, flags: &Flags) -> Result<u8> {
    if args.history {
        super::bound_malloc_arenas();
    }
    let started = Instant::now();
    let root = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    let settings = super::load_settings(flags, &root)?;
    let path = suppress::baseline_path(&settings.config.root);
    let shown = path.display().to_string();
    let existing = Baseline::load(&path)?;
    match (&existing, args.update, args.prune) {
        (Some(_), false, false) => bail!(
            "{shown} already exists: `--update` rewrites it with the current findings, `--prune` drops entries that match nothing"
        ),
        (None, _, true) => bail!("there is no baseline at {shown} to prune"),
        _ => {}
    }
    // Inline comments and allow regexes still apply: what they suppress needs no entry.
    let pipeline = settings.pipeline(|_| true, &root, UseBaseline::No)?;
    let report = if args.history {
        history_scan::scan_history(
            &root,
            &Selection::default(),
            &pipeline,
            settings.limits(),
            progress::on_stderr(settings.quiet).as_ref(),
        )?
    } else {
        walk::scan_paths(
            &[root],
            &pipeline,
            settings.config.max_file_size,
            settings.config.threads,
        )
    };
    for e in &report.summary.errors {
        message::error(e);
    }
    if !report.summary.errors.is_empty() {
        bail!(
            "{} path(s) could not be scanned (see above); the baseline was not written",
            report.summary.errors.len()
        );
    }
    let mut baseline = existing.clone().unwrap_or_default();
    let source = args.history.then(|| HISTORY_SOURCE.to_string());
    let current: Vec<_> = report
        .findings
        .iter()
        .map(|f| {
            let mut e = baseline.entry(f);
            e.source.clone_from(&source);
            e
        })
        .collect();
    let before = baseline.entries.len();
    let message = if args.prune {
        let live: HashSet<(&str, &str)> = current
            .iter()
            .map(|e| (e.pattern_id.as_str(), e.hash.as_str()))
            .collect();
        // A work-tree scan cannot judge what history recorded (and the other way round).
        baseline.entries.retain(|e| {
            e.from_history() != args.history
                || live.contains(&(e.pattern_id.as_str(), e.hash.as_str()))
        });
        let pruned = before - baseline.entries.len();
        format!(
            "pruned {pruned} stale entr{}, {} left",
            if pruned == 1 { "y" } else { "ies" },
            baseline.entries.len()
        )
    } else {
        // Entries of the other mode are kept; this mode's are replaced.
        baseline
            .entries
            .retain(|e| e.from_history() != args.history);
        baseline.entries.extend(current);
        format!("{} entries", baseline.entries.len())
    };
    baseline.write(&path)?;
    if !settings.quiet {
        let mut out = anstream::stdout().lock();
        writeln!(out, "wrote {shown}: {message}")?;
        if settings.verbose {
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
