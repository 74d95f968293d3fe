//! Files of the git index picked by path, read whole: the commit gate reads the project's
//! dependency manifests this way when a warning depends on them and the staged change does not
//! touch them. Reading only.

use anyhow::{Context as _, Result};
use git2::Repository;

/// Every index entry whose path `pick` accepts, with its staged content. The repository is
/// opened from the environment, as for the staged gate (`GIT_INDEX_FILE` is honoured).
pub fn in_index(pick: impl Fn(&str) -> bool) -> Result<Vec<(String, Vec<u8>)>> {
    let repo = Repository::open_from_env().context("not inside a git repository")?;
    let index = repo.index().context("failed to read the git index")?;
    let mut out = Vec::new();
    for entry in index.iter() {
        let path = String::from_utf8_lossy(&entry.path).into_owned();
        if !pick(&path) {
            continue;
        }
        let blob = repo
            .find_blob(entry.id)
            .with_context(|| format!("failed to read {path} from the index"))?;
        out.push((path, blob.content().to_vec()));
    }
    Ok(out)
}
