//! Integration tests, compiled into one binary (faster to build and run than one per file).

mod common;

mod cli_eol;
mod cli_files;
mod cli_scan;
mod patterns;
