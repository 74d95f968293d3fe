//! Every message pyguard writes to standard error goes through here: notes, errors, and the
//! one-line reason a run failed. Control characters in paths and messages are escaped, so that
//! a file name cannot rewrite the terminal.

use std::io::Write as _;

use crate::pipeline::finding::escape_control;

/// Prints a one-line note (not part of the report).
pub fn note(msg: &str) {
    let _ = writeln!(anstream::stderr(), "pyguard: note: {}", escape_control(msg));
}

/// Prints a one-line error about one thing that could not be scanned (the run goes on).
pub fn error(msg: &str) {
    let _ = writeln!(
        anstream::stderr(),
        "pyguard: error: {}",
        escape_control(msg)
    );
}

/// Prints a text block as is (the hooks' advice, already escaped where it quotes input).
pub fn block(text: &str) -> std::io::Result<()> {
    let mut err = anstream::stderr().lock();
    err.write_all(text.as_bytes())?;
    err.flush()
}

/// Prints the one line a failed run ends with.
pub fn fatal(err: &anyhow::Error) {
    error(&plain(err));
}

/// An error and its causes as one plain line, without the internals of the libraries it came
/// through (libgit2's `class=...; code=...`, gix's debug structures): what a person can act on.
#[must_use]
pub fn plain(err: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in err.chain() {
        let text = if let Some(e) = cause.downcast_ref::<git2::Error>() {
            git_sentence(e)
        } else if let Some(e) = cause.downcast_ref::<std::io::Error>() {
            io_reason(e)
        } else {
            scrub(&cause.to_string())
        };
        // A context line often repeats its cause; say each thing once.
        if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
    }
    parts.join(": ").replace('\n', "; ")
}

/// An I/O error in plain words, without the OS error number.
#[must_use]
pub fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::NotFound => "no such file or directory".to_string(),
        ErrorKind::PermissionDenied => "permission denied".to_string(),
        ErrorKind::IsADirectory => "is a directory".to_string(),
        _ => {
            let text = e.to_string();
            match text.find(" (os error") {
                Some(i) => text[..i].to_string(),
                None => text,
            }
        }
    }
}

/// A libgit2 error as a sentence: its message without class and code, or a plain one for the
/// codes people meet.
fn git_sentence(e: &git2::Error) -> String {
    match e.code() {
        git2::ErrorCode::NotFound if e.class() == git2::ErrorClass::Repository => {
            "not inside a git repository".to_string()
        }
        git2::ErrorCode::NotFound => "not found".to_string(),
        git2::ErrorCode::Locked => {
            "the git index is locked (is another git command running?)".to_string()
        }
        _ => scrub(e.message()),
    }
}

/// Removes library internals from a message: libgit2's `; class=X (N); code=Y (N)` suffix and
/// debug-printed structures (`NoGitRepository { path: "." }`, `Message { message: ... }`),
/// keeping a quoted `message` when there is one.
fn scrub(text: &str) -> String {
    let mut t = text.to_string();
    if let Some(i) = t.find("; class=") {
        t.truncate(i);
    }
    // `Name { ... message: "text" ... }` -> `text`; `Name { ... }` -> the name in words.
    while let Some(open) = t.find(" {") {
        let Some(close) = t[open..].rfind('}').map(|c| open + c) else {
            break;
        };
        let name_start = t[..open]
            .rfind(|c: char| !c.is_ascii_alphanumeric())
            .map_or(0, |i| i + 1);
        let name = &t[name_start..open];
        if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_uppercase()) {
            break;
        }
        let inner = &t[open + 2..close];
        let replacement = quoted_field(inner, "message").unwrap_or_else(|| words(name));
        t = format!("{}{}{}", &t[..name_start], replacement, &t[close + 1..]);
    }
    let t = t.trim().trim_end_matches(':').trim();
    // `not a git repository (no git repository)`: a parenthesis that only repeats is dropped.
    if let Some(open) = t.rfind(" (") {
        if t.ends_with(')') {
            let inner = &t[open + 2..t.len() - 1];
            let before = t[..open].to_ascii_lowercase();
            if !inner.is_empty() && inner.split(' ').all(|w| before.contains(w)) {
                return t[..open].to_string();
            }
        }
    }
    t.to_string()
}

/// The value of `field: "..."` in a debug-printed structure.
fn quoted_field(inner: &str, field: &str) -> Option<String> {
    let at = inner.find(&format!("{field}: \""))? + field.len() + 3;
    let end = inner[at..].find('"')? + at;
    Some(inner[at..end].to_string())
}

/// `NoGitRepository` -> `no git repository`.
fn words(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push(' ');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libgit2_class_and_code_are_dropped() {
        let e = git2::Error::new(
            git2::ErrorCode::NotFound,
            git2::ErrorClass::Repository,
            "could not find repository at '.'",
        );
        let err = anyhow::Error::new(e).context("not inside a git repository");
        assert_eq!(plain(&err), "not inside a git repository");
        let e = git2::Error::new(
            git2::ErrorCode::GenericError,
            git2::ErrorClass::Odb,
            "object not found",
        );
        let text = plain(&anyhow::Error::new(e).context("failed to read HEAD's tree"));
        assert_eq!(text, "failed to read HEAD's tree: object not found");
        assert!(!text.contains("class="), "{text}");
    }

    #[test]
    fn debug_structures_become_words() {
        let err = anyhow::anyhow!(r#".: not a git repository (NoGitRepository {{ path: "." }})"#);
        assert_eq!(plain(&err), ".: not a git repository");
        let err = anyhow::anyhow!(
            r#"invalid revision range "x..y": Message {{ message: "couldn't parse revision", input: Some("x") }}"#
        );
        assert_eq!(
            plain(&err),
            r#"invalid revision range "x..y": couldn't parse revision"#
        );
    }

    #[test]
    fn io_errors_lose_the_os_number() {
        let e = std::io::Error::from_raw_os_error(2);
        assert_eq!(io_reason(&e), "no such file or directory");
    }
}
