//! The command line, declared with clap's derive API. Each option's `///` comment is its
//! `--help` text. Parsing only: validation and defaults from files live in `settings`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::report::Format;

/// Stops secrets and unsafe Python patterns before they enter git history.
#[derive(Debug, Parser)]
#[command(name = "pyguard", version, about, max_term_width = 100)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// When to colour the output.
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
    /// Judge Python end of life as on this day (YYYY-MM-DD) instead of today; also
    /// `PYGUARD_TODAY`. For reproducible runs and tests.
    #[arg(long, global = true, hide = true, value_name = "YYYY-MM-DD",
          value_parser = crate::matcher::eol::parse_day)]
    pub today: Option<i64>,
}

/// When to colour the output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// Colour when writing to a terminal and `NO_COLOR` is not set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan files and directories (honouring .gitignore), or standard input.
    Scan(ScanArgs),
    /// Write .pyguard-baseline.json: current findings that will not block from now on.
    Baseline(BaselineArgs),
    /// List the patterns in use, or check patterns against their own examples.
    #[command(subcommand)]
    Patterns(PatternsCommand),
    /// Explain a pattern: what it finds, why it matters, what to do instead.
    Explain(ExplainArgs),
    /// Install pyguard's git hooks in this repository (or globally with --global).
    Install(InstallArgs),
    /// Remove pyguard's git hooks, restoring the hooks they replaced.
    Uninstall(InstallArgs),
    /// Run one git hook; the installed hooks call this.
    #[command(hide = true)]
    Hook(HookArgs),
    /// Scan every commit of every ref of a git repository (each unique blob once).
    History(HistoryArgs),
    /// Write a commented starter .pyguard.yaml and install the git hooks.
    Init(InitArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print pyguard's man page (roff), e.g. `pyguard man > pyguard.1`.
    Man,
}

/// Arguments of `pyguard init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Only write the configuration; do not install the git hooks.
    #[arg(long)]
    pub no_hooks: bool,
}

/// Which kind of finding to look for (`--only`, and `only` in the configuration).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OnlyKind {
    /// Credentials: keys, tokens, passwords, private keys.
    Secret,
    /// Unsafe Python constructs and dependency checks.
    Python,
    /// Files that should not be committed (environments, bytecode, key stores).
    File,
}

impl OnlyKind {
    /// The pattern kind it selects.
    #[must_use]
    pub fn kind(self) -> crate::rules::pattern::Kind {
        match self {
            OnlyKind::Secret => crate::rules::pattern::Kind::Secret,
            OnlyKind::Python => crate::rules::pattern::Kind::Python,
            OnlyKind::File => crate::rules::pattern::Kind::File,
        }
    }
}

/// Arguments of `pyguard baseline`.
#[derive(Debug, Args)]
pub struct BaselineArgs {
    /// Directory (or file) whose current findings are baselined [default: .]
    pub path: Option<PathBuf>,
    /// Rewrite an existing baseline with the current findings.
    #[arg(long, conflicts_with = "prune")]
    pub update: bool,
    /// Drop entries that no longer match any finding; add none.
    #[arg(long)]
    pub prune: bool,
    /// Baseline every finding in the repository's history (all refs) instead of the
    /// working tree.
    #[arg(long)]
    pub history: bool,
    /// Skip paths matching this gitignore-style glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Report options.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `pyguard patterns ...`.
#[derive(Debug, Subcommand)]
pub enum PatternsCommand {
    /// List the patterns in use (honouring the configuration): id, kind, severity, name.
    List(PatternsListArgs),
    /// Run every pattern's examples (or those of one pattern file) through the real matcher.
    Check(PatternsCheckArgs),
}

/// Arguments of `pyguard patterns check`.
#[derive(Debug, Args)]
pub struct PatternsCheckArgs {
    /// A pattern file to check on its own [default: the patterns in use].
    pub file: Option<PathBuf>,
    /// Configuration.
    #[command(flatten)]
    pub config: ConfigArgs,
}

/// Arguments of `pyguard explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The pattern id (see `pyguard patterns list`).
    pub id: String,
    /// Configuration.
    #[command(flatten)]
    pub config: ConfigArgs,
}

/// Arguments of `pyguard patterns list`.
#[derive(Debug, Args)]
pub struct PatternsListArgs {
    /// Output format: a table for people, or JSON (one object per pattern).
    #[arg(long, short = 'f', value_enum, default_value_t = ListFormat::Human)]
    pub format: ListFormat,
    /// Where the configuration comes from.
    #[command(flatten)]
    pub config: ConfigArgs,
}

/// Formats of `pyguard patterns list`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// An aligned table.
    Human,
    /// A JSON array: id, name, kind, severity, keywords, tags, references.
    Json,
}

/// Where the configuration comes from, for commands that do not scan.
#[derive(Debug, Args, Clone)]
pub struct ConfigArgs {
    /// Configuration file [default: .pyguard.yaml, else [tool.pyguard] in pyproject.toml].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// A git hook pyguard can install.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum HookName {
    /// Scans what is staged; blocks the commit.
    PreCommit,
    /// Scans the commit message for secrets.
    CommitMsg,
    /// Scans the commits a push sends.
    PrePush,
    /// Scans what a merge without conflicts commits (not installed by default).
    PreMergeCommit,
    /// On a server's repository: rejects a push that adds a finding (`install --server`).
    PreReceive,
    /// On a server's repository: rejects one ref's update that adds a finding (an
    /// alternative to pre-receive, for hosts that only run `update`).
    Update,
}

impl HookName {
    /// Every hook pyguard can write: what `uninstall` removes by default.
    pub const ALL: [HookName; 6] = [
        HookName::PreCommit,
        HookName::PreMergeCommit,
        HookName::CommitMsg,
        HookName::PrePush,
        HookName::PreReceive,
        HookName::Update,
    ];

    /// What `install --server` writes by default.
    pub const SERVER: [HookName; 1] = [HookName::PreReceive];

    /// What `install` writes by default. Not pre-merge-commit: it would also stop `git pull`
    /// from merging commits that are already on the remote, which the user cannot fix locally.
    pub const DEFAULT: [HookName; 3] =
        [HookName::PreCommit, HookName::CommitMsg, HookName::PrePush];

    /// The hook's file name, as git names it.
    #[must_use]
    pub fn file_name(self) -> &'static str {
        match self {
            HookName::PreCommit => "pre-commit",
            HookName::CommitMsg => "commit-msg",
            HookName::PrePush => "pre-push",
            HookName::PreMergeCommit => "pre-merge-commit",
            HookName::PreReceive => "pre-receive",
            HookName::Update => "update",
        }
    }
}

/// Arguments of `pyguard install` and `pyguard uninstall`.
#[derive(Debug, Args)]
pub struct InstallArgs {
    /// Which hooks, comma-separated [default: pre-commit,commit-msg,pre-push; uninstall: also
    /// pre-merge-commit]
    #[arg(long, value_enum, value_delimiter = ',', value_name = "HOOKS")]
    pub hooks: Vec<HookName>,
    /// Use a global hooks directory (git's global core.hooksPath) for every repository;
    /// each repository's own hooks still run.
    #[arg(long, conflicts_with = "server")]
    pub global: bool,
    /// Install the server-side hook (pre-receive) in the bare repository a server pushes
    /// into, where `git push --no-verify` cannot skip it.
    #[arg(long)]
    pub server: bool,
}

/// Arguments of the hidden `pyguard hook` command.
#[derive(Debug, Args)]
pub struct HookArgs {
    /// The hook to run.
    #[command(subcommand)]
    pub hook: HookRun,
}

/// The hooks `pyguard hook` runs, with the arguments git gives them.
#[derive(Debug, Subcommand)]
pub enum HookRun {
    /// Scan what is staged.
    PreCommit,
    /// Scan what a merge without conflicts is about to commit (its result is in the index).
    PreMergeCommit,
    /// Scan the commit message in FILE for secrets.
    CommitMsg {
        /// The file holding the message (git passes it).
        file: PathBuf,
    },
    /// Scan the commits being pushed (ref updates on standard input).
    PrePush {
        /// The remote's name (or URL when pushing to a URL).
        remote: String,
        /// The remote's URL.
        url: Option<String>,
    },
    /// On the server: scan what a push adds before any ref moves (ref updates on standard
    /// input); a finding rejects the whole push.
    PreReceive,
    /// On the server: scan what a push adds to one ref; a finding rejects that ref's update.
    Update {
        /// The ref being updated.
        refname: String,
        /// What it points at now (all zeros when the push creates it).
        old: String,
        /// What the push sets it to (all zeros for a deletion).
        new: String,
    },
}

/// Arguments of `pyguard scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or directories to scan; `-` reads standard input [default: .]
    pub paths: Vec<PathBuf>,
    /// Scan what is staged for the next commit (the pre-commit gate) instead of paths.
    #[arg(long, conflicts_with_all = ["paths", "exclude"])]
    pub staged: bool,
    /// Skip paths matching this gitignore-style glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Report options.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Options every scanning command shares.
#[derive(Debug, Args, Clone)]
// Independent command-line switches, each its own flag: an enum set would obscure the mapping.
#[allow(clippy::struct_excessive_bools)]
pub struct OutputArgs {
    /// Report format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Print secrets in full instead of redacted (first 4 characters).
    #[arg(long)]
    pub show_secrets: bool,
    /// Skip (and report) files larger than this, e.g. 10MB, 512KB.
    #[arg(long, value_name = "SIZE", value_parser = crate::settings::parse_size)]
    pub max_file_size: Option<u64>,
    /// Worker threads [default: one per core].
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,
    /// Print only findings: no summary, no notes.
    #[arg(long, short = 'q', conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also print counts (suppressed findings by kind) and timings.
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// Configuration file [default: .pyguard.yaml, else [tool.pyguard] in pyproject.toml].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Look only for this kind of finding (repeatable; also `only` in the configuration).
    #[arg(long, value_enum, value_delimiter = ',', value_name = "KIND")]
    pub only: Vec<OnlyKind>,
    /// Exit 0 even when there are findings (report-only runs); errors still exit 2.
    #[arg(long)]
    pub exit_zero: bool,
}

/// Arguments of `pyguard history`.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The repository: a work tree, a `.git` directory or a bare repository [default: .]
    pub repo: Option<PathBuf>,
    /// Only this branch (or tag, or remote-tracking branch) and its ancestors, instead of
    /// every ref.
    #[arg(long, value_name = "NAME", conflicts_with = "range")]
    pub branch: Option<String>,
    /// Only the commits of this revision range, e.g. `v1.0..main` (reachable from the right
    /// side, not from the left), or of one revision and its ancestors.
    #[arg(long, value_name = "A..B")]
    pub range: Option<String>,
    /// Only commits made (committer date) on or after this date: `2024-01-31`,
    /// `2024-01-31T12:00:00Z`, `2 weeks ago`.
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Report options.
    #[command(flatten)]
    pub output: OutputArgs,
}
