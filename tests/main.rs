//! Integration tests, compiled into one binary (faster to build and run than one per file).

mod common;

mod agreement;
mod cli_config;
mod cli_conventions;
mod cli_eol;
mod cli_errors;
mod cli_extract;
mod cli_files;
mod cli_fixtures;
mod cli_generic;
mod cli_python;
mod cli_scan;
mod cli_suppress;
mod gate_holes;
mod git_hooks;
mod history;
mod pattern_reference;
mod patterns;
mod pipeline_modes;
mod python_labels;
mod redaction;
mod report_schema;
mod robustness;
mod sarif_schema;
mod server_hooks;
mod snapshots;
