//! The command line, declared with clap's derive API. Each option's `///` comment is its
//! `--help` text. Parsing only: validation and defaults from files live in `config`.

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
}

/// Arguments of `pyguard scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or directories to scan; `-` reads standard input [default: .]
    pub paths: Vec<PathBuf>,
    /// Skip paths matching this gitignore-style glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Report options.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Options every scanning command shares.
#[derive(Debug, Args, Clone)]
pub struct OutputArgs {
    /// Report format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Print secrets in full instead of redacted (first 4 characters).
    #[arg(long)]
    pub show_secrets: bool,
    /// Skip (and report) files larger than this, e.g. 10MB, 512KB.
    #[arg(long, value_name = "SIZE", value_parser = crate::config::parse_size)]
    pub max_file_size: Option<u64>,
    /// Worker threads [default: one per core].
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,
    /// Print only findings, no summary.
    #[arg(long, short = 'q', conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also print counts and timings.
    #[arg(long, short = 'v')]
    pub verbose: bool,
}
