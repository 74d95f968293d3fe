//! The rule layer: the pattern format and its loading, validators, and the placeholder and
//! entropy models that judge a candidate value. Rules are data and pure functions; they know
//! nothing of files, git, scanning or reports.

pub mod entropy;
pub mod keyname;
pub mod literal;
pub mod pattern;
pub mod placeholder;
pub mod validate;
