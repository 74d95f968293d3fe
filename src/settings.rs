//! One validated [`Settings`] per run, built once from the command line's flags and the
//! configuration file (ripgrep's `LowArgs` -> `HiArgs`), then passed down to the pipeline and
//! the report writers. There is no process-wide state: the day Python end of life is judged
//! against is a field here, not a global.
//!
//! This module decides settings; it does not parse the command line (that is `cli`, which
//! this module does not import: `cmd` copies the parsed flags into [`Flags`]) and it does not
//! scan anything.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, Result};

use crate::config::Config;
use crate::matcher::eol::{self, Day};
use crate::matcher::Matcher;
use crate::pipeline::filter::PathFilter;
use crate::pipeline::scanner::Scanner;
use crate::pipeline::suppress::Suppressor;
use crate::pipeline::Pipeline;
use crate::report::{Format, Options};
use crate::rules::pattern::Pattern;

/// The flags that shape a scanning run, as parsed (the `LowArgs`).
#[derive(Clone, Debug, Default)]
// One field per command-line switch: an enum set would obscure the mapping to the flags.
#[allow(clippy::struct_excessive_bools)]
pub struct Flags {
    /// `--config FILE`.
    pub config: Option<PathBuf>,
    /// `--format`.
    pub format: Format,
    /// `--show-secrets`.
    pub show_secrets: bool,
    /// `--max-file-size`.
    pub max_file_size: Option<u64>,
    /// `--threads`.
    pub threads: Option<usize>,
    /// `--quiet`.
    pub quiet: bool,
    /// `--verbose`.
    pub verbose: bool,
    /// `--today`.
    pub today: Option<Day>,
    /// `--exclude` globs (relative to the first scanned path).
    pub exclude: Vec<String>,
    /// `--only`: the kinds of pattern to run (empty: the configuration decides).
    pub only: Vec<crate::rules::pattern::Kind>,
    /// `--exit-zero`: findings do not fail the run.
    pub exit_zero: bool,
}

/// Everything a run needs to know, validated (the `HiArgs`).
#[derive(Clone, Debug)]
pub struct Settings {
    /// The configuration file's settings, with the flags that override it applied.
    pub config: Config,
    /// Report format.
    pub format: Format,
    /// Only findings: no summary, no notes.
    pub quiet: bool,
    /// Also counts and timings.
    pub verbose: bool,
    /// The day Python end of life is judged against.
    pub today: Day,
    /// `--exclude` globs from the command line.
    pub exclude: Vec<String>,
    /// Report findings but exit 0 (`--exit-zero`); errors still exit 2.
    pub exit_zero: bool,
}

impl Settings {
    /// Loads the configuration for a run starting at `start` and applies the flags; flags win
    /// over the file. The configuration's notes are left in `config.notes` for the caller to
    /// print through `report`.
    pub fn build(flags: &Flags, start: &Path) -> Result<Settings> {
        Self::with_config(Config::load(flags.config.as_deref(), start)?, flags)
    }

    /// The built-in defaults with the flags applied: no configuration file is looked for
    /// (the server hook, where a file found near the repository is not the server's choice).
    pub fn build_default(flags: &Flags) -> Result<Settings> {
        Self::with_config(Config::default(), flags)
    }

    fn with_config(mut config: Config, flags: &Flags) -> Result<Settings> {
        if let Some(n) = flags.max_file_size {
            config.max_file_size = n;
        }
        config.show_secrets = flags.show_secrets;
        config.threads = flags.threads.unwrap_or(0);
        if !flags.only.is_empty() {
            config.only.clone_from(&flags.only);
        }
        Ok(Settings {
            config,
            format: flags.format,
            quiet: flags.quiet,
            verbose: flags.verbose,
            today: scan_date(flags.today)?,
            exclude: flags.exclude.clone(),
            exit_zero: flags.exit_zero,
        })
    }

    /// The exit code of a report's `code`, after `--exit-zero`.
    #[must_use]
    pub fn exit_code(&self, code: u8) -> u8 {
        if code == 1 && self.exit_zero {
            0
        } else {
            code
        }
    }

    /// The size limit and threads of a history scan.
    #[must_use]
    pub fn limits(&self) -> crate::pipeline::history::Limits {
        crate::pipeline::history::Limits {
            max_file_size: self.config.max_file_size,
            threads: self.config.threads,
        }
    }

    /// What the report writers need.
    #[must_use]
    pub fn report_options(&self) -> Options {
        Options {
            show_secrets: self.config.show_secrets,
            quiet: self.quiet,
            verbose: self.verbose,
        }
    }
}

/// The day Python end of life is judged against: `--today`, else the `PYGUARD_TODAY`
/// environment variable (`YYYY-MM-DD`), else today (UTC).
pub fn scan_date(flag: Option<Day>) -> Result<Day> {
    if let Some(day) = flag {
        return Ok(day);
    }
    match std::env::var("PYGUARD_TODAY") {
        Ok(v) if !v.trim().is_empty() => {
            eol::parse_day(&v).map_err(|e| anyhow!("PYGUARD_TODAY: {e}"))
        }
        _ => Ok(eol::today()),
    }
}

/// Parses a size such as `10MB`, `512k`, `1048576` or `2 GiB` into bytes.
pub fn parse_size(text: &str) -> Result<u64, String> {
    crate::config::parse_size(text)
}

/// Whether a pipeline applies the baseline (`pyguard baseline` rebuilds it, so it must not).
#[derive(Clone, Debug)]
pub enum UseBaseline {
    /// Suppress what the baseline lists.
    Yes,
    /// Leave the baseline out.
    No,
    /// This baseline (or none): a server reads the one committed at the pushed tip.
    Given(Option<crate::pipeline::suppress::Baseline>),
}

impl Settings {
    /// The pipeline for this run: the patterns `keep` selects (judged as on [`Settings::today`]),
    /// suppression, and the path filter for a walk from `first_root`.
    pub fn pipeline(
        &self,
        keep: impl Fn(&Pattern) -> bool,
        first_root: &Path,
        baseline: UseBaseline,
    ) -> Result<Pipeline> {
        let c = &self.config;
        let patterns = c.patterns()?.into_iter().filter(keep).collect();
        let scanner = Scanner::new(Matcher::new(patterns)?.with_today(self.today));
        let suppressor = match baseline {
            UseBaseline::Yes => Suppressor::load(c.markers, c.allow.clone(), &c.root)?,
            UseBaseline::No => Suppressor::new(c.markers, c.allow.clone(), None),
            UseBaseline::Given(b) => Suppressor::new(c.markers, c.allow.clone(), b),
        };
        let filter = PathFilter::new((&c.root, &c.exclude, &c.include), &self.exclude, first_root)?;
        Ok(Pipeline::new(scanner, suppressor, filter))
    }
}
