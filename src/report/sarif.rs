//! SARIF 2.1.0 output, as GitHub code scanning and other SARIF consumers accept it: one run,
//! the rules that produced results, results with locations and partial fingerprints.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_json::{json, Value};

use super::{Options, Report};
use crate::pipeline::finding::Finding;
use crate::rules::pattern::{Pattern, Severity};

/// The SARIF schema URI written into every log.
pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Writes the SARIF log.
pub fn write(
    out: &mut dyn Write,
    report: &Report,
    patterns: &[Pattern],
    opts: Options,
) -> io::Result<()> {
    let by_id: BTreeMap<&str, &Pattern> = patterns.iter().map(|p| (p.id(), p)).collect();
    let mut rule_index: BTreeMap<&str, usize> = BTreeMap::new();
    let mut rules = Vec::new();
    let all = report
        .findings
        .iter()
        .chain(report.suppressed.iter().map(|s| &s.finding));
    for f in all {
        if rule_index.contains_key(f.pattern_id.as_str()) {
            continue;
        }
        rule_index.insert(&f.pattern_id, rules.len());
        rules.push(rule(f, by_id.get(f.pattern_id.as_str()).copied()));
    }
    let mut results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| result(f, rule_index[f.pattern_id.as_str()], opts))
        .collect();
    // Suppressed findings are recorded, not dropped: SARIF viewers show them as suppressed.
    for s in &report.suppressed {
        let mut r = result(&s.finding, rule_index[s.finding.pattern_id.as_str()], opts);
        r["suppressions"] = json!([{
            "kind": if s.reason.in_source() { "inSource" } else { "external" },
            "status": "accepted",
            "justification": s.reason.justification(),
        }]);
        results.push(r);
    }
    let doc = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "pyguard",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/pyguard/pyguard",
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn rule(f: &Finding, pattern: Option<&Pattern>) -> Value {
    let mut r = json!({
        "id": f.pattern_id,
        "name": camel(&f.pattern_id),
        "shortDescription": {"text": f.pattern_name},
        "defaultConfiguration": {"level": level(f.severity)},
        "properties": {"tags": ["security", f.kind.to_string()]},
    });
    if let Some(p) = pattern {
        let d = &p.description();
        r["fullDescription"] = json!({"text": d.what});
        r["help"] = json!({
            "text": format!("{}\n\nWhy: {}\n\nFix: {}", d.what, d.why, d.fix),
            "markdown": format!("{}\n\n**Why:** {}\n\n**Fix:** {}", d.what, d.why, d.fix),
        });
        if let Some(uri) = p.references().first() {
            r["helpUri"] = json!(uri);
        }
    }
    r
}

fn result(f: &Finding, index: usize, opts: Options) -> Value {
    let message = if f.kind == crate::rules::pattern::Kind::Secret {
        format!("{}: {}", f.pattern_name, f.shown_secret(opts.show_secrets))
    } else {
        f.pattern_name.clone()
    };
    // SARIF regions address the file's own lines; an extracted part says where it is instead.
    let message = match &f.extract {
        Some(e) => format!("{message} (in {e}, line {} of it)", f.line),
        None => message,
    };
    let mut r = json!({
        "ruleId": f.pattern_id,
        "ruleIndex": index,
        "level": level(f.severity),
        "message": {"text": message},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": uri(&f.path)},
            "region": {
                "startLine": f.line,
                "startColumn": f.column,
                "endLine": f.end_line,
                "snippet": {"text": f.shown_snippet(opts.show_secrets)},
            },
        }}],
        "partialFingerprints": {"pyguard/v1": f.fingerprint},
        "properties": {"confidence": f.confidence},
    });
    // The same secret's other places (history): related locations, each with its commit.
    let related: Vec<Value> = f
        .places
        .iter()
        .skip(1)
        .enumerate()
        .map(|(i, p)| {
            let text = match &p.provenance {
                crate::source::Provenance::Commit(c) => format!(
                    "the same secret, introduced here by commit {} ({})",
                    c.id, c.date
                ),
                _ => "the same secret".to_string(),
            };
            json!({
                "id": i + 1,
                "message": {"text": text},
                "physicalLocation": {
                    "artifactLocation": {"uri": uri(&p.path)},
                    "region": {"startLine": p.line, "startColumn": p.column},
                },
            })
        })
        .collect();
    if !related.is_empty() {
        r["relatedLocations"] = Value::Array(related);
    }
    r
}

/// A relative path as a URI reference: `/` separators, spaces and `%` escaped.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '%' => out.push_str("%25"),
            '#' => out.push_str("%23"),
            '?' => out.push_str("%3F"),
            '\\' => out.push('/'),
            c => out.push(c),
        }
    }
    out
}

/// `aws-access-key-id` -> `AwsAccessKeyId`, the SARIF convention for rule names.
fn camel(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}
