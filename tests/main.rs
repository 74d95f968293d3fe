//! Integration tests, compiled into one binary (faster to build and run than one per file).

mod common;

mod cli_scan;
mod patterns;
