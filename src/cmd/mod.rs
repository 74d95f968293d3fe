//! One module per subcommand, each with a `run` that returns the exit code. Dispatch only.

pub mod baseline;
pub mod doctor;
pub mod explain;
pub mod history;
pub mod hook;
pub mod install;
pub mod patterns;
pub mod scan;

use anyhow::Result;

use crate::cli::{Cli, ColorWhen, Command};

/// Runs the parsed command line and returns the process exit code (0, 1 or 2).
pub fn run(cli: Cli) -> Result<u8> {
    anstream::ColorChoice::write_global(match cli.color {
        ColorWhen::Auto => anstream::ColorChoice::Auto,
        ColorWhen::Always => anstream::ColorChoice::Always,
        ColorWhen::Never => anstream::ColorChoice::Never,
    });
    if let Some(day) = crate::config::scan_date(cli.today)? {
        crate::matcher::eol::set_scan_date(day);
    }
    match cli.command {
        Command::Scan(args) => scan::run(&args),
        Command::Baseline(args) => baseline::run(&args),
        Command::Patterns(sub) => patterns::run(&sub),
        Command::Explain(args) => explain::run(&args),
        Command::Install(args) => install::install(&args),
        Command::Uninstall(args) => install::uninstall(&args),
        Command::Doctor => doctor::run(),
        Command::Hook(args) => Ok(hook::run(&args)),
        Command::History(args) => history::run(&args),
    }
}
