//! Decoders that turn one file into the parts worth scanning: notebook cells and outputs,
//! Kubernetes Secret values, UTF-16 text. The pipeline calls them; they know nothing of git or reports.

pub mod kubernetes;
pub mod notebook;
pub mod utf16;
