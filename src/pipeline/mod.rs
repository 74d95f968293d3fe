//! The path from content to findings: the scanner (matcher plus extractors), path-set checks,
//! findings and their places, and suppression.

pub mod finding;
pub mod pathset;
pub mod scanner;
pub mod suppress;
