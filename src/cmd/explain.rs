//! `pyguard explain ID`: a pattern's description for people: what it finds, why it matters,
//! what to do instead, its references and an example (with the secret redacted).

use std::io::Write as _;

use anyhow::{bail, Result};

use super::config;
use crate::cli::ExplainArgs;
use crate::matcher::Matcher;
use crate::pipeline::finding::{escape_control, redact};
use crate::rules::pattern::Kind;

/// Runs `pyguard explain`.
pub fn run(args: &ExplainArgs) -> Result<u8> {
    let patterns = config(&args.config)?.patterns()?;
    let Some(index) = patterns.iter().position(|p| p.id() == args.id) else {
        let near: Vec<&str> = patterns
            .iter()
            .map(crate::rules::pattern::Pattern::id)
            .filter(|id| id.contains(args.id.as_str()) || args.id.contains(id))
            .collect();
        let hint = if near.is_empty() {
            String::new()
        } else {
            format!(" (did you mean {}?)", near.join(", "))
        };
        bail!(
            "no pattern {:?} is in use{hint}; `pyguard patterns list` lists them",
            args.id
        );
    };
    let matcher = Matcher::new(patterns)?;
    let p = &matcher.patterns()[index];
    let d = &p.description();
    let mut out = anstream::stdout().lock();
    writeln!(out, "{}: {}", p.id(), p.spec.name)?;
    writeln!(
        out,
        "kind: {}, severity: {}, from {}",
        p.spec.kind, p.spec.severity, p.origin
    )?;
    for (title, text) in [
        ("What it finds", &d.what),
        ("Why it matters", &d.why),
        ("What to do instead", &d.fix),
    ] {
        writeln!(out, "\n{title}:\n  {}", text.trim().replace('\n', "\n  "))?;
    }
    if p.spec.kind == Kind::Secret && p.spec.detector.is_none() {
        writeln!(
            out,
            "\nSamples:\n  A value of this shape that no provider issued (its checksum fails, or it holds a\n  run typed by hand such as 1234567890) is a sample: a warning of low confidence whose\n  name ends in \"(sample: checksum fails or typed by hand)\". It never blocks."
        )?;
    }
    if !p.references().is_empty() {
        writeln!(out, "\nReferences:")?;
        for r in p.references() {
            writeln!(out, "  - {r}")?;
        }
    }
    if let Some(ex) = p.examples().first() {
        // Examples are made up, but a secret is shown redacted everywhere, examples included.
        let path = ex
            .path()
            .map_or_else(|| p.default_example_path(), str::to_string);
        let mut text = ex.text().to_string();
        if p.spec.kind == Kind::Secret {
            let (found, _) = matcher.find(&path, text.as_bytes());
            if let Some(m) = found.iter().find(|m| m.pattern == index) {
                if text.is_char_boundary(m.secret.start) && text.is_char_boundary(m.secret.end) {
                    let secret = text[m.secret.clone()].to_string();
                    text.replace_range(m.secret.clone(), &redact(&secret));
                }
            }
        }
        writeln!(out, "\nExample ({path}):")?;
        for line in text.lines() {
            writeln!(out, "  {}", escape_control(line))?;
        }
    }
    Ok(0)
}
