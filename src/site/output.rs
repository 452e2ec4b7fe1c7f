//! The output of a migration: one plan of files, each path once, written
//! atomically (temporary file, then rename) and only when its bytes change.

use super::migrate::MigrateError;
use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> MigrateError + '_ {
    move |source| MigrateError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// OUT as an absolute path without symlinks (it may not exist yet).
pub fn absolute_out(out: &Path) -> Result<PathBuf, MigrateError> {
    let abs = if out.is_absolute() {
        out.to_path_buf()
    } else {
        std::env::current_dir().map_err(io_err(out))?.join(out)
    };
    let mut existing = abs.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(c) = existing.canonicalize() {
            let mut p = c;
            for part in rest.iter().rev() {
                p.push(part);
            }
            return Ok(p);
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_owned());
                existing = parent;
            }
            _ => return Ok(abs),
        }
    }
}

/// What goes into a file.
#[derive(Debug)]
pub enum Content {
    Text(String),
    Copy(PathBuf),
}

/// Every output file, in a stable order, each path once.
#[derive(Default)]
pub struct Plan {
    pub files: Vec<(String, Content)>,
    index: HashMap<String, usize>,
    owners: HashMap<String, String>,
}

impl Plan {
    /// Adds a file; `Err(owner)` when the path is taken.
    pub fn add(&mut self, rel: &str, content: Content) -> Result<(), String> {
        if self.index.contains_key(rel) {
            return Err(self
                .owners
                .get(rel)
                .cloned()
                .unwrap_or_else(|| rel.to_owned()));
        }
        self.index.insert(rel.to_owned(), self.files.len());
        self.files.push((rel.to_owned(), content));
        Ok(())
    }

    pub fn owner(&mut self, rel: &str, source: &str) {
        self.owners
            .entry(rel.to_owned())
            .or_insert_with(|| source.to_owned());
    }
}

/// Writes `content` to OUT/rel through a temporary file and a rename,
/// unless the file already holds exactly these bytes. Returns whether it
/// wrote. Refuses paths inside the site (`root`).
pub fn write_atomic(
    out: &Path,
    root: &Path,
    rel: &str,
    content: &Content,
) -> Result<bool, MigrateError> {
    let target = out.join(rel);
    if target.starts_with(root) {
        return Err(MigrateError::OutInsideSite {
            out: target.display().to_string(),
            site: root.display().to_string(),
        });
    }
    let bytes = match content {
        Content::Text(t) => std::borrow::Cow::Borrowed(t.as_bytes()),
        Content::Copy(src) => std::borrow::Cow::Owned(std::fs::read(src).map_err(io_err(src))?),
    };
    if let Ok(meta) = std::fs::metadata(&target)
        && meta.len() == bytes.len() as u64
        && std::fs::read(&target).is_ok_and(|old| old == *bytes)
    {
        return Ok(false);
    }
    let dir = target.parent().unwrap_or(out);
    std::fs::create_dir_all(dir).map_err(io_err(dir))?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io_err(dir))?;
    tmp.write_all(&bytes).map_err(io_err(&target))?;
    tmp.persist(&target).map_err(|e| MigrateError::Io {
        path: target.display().to_string(),
        source: e.error,
    })?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_once_and_never_into_the_site() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let site = dir.path().join("site");
        let text = Content::Text("hello".into());
        assert!(write_atomic(&out, &site, "a/b.md", &text).unwrap());
        assert!(!write_atomic(&out, &site, "a/b.md", &text).unwrap());
        assert_eq!(
            std::fs::read_to_string(out.join("a/b.md")).unwrap(),
            "hello"
        );
        let changed = Content::Text("bye".into());
        assert!(write_atomic(&out, &site, "a/b.md", &changed).unwrap());
        // No temporary files are left behind.
        assert_eq!(std::fs::read_dir(out.join("a")).unwrap().count(), 1);
        let inside = write_atomic(dir.path(), &site, "site/x", &text);
        assert!(matches!(inside, Err(MigrateError::OutInsideSite { .. })));
        assert!(!site.join("x").exists());
    }

    #[test]
    fn plan_paths_are_unique() {
        let mut plan = Plan::default();
        assert!(plan.add("a", Content::Text(String::new())).is_ok());
        plan.owner("a", "posts/a.rst");
        assert_eq!(
            plan.add("a", Content::Text(String::new())),
            Err("posts/a.rst".to_owned())
        );
        assert_eq!(plan.files.len(), 1);
    }
}
