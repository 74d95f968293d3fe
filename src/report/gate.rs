//! What the git hooks say: nothing for a clean change; for a blocked one, the findings through
//! the human writer, then each finding's own fix (from its pattern's documentation), an allow
//! hint per distinct pattern id, `pyguard explain ID`, and the bypass; for a failure, one
//! plain sentence and the bypass.

use std::fmt::Write as _;
use std::io::Write as _;

use super::{message, Format, Options, Report};
use crate::pipeline::finding::{escape_control, Finding};
use crate::rules::pattern::{Kind, Pattern, Severity};

/// What a hook guards, for the messages it prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gate {
    /// The commit gate on the index (`pre-commit`, `pyguard scan --staged`).
    Commit,
    /// A merge git commits itself (no conflicts): the `pre-merge-commit` hook.
    Merge,
    /// The commit message (`commit-msg`).
    CommitMessage,
    /// The commits a push sends (`pre-push`).
    Push,
    /// What a push adds, judged on the server (`pre-receive`, `update`): nothing on the
    /// client skips it.
    Receive,
}

impl Gate {
    /// The command that skips the hooks once.
    #[must_use]
    pub fn bypass(self) -> &'static str {
        match self {
            // A blocked merge is left in progress; `git commit` concludes it.
            Gate::Commit | Gate::CommitMessage | Gate::Merge => "git commit --no-verify",
            Gate::Push => "git push --no-verify",
            Gate::Receive => "none from a client (ask the server's administrators)",
        }
    }

    /// What is blocked, as a noun.
    #[must_use]
    pub fn action(self) -> &'static str {
        match self {
            Gate::Commit | Gate::CommitMessage => "commit",
            Gate::Merge => "merge",
            Gate::Push | Gate::Receive => "push",
        }
    }
}

/// Prints a failure of pyguard itself as one line: the change is blocked (fail closed).
pub fn failed(gate: Gate, reason: &str) {
    let _ = message::block(&format!(
        "pyguard: the {action} is blocked because pyguard failed: {reason} (bypass once: {bypass})\n",
        action = gate.action(),
        reason = escape_control(&reason.replace('\n', "; ")),
        bypass = gate.bypass(),
    ));
}

/// Prints the verdict on a change: nothing but size notes when it is clean; otherwise the
/// report in `format` on stdout and, when it blocks, what to do on stderr. Returns the exit
/// code.
pub fn verdict(
    report: &Report,
    patterns: &[Pattern],
    format: Format,
    opts: Options,
    gate: Gate,
) -> std::io::Result<u8> {
    let clean = report.findings.is_empty() && report.summary.errors.is_empty();
    if clean && format == Format::Human {
        for (path, size) in &report.summary.skipped_large {
            message::note(&format!(
                "{path} not scanned ({}, over the size limit)",
                super::human_bytes(*size)
            ));
        }
        return Ok(0);
    }
    if format == Format::Human {
        for e in &report.summary.errors {
            message::error(e);
        }
    }
    let mut stdout = anstream::stdout().lock();
    let written =
        super::write(format, &mut stdout, report, patterns, opts).and_then(|()| stdout.flush());
    match written {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other?,
    }
    let code = report.exit_code();
    match code {
        1 => message::block(&advice(report, patterns, gate))?,
        2 => message::block(&format!(
            "pyguard: the {} is blocked because pyguard could not check everything (bypass once: {})\n",
            gate.action(),
            gate.bypass()
        ))?,
        _ => {}
    }
    Ok(code)
}

/// How to fix, allow or bypass a blocked change: each blocking finding's own fix, an allow
/// hint for every distinct id, where to read more.
#[must_use]
pub fn advice(report: &Report, patterns: &[Pattern], gate: Gate) -> String {
    let n = report.blocking();
    let s = if n == 1 { "" } else { "s" };
    let blocking: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    let mut ids: Vec<&str> = blocking.iter().map(|f| f.pattern_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut text = match gate {
        Gate::Commit => format!(
            "pyguard blocked this commit: the staged changes add {n} blocking finding{s}.\n"
        ),
        Gate::Merge => format!(
            "pyguard blocked this merge: it adds {n} blocking finding{s} relative to HEAD \
             (the merge is left in progress: fix, `git add` and `git commit`, or \
             `git merge --abort`).\n"
        ),
        Gate::CommitMessage => {
            format!("pyguard blocked this commit: its message contains {n} secret{s}.\n")
        }
        Gate::Push => format!(
            "pyguard blocked this push: the commits it sends add {n} blocking finding{s}.\n"
        ),
        Gate::Receive => format!(
            "pyguard on the server rejected this push: the commits it sends add {n} blocking finding{s}.\n"
        ),
    };
    let pattern = |id: &str| patterns.iter().find(|p| p.id() == id);
    let _ = writeln!(text, "  fix:");
    for id in &ids {
        let fix = pattern(id).map_or("", |p| p.description().fix.trim());
        let mut places: Vec<String> = blocking
            .iter()
            .filter(|f| f.pattern_id == *id)
            .map(|f| {
                if f.line > 1 || f.kind != Kind::File {
                    format!("{}:{}", f.path, f.line)
                } else {
                    f.path.clone()
                }
            })
            .collect();
        places.dedup();
        let shown = if places.len() > 3 {
            format!("{} and {} more", places[..3].join(", "), places.len() - 3)
        } else {
            places.join(", ")
        };
        let _ = writeln!(
            text,
            "    {id} ({}): {}",
            escape_control(&shown),
            if fix.is_empty() { "remove it" } else { fix }
        );
    }
    let secret = blocking.iter().any(|f| f.kind == Kind::Secret);
    match gate {
        Gate::Commit | Gate::Merge => {
            let _ = writeln!(text, "    then `git add` the files again.");
        }
        Gate::CommitMessage => {
            let _ = writeln!(
                text,
                "    write the message without it (git keeps the text in .git/COMMIT_EDITMSG)."
            );
        }
        Gate::Push | Gate::Receive => {
            let _ = writeln!(
                text,
                "    rewrite those commits without it (`git commit --amend`, `git rebase -i`)."
            );
        }
    }
    if secret {
        let _ = writeln!(
            text,
            "    if a secret was ever real, rotate it (revoke and replace it): removing it does not un-leak it."
        );
    }
    if gate != Gate::CommitMessage {
        for id in &ids {
            let _ = writeln!(text, "{}", allow_line(id, &blocking));
        }
    }
    for id in &ids {
        let _ = writeln!(text, "  more:   pyguard explain {id}");
    }
    if gate == Gate::Receive {
        let _ = writeln!(text, "  bypass: {}", gate.bypass());
    } else {
        let _ = writeln!(text, "  bypass: once, at your own risk: {}", gate.bypass());
    }
    text
}

/// The `allow:` line for pattern `id`. An inline comment is not looked up inside an extracted
/// part (a notebook cell, a decoded Secret value): when every blocking finding of `id` is in
/// one, only the baseline reaches them.
fn allow_line(id: &str, blocking: &[&Finding]) -> String {
    let inline = blocking
        .iter()
        .any(|f| f.pattern_id == id && f.extract.is_none());
    if inline {
        format!("  allow:  if {id} is a false positive: a `# pyguard: allow[{id}]` comment on its line, or `pyguard baseline --update`.")
    } else {
        format!("  allow:  if {id} is a false positive: `pyguard baseline --update` (a comment does not reach a value decoded from a notebook or a Kubernetes Secret).")
    }
}
