//! Integration tests, compiled into one binary (faster to build and run than one per file).

mod common;

mod cli_config;
mod cli_eol;
mod cli_extract;
mod cli_files;
mod cli_fixtures;
mod cli_generic;
mod cli_python;
mod cli_scan;
mod cli_suppress;
mod git_hooks;
mod history;
mod patterns;
mod sarif_schema;
