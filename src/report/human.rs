//! The human report: one block per finding, with the offending line and the secret redacted,
//! then a one-line summary. Colour is added here and stripped by the caller's stream when the
//! output is not a terminal or `NO_COLOR` is set.

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};

use super::{human_bytes, Options, Report};
use crate::pipeline::finding::{escape_control, Finding};
use crate::rules::pattern::Severity;
use crate::source::Provenance;

const ERROR: Style = AnsiColor::Red.on_default().bold();
const WARNING: Style = AnsiColor::Yellow.on_default().bold();
const DIM: Style = AnsiColor::Blue.on_default().bold();
const BOLD: Style = Style::new().bold();

/// Writes the human report.
pub fn write(out: &mut dyn Write, report: &Report, opts: Options) -> io::Result<()> {
    for f in &report.findings {
        finding(out, f, opts)?;
    }
    if opts.quiet {
        return Ok(());
    }
    let s = &report.summary;
    for (path, size) in &s.skipped_large {
        writeln!(
            out,
            "{WARNING}note{WARNING:#}: skipped {} ({}, over the size limit; raise it with --max-file-size)",
            escape_control(path),
            human_bytes(*size)
        )?;
    }
    let n = report.findings.len();
    if n == 0 && s.files_scanned == 0 && !s.errors.is_empty() {
        // Nothing was read: "no findings in 0 files" would read as a clean result.
        return could_not_scan(out, s.errors.len());
    }
    let blocking = report.blocking();
    let status = if n == 0 {
        format!("{BOLD}no findings{BOLD:#}")
    } else {
        let style = if blocking > 0 { ERROR } else { WARNING };
        format!(
            "{style}{n} finding{}{style:#} ({blocking} blocking, {} warning{})",
            plural(n),
            n - blocking,
            plural(n - blocking)
        )
    };
    if let Some(h) = &s.history {
        write!(
            out,
            "{status} in {} commit{}, {} unique blob{} ({} scanned, {}), {:.2}s",
            h.commits,
            plural(h.commits as usize),
            h.blobs,
            plural(h.blobs as usize),
            s.files_scanned,
            human_bytes(s.bytes_scanned),
            s.elapsed.as_secs_f64()
        )?;
        let skipped = s.skipped_binary + h.skipped_lfs + s.skipped_large.len() as u64;
        if skipped > 0 || opts.verbose {
            write!(
                out,
                "; skipped {} binary, {} LFS pointer{}, {} too large",
                s.skipped_binary,
                h.skipped_lfs,
                plural(h.skipped_lfs as usize),
                s.skipped_large.len()
            )?;
        }
    } else {
        write!(
            out,
            "{status} in {} ({})",
            scanned(s),
            human_bytes(s.bytes_scanned)
        )?;
    }
    if !report.suppressed.is_empty() {
        write!(out, ", {} suppressed", report.suppressed.len())?;
        if opts.verbose {
            let count = |k: &str| {
                report
                    .suppressed
                    .iter()
                    .filter(|x| x.reason.kind() == k)
                    .count()
            };
            write!(
                out,
                " ({} inline, {} allow, {} baseline)",
                count("inline"),
                count("allow"),
                count("baseline")
            )?;
        }
    }
    if opts.verbose && s.history.is_none() {
        write!(
            out,
            ", {} binary skipped, {} too large, {:.2}s",
            s.skipped_binary,
            s.skipped_large.len(),
            s.elapsed.as_secs_f64()
        )?;
    }
    writeln!(out)?;
    if !s.errors.is_empty() {
        could_not_scan(out, s.errors.len())?;
    }
    Ok(())
}

/// What a run other than history read: "3 files", "1 commit message", or both.
fn scanned(s: &crate::pipeline::summary::Summary) -> String {
    let files = format!(
        "{} file{}",
        s.files_scanned,
        plural(s.files_scanned as usize)
    );
    let messages = format!(
        "{} commit message{}",
        s.messages_scanned,
        plural(s.messages_scanned as usize)
    );
    match (s.files_scanned, s.messages_scanned) {
        (_, 0) => files,
        (0, _) => messages,
        _ => format!("{files} and {messages}"),
    }
}

fn could_not_scan(out: &mut dyn Write, errors: usize) -> io::Result<()> {
    writeln!(
        out,
        "{ERROR}{errors} path{} could not be scanned{ERROR:#} (see the errors above)",
        plural(errors)
    )
}

fn finding(out: &mut dyn Write, f: &Finding, opts: Options) -> io::Result<()> {
    let style = match f.severity {
        Severity::Error => ERROR,
        Severity::Warning => WARNING,
    };
    writeln!(
        out,
        "{style}{}[{}]{style:#} {BOLD}{}{BOLD:#} {DIM}({} confidence){DIM:#}",
        f.severity, f.pattern_id, f.pattern_name, f.confidence
    )?;
    writeln!(
        out,
        "  {DIM}-->{DIM:#} {}{}:{}:{}",
        escape_control(&f.path),
        f.extract
            .as_ref()
            .map(|e| format!("[{}]", escape_control(e)))
            .unwrap_or_default(),
        f.line,
        f.column
    )?;
    if let Provenance::Commit(c) = &f.provenance {
        writeln!(
            out,
            "  {DIM}commit{DIM:#} {} {} {}",
            &c.id[..c.id.len().min(12)],
            escape_control(&c.date),
            escape_control(&c.author)
        )?;
    }
    places(out, f)?;
    if f.kind == crate::rules::pattern::Kind::File {
        // A whole-file finding shows no content, only what the detector noted, if anything.
        if !f.snippet.is_empty() {
            writeln!(out, "  {DIM}={DIM:#} {}", escape_control(&f.snippet))?;
        }
        return writeln!(out);
    }
    let num = f.line.to_string();
    let pad = " ".repeat(num.len());
    writeln!(out, "  {pad} {DIM}|{DIM:#}")?;
    writeln!(
        out,
        "  {DIM}{num} |{DIM:#} {}",
        escape_control(f.shown_snippet(opts.show_secrets).trim_end())
    )?;
    writeln!(out, "  {pad} {DIM}|{DIM:#}")?;
    if f.kind == crate::rules::pattern::Kind::Secret {
        writeln!(
            out,
            "  {pad} {DIM}={DIM:#} secret: {}{}",
            escape_control(&f.shown_secret(opts.show_secrets)),
            if opts.show_secrets {
                ""
            } else {
                " (redacted; --show-secrets prints it)"
            }
        )?;
    }
    writeln!(out)
}

/// The other places a merged finding occurs at (history), a few of them.
fn places(out: &mut dyn Write, f: &Finding) -> io::Result<()> {
    const SHOWN: usize = 5;
    for p in f.places.iter().skip(1).take(SHOWN) {
        write!(
            out,
            "  {DIM}also{DIM:#} {}:{}:{}",
            escape_control(&p.path),
            p.line,
            p.column
        )?;
        if let Provenance::Commit(c) = &p.provenance {
            write!(
                out,
                " (commit {} {})",
                &c.id[..c.id.len().min(12)],
                escape_control(&c.date)
            )?;
        }
        writeln!(out)?;
    }
    let more = f.places.len().saturating_sub(1 + SHOWN);
    if more > 0 {
        writeln!(
            out,
            "  {DIM}also{DIM:#} {more} more place{} (--format json lists them all)",
            plural(more)
        )?;
    }
    Ok(())
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
