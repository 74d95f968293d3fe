//! pyguard stops secrets and unsafe Python patterns before they enter git history.
//!
//! The crate is a library with a thin binary. Data flows one way: a [`source`] turns files,
//! the git index or commits into [`source::Chunk`]s; the [`matcher`] finds pattern matches in
//! them; [`pipeline::finding`] places matches in their files; [`report`] prints them; `main` maps the
//! result to an exit code.
#![forbid(unsafe_code)]

pub mod cli;
pub mod cmd;
pub mod config;
pub mod extract;
pub mod matcher;
pub mod pipeline;
pub mod report;
pub mod rules;
pub mod settings;
pub mod source;
