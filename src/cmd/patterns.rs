//! `pyguard patterns list` (the patterns in use, honouring the configuration) and
//! `pyguard patterns check [FILE]` (every pattern's examples through the real matcher, the
//! check the test suite runs on the built-in patterns).

use std::io::Write as _;
use std::path::Path;

use anyhow::{Context as _, Result};

use super::config;
use crate::cli::{ConfigArgs, ListFormat, PatternsCommand, PatternsListArgs};
use crate::matcher::Matcher;
use crate::rules::pattern;

/// Runs `pyguard patterns ...`.
pub fn run(cmd: &PatternsCommand) -> Result<u8> {
    match cmd {
        PatternsCommand::List(args) => list(args),
        PatternsCommand::Check(args) => check(args.file.as_deref(), &args.config),
    }
}

fn list(args: &PatternsListArgs) -> Result<u8> {
    let patterns = config(&args.config)?.patterns()?;
    if args.format == ListFormat::Json {
        let rows: Vec<serde_json::Value> = patterns
            .iter()
            .map(|p| {
                serde_json::json!({
                    "id": p.id(),
                    "name": p.spec.name,
                    "kind": p.spec.kind,
                    "severity": p.spec.severity,
                    "keywords": p.spec.keywords,
                    "tags": p.spec.tags,
                    "references": p.references(),
                })
            })
            .collect();
        let mut out = std::io::stdout().lock();
        serde_json::to_writer_pretty(&mut out, &rows).context("failed to write the list")?;
        writeln!(out)?;
        return Ok(0);
    }
    let width = patterns.iter().map(|p| p.id().len()).max().unwrap_or(2);
    let mut out = anstream::stdout().lock();
    writeln!(out, "{:width$}  {:6}  {:8}  NAME", "ID", "KIND", "SEVERITY")?;
    for p in &patterns {
        writeln!(
            out,
            "{:width$}  {:6}  {:8}  {}",
            p.id(),
            p.spec.kind.to_string(),
            p.spec.severity.to_string(),
            p.spec.name
        )?;
    }
    Ok(0)
}

fn check(file: Option<&Path>, args: &ConfigArgs) -> Result<u8> {
    let patterns = match file {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("failed to read pattern file {}", path.display()))?;
            pattern::parse_file(&path.display().to_string(), &text)?
        }
        None => config(args)?.patterns()?,
    };
    let n = patterns.len();
    let failures = crate::pipeline::selfcheck::self_check(&crate::pipeline::scanner::Scanner::new(
        Matcher::new(patterns)?,
    ));
    let mut out = anstream::stdout().lock();
    for f in &failures {
        writeln!(out, "{}", crate::pipeline::finding::escape_control(f))?;
    }
    if failures.is_empty() {
        writeln!(
            out,
            "{n} patterns: every example fires, no negative example does"
        )?;
        Ok(0)
    } else {
        writeln!(out, "{} problem(s) in {n} patterns", failures.len())?;
        Ok(1)
    }
}
