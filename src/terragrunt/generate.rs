//! `generate` blocks: a `.tf` file Terragrunt writes into the module before
//! running Terraform. Its contents are evaluated here and added to the source
//! map as a file of their own whose text is the generating file's, with
//! everything outside the `contents` blanked (lines kept) and the Terragrunt
//! interpolations replaced by their values: a finding on a generated provider
//! then points at the line of `root.hcl` that wrote it.

use super::eval::Scope;
use crate::eval::value::Val;
use crate::findings::{Code, Finding};
use crate::model::{Block, ExprKind, TemplatePart};
use crate::source::{FileId, Span};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// A value written at (start, end) of a generated text, with the places it
/// came through, newest first.
pub type GivenAt = (u32, u32, Vec<(Span, String)>);

/// A file written by a `generate` block.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The file name in the module (`provider.tf`).
    pub name: String,
    /// Its text in the source map.
    pub id: FileId,
    /// The file whose `generate` block wrote it.
    pub from: FileId,
    /// `if_exists = "skip"`: a file of the module with this name is kept.
    pub skip_if_exists: bool,
    /// Where values were written in the text (start, end), with the places
    /// each came through, newest first.
    pub given: Vec<GivenAt>,
}

/// The `generate` blocks of the parents and the unit (the unit's win, by
/// label), and `remote_state`'s `generate` when it writes a `.tf` file.
pub fn blocks(scopes: &[&Scope], unit_dir: &Path, findings: &mut Vec<Finding>) -> Vec<Generated> {
    let mut by_label: BTreeMap<String, (usize, &Block)> = BTreeMap::new();
    for (i, s) in scopes.iter().enumerate() {
        for b in s.body.blocks("generate") {
            by_label.insert(b.label(0).unwrap_or("").to_string(), (i, b));
        }
    }
    let mut out = Vec::new();
    for (label, (i, b)) in by_label {
        if let Some(g) = one(scopes[i], &label, b, unit_dir, findings) {
            out.push(g);
        }
    }
    out
}

fn one(
    s: &Scope,
    label: &str,
    b: &Block,
    unit_dir: &Path,
    findings: &mut Vec<Finding>,
) -> Option<Generated> {
    let attr = |n: &str| b.body.attr(n).map(|a| s.eval(&a.expr));
    if attr("disable").is_some_and(|v| v == Val::bool(true)) {
        return None;
    }
    let path = attr("path")?;
    let name = path.as_str()?.to_string();
    if !name.ends_with(".tf") {
        return None;
    }
    let skip_if_exists = attr("if_exists").is_some_and(|v| v.as_str() == Some("skip"));
    let contents = b.body.attr("contents")?;
    let file = contents.expr.span.file;
    let mut given = Vec::new();
    let start = contents.expr.span.start as usize;
    // A JSON configuration writes the contents on one line, with `\n`
    // escapes: its lines cannot be kept, so the generated file is shown as
    // itself, named after the block that wrote it (`root.hcl.json (generate
    // "provider": provider.tf)`).
    let json = s
        .files
        .sources
        .borrow()
        .get(file)
        .path
        .to_string_lossy()
        .ends_with(".json");
    let text = match &contents.expr.kind {
        ExprKind::Template(parts) => in_place(s, file, start, parts, json, &mut given),
        ExprKind::Str(lit) => in_place(
            s,
            file,
            start,
            &[TemplatePart::Literal(lit.clone())],
            json,
            &mut given,
        ),
        _ => None,
    };
    // Contents with `%{ }` directives are evaluated whole: their lines are
    // not the file's, so the file is shown as itself too.
    let alone = json || text.is_none();
    let text = match text {
        Some(t) => t,
        None => match s.eval(&contents.expr).as_str() {
            Some(t) => {
                given.clear();
                t.to_string()
            }
            None => {
                findings.push(Finding::new(
                    Code::Crc003,
                    file,
                    Some(contents.expr.span),
                    format!(
                        "generate {label:?}: its contents cannot be known, so {name} is not checked"
                    ),
                ));
                return None;
            }
        },
    };
    let mut sources = s.files.sources.borrow_mut();
    let mut display = sources.get(file).display.clone();
    if alone {
        display = format!("{display} (generate {label:?}: {name})");
    }
    let id = sources.add(unit_dir.join(&name), display, Arc::from(text.as_str()));
    Some(Generated {
        name,
        id,
        from: file,
        skip_if_exists,
        given,
    })
}

/// The generating file's text with everything before the contents blanked
/// (newlines kept) and the contents as Terragrunt writes them, each
/// Terragrunt interpolation replaced by its value (an unknown one is kept as
/// written, for Terraform's evaluation to name). `None` for a template with
/// directives. `alone`: the contents only, nothing of the file before them.
fn in_place(
    s: &Scope,
    file: FileId,
    start: usize,
    parts: &[TemplatePart],
    alone: bool,
    given: &mut Vec<GivenAt>,
) -> Option<String> {
    let src = s.files.sources.borrow().get(file).text.clone();
    let head = src.get(..start)?;
    let rest = src.get(start..)?;
    // A heredoc's text starts on the line after `<<EOF`; a quoted string
    // after its quote.
    let skip = if rest.starts_with("<<") {
        rest.find('\n')? + 1
    } else {
        1
    };
    let mut out: String = if alone {
        String::new()
    } else {
        head.chars()
            .chain(rest.get(..skip)?.chars())
            .map(|c| if c == '\n' { '\n' } else { ' ' })
            .collect()
    };
    for p in parts {
        match p {
            TemplatePart::Literal(l) => out.push_str(&l.replace("${", "$${").replace("%{", "%%{")),
            TemplatePart::Interp(e) => {
                let v = s.eval(e);
                match v.to_string_value() {
                    Some(t) => {
                        let at = out.len() as u32;
                        out.push_str(&t.replace("${", "$${").replace("%{", "%%{"));
                        let via = v
                            .origins()
                            .into_iter()
                            .map(|o| (o.span, o.message.to_string()))
                            .collect();
                        given.push((at, out.len() as u32, via));
                    }
                    None => {
                        out.push_str("${");
                        out.push_str(s.files.sources.borrow().slice(e.span));
                        out.push('}');
                    }
                }
            }
            _ => return None,
        }
    }
    Some(out)
}
