//! The Terragrunt configuration files a run reads (`terragrunt.hcl`,
//! `root.hcl`, `region.hcl`...): each read and parsed once, added to the
//! source map so that findings and origins can point into them.

use crate::eval::value::Val;
use crate::findings::Finding;
use crate::model::Body;
use crate::source::{FileId, SourceMap, Span};
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

/// Configuration files larger than this are not read (a Terragrunt file is
/// a few kilobytes).
const MAX_FILE: u64 = 4 << 20;

pub struct LoadedFile {
    pub id: FileId,
    pub body: Body,
}

pub enum Loaded {
    Ok(Rc<LoadedFile>),
    Missing(String),
    Broken(String),
}

/// A file read and parsed, or (missing?, why not).
type ReadResult = Result<Rc<LoadedFile>, (bool, String)>;

/// The files read so far, and the source map they are added to.
pub struct ConfigFiles {
    pub sources: RefCell<SourceMap>,
    cwd: PathBuf,
    cache: RefCell<HashMap<PathBuf, Rc<ReadResult>>>,
    /// CRC000 for files that do not parse, once each.
    pub findings: RefCell<Vec<Finding>>,
    /// Remote packages no `[[source]]` or cache resolved (for `cercle init`).
    pub unmapped: RefCell<Vec<String>>,
    /// The files read since [`ConfigFiles::take_touched`] (cached or not).
    touched: RefCell<Vec<FileId>>,
    /// `read_terragrunt_config` values of the unit being evaluated, by
    /// (including file's directory, file read): each file is evaluated once
    /// per unit however many times it is read.
    memo: RefCell<HashMap<(Option<PathBuf>, PathBuf), Val>>,
    /// The files `read_terragrunt_config` is reading now, outermost first
    /// (a file that reads itself is a cycle, not a recursion).
    reading: RefCell<Vec<PathBuf>>,
}

impl ConfigFiles {
    pub fn new(sources: SourceMap, cwd: &Path) -> ConfigFiles {
        ConfigFiles {
            sources: RefCell::new(sources),
            cwd: cwd.to_path_buf(),
            cache: RefCell::default(),
            findings: RefCell::default(),
            touched: RefCell::default(),
            unmapped: RefCell::default(),
            memo: RefCell::default(),
            reading: RefCell::default(),
        }
    }

    /// Starts a new unit: forgets the values read for the previous one.
    pub fn start_unit(&self) {
        self.memo.borrow_mut().clear();
        self.reading.borrow_mut().clear();
        self.take_touched();
    }

    /// The value `read_terragrunt_config(path)` gave in this unit (from a
    /// file included from `parent`), computed by `compute` the first time.
    /// A file being read already (a cycle) gives `Err` with the chain.
    pub fn read_once(
        &self,
        parent: Option<&Path>,
        path: &Path,
        compute: impl FnOnce() -> Val,
    ) -> Result<Val, Vec<PathBuf>> {
        let key = (parent.map(Path::to_path_buf), path.to_path_buf());
        if let Some(v) = self.memo.borrow().get(&key) {
            return Ok(v.clone());
        }
        if self.reading.borrow().iter().any(|p| p == path) {
            let mut chain = self.reading.borrow().clone();
            chain.push(path.to_path_buf());
            return Err(chain);
        }
        self.reading.borrow_mut().push(path.to_path_buf());
        let v = compute();
        self.reading.borrow_mut().pop();
        self.memo.borrow_mut().insert(key, v.clone());
        Ok(v)
    }

    /// The files [`ConfigFiles::get`] gave since the last call.
    pub fn take_touched(&self) -> Vec<FileId> {
        let mut t = std::mem::take(&mut *self.touched.borrow_mut());
        t.sort_unstable();
        t.dedup();
        t
    }

    pub fn into_sources(self) -> (SourceMap, Vec<Finding>, Vec<String>) {
        (
            self.sources.into_inner(),
            self.findings.into_inner(),
            self.unmapped.into_inner(),
        )
    }

    /// The file at `path` (normalised), read and parsed once.
    pub fn get(&self, path: &Path) -> Loaded {
        let cached = self.cache.borrow().get(path).cloned();
        let r = match cached {
            Some(r) => r,
            None => {
                let r = Rc::new(self.read(path));
                self.cache
                    .borrow_mut()
                    .insert(path.to_path_buf(), r.clone());
                r
            }
        };
        match &*r {
            Ok(l) => {
                self.touched.borrow_mut().push(l.id);
                Loaded::Ok(l.clone())
            }
            Err((true, why)) => Loaded::Missing(why.clone()),
            Err((false, why)) => Loaded::Broken(why.clone()),
        }
    }

    fn read(&self, path: &Path) -> ReadResult {
        let shown = crate::source::display_path(path, &self.cwd);
        let meta =
            std::fs::metadata(path).map_err(|_| (true, format!("{shown} does not exist")))?;
        if meta.len() > MAX_FILE {
            return Err((false, format!("{shown} is larger than {MAX_FILE} bytes")));
        }
        let text = std::fs::read_to_string(path)
            .map_err(|e| (false, format!("cannot read {shown}: {e}")))?;
        let id = self.sources.borrow_mut().add(
            path.to_path_buf(),
            shown.clone(),
            Arc::from(text.as_str()),
        );
        let parsed = if path.to_string_lossy().ends_with(".json") {
            crate::parse::tf_json::parse_terragrunt_json(&text, id)
        } else {
            crate::parse::hcl::parse_body(&text, id)
        };
        match parsed {
            Ok(body) => Ok(Rc::new(LoadedFile { id, body })),
            Err(e) => {
                let f = crate::parse::load::parse_error_finding(
                    &self.sources.borrow().get(id).clone(),
                    e.offset,
                    e.message.clone(),
                );
                self.findings.borrow_mut().push(f);
                Err((false, format!("{shown} does not parse: {}", e.message)))
            }
        }
    }

    /// The text of a span, on one line, for messages.
    pub fn text(&self, span: Span) -> String {
        let sources = self.sources.borrow();
        if span.file as usize >= sources.len() {
            return String::new();
        }
        let s = sources
            .slice(span)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if s.chars().count() > 80 {
            format!("{}...", s.chars().take(77).collect::<String>())
        } else {
            s
        }
    }

    pub fn display(&self, id: FileId) -> String {
        self.sources.borrow().get(id).display.clone()
    }

    pub fn cwd(&self) -> &Path {
        &self.cwd
    }
}
