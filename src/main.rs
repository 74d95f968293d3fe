//! The `pyguard` binary: parse arguments, dispatch, map the result to an exit code.
//! This is the only place that exits.
#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::Parser as _;

fn main() -> ExitCode {
    let cli = match pyguard::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            // --help and --version are not errors; everything else about the arguments is.
            return ExitCode::from(if err.use_stderr() { 2 } else { 0 });
        }
    };
    match pyguard::cmd::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            let is_pipe = err.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            });
            if is_pipe {
                return ExitCode::SUCCESS;
            }
            pyguard::report::message::fatal(&err);
            ExitCode::from(2)
        }
    }
}
