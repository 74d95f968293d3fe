//! The JSON report, schema version 1, documented in `docs/reports.md` with a JSON Schema in
//! `docs/report.schema.json` (`tests/report_schema.rs` checks real reports against it). Fields
//! are only ever added; a breaking change bumps `version`.

use std::io::{self, Write};

use serde_json::{json, Value};

use super::{Options, Report};
use crate::pipeline::finding::Finding;
use crate::pipeline::suppress::Suppressed;
use crate::source::Provenance;

/// The schema version written in every JSON report.
pub const VERSION: u32 = 1;

/// Writes the JSON report.
pub fn write(out: &mut dyn Write, report: &Report, opts: Options) -> io::Result<()> {
    let s = &report.summary;
    let doc = json!({
        "version": VERSION,
        "tool": {"name": "pyguard", "version": env!("CARGO_PKG_VERSION")},
        "findings": report.findings.iter().map(|f| finding(f, opts)).collect::<Vec<_>>(),
        "suppressed": report.suppressed.iter().map(|s| suppressed(s, opts)).collect::<Vec<_>>(),
        "summary": {
            "findings": report.findings.len(),
            "blocking": report.blocking(),
            "suppressed": report.suppressed.len(),
            "baseline_stale": s.baseline_stale,
            "files_scanned": s.files_scanned,
            "messages_scanned": s.messages_scanned,
            "bytes_scanned": s.bytes_scanned,
            "skipped_binary": s.skipped_binary,
            "skipped_too_large": s.skipped_large.iter().map(|(p, n)| json!({"path": p, "size": n})).collect::<Vec<_>>(),
            "errors": s.errors,
            "elapsed_ms": s.elapsed.as_millis() as u64,
        },
    });
    let mut doc = doc;
    if let Some(h) = &s.history {
        doc["summary"]["commits"] = json!(h.commits);
        doc["summary"]["unique_blobs"] = json!(h.blobs);
        doc["summary"]["skipped_lfs"] = json!(h.skipped_lfs);
    }
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

/// One suppressed finding: the finding's fields plus `suppression` (`kind`: `inline`, `allow`
/// or `baseline`; `justification`: what suppressed it).
#[must_use]
pub fn suppressed(s: &Suppressed, opts: Options) -> Value {
    let mut v = finding(&s.finding, opts);
    v["suppression"] = json!({
        "kind": s.reason.kind(),
        "justification": s.reason.justification(),
    });
    v
}

/// One finding as a JSON object.
#[must_use]
pub fn finding(f: &Finding, opts: Options) -> Value {
    let mut v = json!({
        "pattern_id": f.pattern_id,
        "pattern_name": f.pattern_name,
        "kind": f.kind,
        "severity": f.severity,
        "confidence": f.confidence,
        "path": f.path,
        "line": f.line,
        "column": f.column,
        "end_line": f.end_line,
        "secret": f.shown_secret(opts.show_secrets),
        // Whether anything in `secret` or `snippet` is hidden (text that is not a secret, such
        // as a Python construct, is shown as it is).
        "redacted": !opts.show_secrets && (!f.secret_hidden.is_empty() || !f.snippet_hidden.is_empty()),
        "snippet": f.shown_snippet(opts.show_secrets),
        "fingerprint": f.fingerprint,
        "source": match &f.provenance {
            Provenance::File => "file",
            Provenance::Stdin => "stdin",
            Provenance::Staged => "staged",
            Provenance::CommitMessage => "commit-message",
            Provenance::Commit(_) => "commit",
        },
    });
    if let Provenance::Commit(c) = &f.provenance {
        v["commit"] = json!(c.as_ref());
    }
    if let Some(e) = &f.extract {
        v["extract"] = json!(e);
    }
    if !f.places.is_empty() {
        v["places"] = f
            .places
            .iter()
            .map(|p| {
                let mut o = json!({"path": p.path, "line": p.line, "column": p.column});
                if let Provenance::Commit(c) = &p.provenance {
                    o["commit"] = json!(c.as_ref());
                }
                o
            })
            .collect();
    }
    v
}
