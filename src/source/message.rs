//! The part of a commit message file that git will keep, for the commit-msg hook: git cleans
//! the message up after the hook has run, so a token that cleanup removes never reaches
//! history, and one that cleanup keeps must be checked.
//!
//! The hook is handed only the file's path. What cleanup git applies depends on
//! `--cleanup` (or `commit.cleanup`), on whether the message is edited (`-m`, `-F`, `-C`
//! without `-e` are not) and on `--verbose` (or `commit.verbose`), which truncates at the
//! scissors line. The configuration is read from the repository; the command line is read
//! from the process that ran the hook (`/proc/<parent>/cmdline` on Linux), which is git when
//! the hook `exec`s pyguard, as pyguard's hooks do.
//!
//! What cannot be known: the command line on systems without `/proc`, behind a hook manager
//! that is not git's direct child, or behind an alias (`git ci`); `-c commit.cleanup=...`
//! given to git itself; `core.commentChar=auto`, taken as `#`. Then the message is judged
//! as before: cut at a scissors line, comment lines kept (scanned).

use std::path::Path;

/// How git will clean the message up (`git commit --cleanup`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cleanup {
    /// Kept as written.
    Verbatim,
    /// Leading and trailing blank lines and trailing spaces removed; comment lines kept.
    Whitespace,
    /// Whitespace cleanup, and comment lines removed.
    Strip,
}

/// What git does with a message file after the commit-msg hook.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mode {
    /// The cleanup applied.
    pub cleanup: Cleanup,
    /// Whether everything from the scissors line on is dropped.
    pub truncate: bool,
    /// The comment prefix of the lines `Strip` removes.
    pub comment: String,
}

impl Mode {
    /// When the command line is not known: cut at a scissors line, keep comment lines.
    #[must_use]
    pub fn unknown() -> Self {
        Mode {
            cleanup: Cleanup::Whitespace,
            truncate: true,
            comment: "#".into(),
        }
    }
}

/// What the command line said, as far as cleanup goes.
#[derive(Debug, Default, PartialEq, Eq)]
struct Args {
    cleanup: Option<String>,
    edited: bool,
    verbose: Option<bool>,
}

/// Reads the arguments of `git commit` from git's own argument list, if it is one.
fn parse_args(argv: &[String]) -> Option<Args> {
    let at = argv.iter().position(|a| a == "commit")?;
    let mut args = Args {
        edited: true,
        ..Args::default()
    };
    let (mut given, mut edit) = (false, None);
    let mut rest = argv[at + 1..].iter();
    while let Some(a) = rest.next() {
        match a.as_str() {
            "--" => break,
            "--cleanup" => args.cleanup = rest.next().cloned(),
            "-m" | "--message" | "-F" | "--file" | "-C" | "--reuse-message" => {
                given = true;
                rest.next();
            }
            "-e" | "--edit" => edit = Some(true),
            "--no-edit" => edit = Some(false),
            "-v" | "--verbose" => args.verbose = Some(true),
            "--no-verbose" => args.verbose = Some(false),
            "-c" | "--reedit-message" | "-t" | "--template" | "--author" | "--date" => {
                rest.next();
            }
            long if long.starts_with("--") => {
                if let Some(v) = long.strip_prefix("--cleanup=") {
                    args.cleanup = Some(v.to_string());
                }
                if ["--message=", "--file=", "--reuse-message="]
                    .iter()
                    .any(|p| long.starts_with(p))
                {
                    given = true;
                }
            }
            short if short.starts_with('-') && short.len() > 1 => {
                // A cluster of short options; the first that takes a value ends it.
                for (i, c) in short[1..].char_indices() {
                    match c {
                        'm' | 'F' | 'C' => {
                            given = true;
                            if i + 2 == short.len() {
                                rest.next();
                            }
                            break;
                        }
                        'c' | 't' => {
                            if i + 2 == short.len() {
                                rest.next();
                            }
                            break;
                        }
                        'e' => edit = Some(true),
                        'v' => args.verbose = Some(true),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    args.edited = edit.unwrap_or(!given);
    Some(args)
}

/// The mode git applies, from `git commit`'s arguments and the configuration values
/// `commit.cleanup`, `commit.verbose` and `core.commentChar`/`core.commentString`.
fn resolve(args: &Args, cleanup: Option<&str>, verbose: bool, comment: Option<&str>) -> Mode {
    let name = args.cleanup.as_deref().or(cleanup).unwrap_or("default");
    let (cleanup, scissors) = match (name, args.edited) {
        ("verbatim", _) => (Cleanup::Verbatim, false),
        ("whitespace", _) | ("default" | "scissors", false) => (Cleanup::Whitespace, false),
        ("scissors", true) => (Cleanup::Whitespace, true),
        // "strip", "default" when edited; an unknown value makes git fail anyway.
        _ => (Cleanup::Strip, false),
    };
    let comment = comment
        .filter(|c| !c.is_empty() && *c != "auto")
        .unwrap_or("#")
        .to_string();
    Mode {
        cleanup,
        truncate: scissors || args.verbose.unwrap_or(verbose),
        comment,
    }
}

/// The mode git will apply to the message of the commit being made in the repository at
/// `GIT_DIR` (or the current directory).
#[must_use]
pub fn mode() -> Mode {
    let Some(args) = parent_args().as_deref().and_then(parse_args) else {
        return Mode::unknown();
    };
    let config = git2::Repository::open_from_env()
        .and_then(|r| r.config())
        .and_then(|mut c| c.snapshot())
        .ok();
    let get = |key: &str| config.as_ref().and_then(|c| c.get_string(key).ok());
    let verbose = config
        .as_ref()
        .and_then(|c| c.get_bool("commit.verbose").ok())
        .unwrap_or(false);
    let comment = get("core.commentString").or_else(|| get("core.commentChar"));
    resolve(
        &args,
        get("commit.cleanup").as_deref(),
        verbose,
        comment.as_deref(),
    )
}

/// The argument list of the process that ran this one, where the system shows it.
fn parent_args() -> Option<Vec<String>> {
    #[cfg(unix)]
    {
        let ppid = std::os::unix::process::parent_id();
        let raw = std::fs::read(Path::new("/proc").join(ppid.to_string()).join("cmdline")).ok()?;
        Some(
            raw.split(|&b| b == 0)
                .filter(|a| !a.is_empty())
                .map(|a| String::from_utf8_lossy(a).into_owned())
                .collect(),
        )
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// The scissors line's text after the comment prefix.
const SCISSORS: &str = " ------------------------ >8 ------------------------";

/// The message git keeps from `text` under `mode` (line breaks kept, so line numbers stay
/// those of the file): lines from the scissors line on are dropped when git truncates, and
/// comment lines are blanked under `Strip`.
#[must_use]
pub fn kept(text: &[u8], mode: &Mode) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    for line in text.split_inclusive(|&b| b == b'\n') {
        let body = line.strip_suffix(b"\n").unwrap_or(line);
        if mode.truncate && body.len() > SCISSORS.len() && body.ends_with(SCISSORS.as_bytes()) {
            break;
        }
        if mode.cleanup == Cleanup::Strip && body.starts_with(mode.comment.as_bytes()) {
            if line.ends_with(b"\n") {
                out.push(b'\n');
            }
            continue;
        }
        out.extend_from_slice(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Args {
        let argv: Vec<String> = line.split(' ').map(String::from).collect();
        parse_args(&argv).unwrap()
    }

    #[test]
    fn the_command_line_tells_cleanup_editing_and_verbosity() {
        assert_eq!(parse_args(&["git".into(), "push".into()]), None);
        let a = args("git commit -F msg.txt");
        assert!(!a.edited);
        assert_eq!(a.cleanup, None);
        let a = args("git commit --cleanup=strip -F msg.txt");
        assert_eq!(a.cleanup.as_deref(), Some("strip"));
        let a = args("git commit --cleanup scissors -v");
        assert_eq!(a.cleanup.as_deref(), Some("scissors"));
        assert!(a.edited);
        assert_eq!(a.verbose, Some(true));
        assert!(!args("git commit -am msg").edited);
        assert!(args("git commit -em msg").edited);
        assert!(!args("git commit --message=x").edited);
    }

    #[test]
    fn the_mode_follows_git() {
        let none = Args {
            edited: false,
            ..Args::default()
        };
        let m = resolve(&none, None, false, None);
        assert_eq!((m.cleanup, m.truncate), (Cleanup::Whitespace, false));
        let edited = Args {
            edited: true,
            ..Args::default()
        };
        let m = resolve(&edited, None, true, Some(";"));
        assert_eq!((m.cleanup, m.truncate), (Cleanup::Strip, true));
        assert_eq!(m.comment, ";");
        let m = resolve(&edited, Some("scissors"), false, None);
        assert_eq!((m.cleanup, m.truncate), (Cleanup::Whitespace, true));
        let m = resolve(&none, Some("verbatim"), false, Some("auto"));
        assert_eq!((m.cleanup, m.comment.as_str()), (Cleanup::Verbatim, "#"));
    }

    #[test]
    fn kept_text_drops_what_git_drops_and_keeps_line_numbers() {
        let text = b"subject\n# note\nbody\n# ------------------------ >8 ------------------------\ndiff\n";
        assert_eq!(
            kept(text, &Mode::unknown()),
            b"subject\n# note\nbody\n".to_vec()
        );
        let keep_all = Mode {
            cleanup: Cleanup::Whitespace,
            truncate: false,
            comment: "#".into(),
        };
        assert_eq!(kept(text, &keep_all), text.to_vec());
        let strip = Mode {
            cleanup: Cleanup::Strip,
            truncate: false,
            comment: "#".into(),
        };
        assert_eq!(kept(text, &strip), b"subject\n\nbody\n\ndiff\n".to_vec());
    }
}
