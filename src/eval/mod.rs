//! Static evaluation with provenance (SPEC §4).
//!
//! One [`Eval`] evaluates one root module and the module instances it calls.
//! Everything is lazy and cached: a variable, a local, a module output or a
//! resource attribute is evaluated when something asks for it, once per module
//! instance. What cannot be known stays [`Unknown`](crate::eval::value::Unknown),
//! with the span of the expression: it is never an error nor a silent pass.

pub mod early;
pub mod funcs;
pub mod value;

use crate::assemble::{Module, ResourceDecl};
use crate::eval::value::{Key, Origin, ResourceRef, V, Val, elements, fmt_num, map_alts};
use crate::findings::{Code, Finding};
use crate::model::{BinaryOp, Body, Expr, ExprKind, TemplatePart, Traverse, UnaryOp};
use crate::source::{SourceMap, Span};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::path::Path;
use std::rc::Rc;

/// Deepest evaluation before a value is declared unknown.
const MAX_DEPTH: u32 = 600;
/// At most this many instances of one `count` or `for_each` are expanded;
/// past it, a CRC003 says so ([`Eval::capped`]).
pub const MAX_INSTANCES: usize = 10_000;
/// At most this many instances (of resources, module calls and providers)
/// are expanded in one root module, whatever the nesting: ten module levels
/// of `count = 10000` would otherwise ask for 10^40. Past it, a CRC003 names
/// the expression and the bound ([`Eval::capped`]).
pub const MAX_ROOT_INSTANCES: usize = 100_000;
/// At most this many module instances in one root module.
pub const MAX_MODULE_INSTANCES: usize = 10_000;
/// At most this many evaluation steps (one per expression node evaluated,
/// `for` bodies and the locals, variables and outputs it reads included) for
/// one expression evaluated from the outside. Past it, the value is unknown
/// and a CRC003 names the expression and the bound ([`Eval::over_budget`]).
/// Real code takes a few thousand at most: a `for` over the longest list a
/// function may make (1,000,000 elements) still fits.
pub const MAX_STEPS: u64 = 4_000_000;
/// At most this many evaluation steps in one root module, all expressions
/// together: many expressions each just under [`MAX_STEPS`] are bounded too.
/// The heaviest root of 11 public module collections takes 108,442 (Azure
/// CAF enterprise-scale; Fabric 29,549, the others under 5,000); a
/// generated root of 10,000 module instances with heavy expressions took
/// 11 s at 40,000,000 (fuzz_pipeline, seed 20261206, case 7062), about 3 s
/// at this bound.
pub const MAX_ROOT_STEPS: u64 = 10_000_000;

pub type InstId = usize;

/// Why an evaluation was cut: the step bound of its expression (`own`) or
/// of its root module.
fn budget_why(own: bool) -> String {
    if own {
        format!("more than {MAX_STEPS} evaluation steps, the bound for one expression")
    } else {
        format!("more than {MAX_ROOT_STEPS} evaluation steps, the bound for one root module")
    }
}

/// A resource instance: module instance, declaration, instance key.
pub type InstanceKey = (InstId, usize, Option<Key>);
type Children = Rc<Vec<(Option<Key>, InstId)>>;

/// A module instance: a module with the values of one call.
#[derive(Debug)]
pub struct Instance {
    pub module: usize,
    /// `""` for a root, `module.a["k"].module.b` below.
    pub addr: String,
    /// The call path for the modules manifest: `a.b`.
    pub key_path: String,
    /// The calling instance and the scope of the call (its `each`/`count`).
    pub parent: Option<Scope>,
    /// The call in the parent module.
    pub call: Option<usize>,
    pub root: InstId,
}

/// Where an expression is evaluated.
#[derive(Clone, Debug)]
pub struct Scope {
    pub inst: InstId,
    pub each: Option<Rc<(Val, Val)>>,
    pub count: Option<Val>,
    /// Variables of for-expressions.
    pub vars: Vec<(Rc<str>, Val)>,
}

impl Scope {
    pub fn of(inst: InstId) -> Scope {
        Scope {
            inst,
            each: None,
            count: None,
            vars: Vec::new(),
        }
    }
}

/// Values given on the command line: `--var-file` and `--var`, in order.
#[derive(Debug, Default)]
pub struct CliValues {
    /// `(file id, body)` for each `--var-file` and for the `--var` pseudo-file,
    /// in command-line order.
    pub layers: Vec<(crate::source::FileId, Body)>,
}

/// A module call (by call index) or a resource (by declaration index) of an
/// instance, read whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Whole {
    Module(InstId, usize),
    Resource(InstId, usize),
}

/// How a module call's source was resolved.
#[derive(Clone, Debug)]
pub enum CallTarget {
    Module(usize),
    /// Not installed, missing directory or cycle: the reason was reported.
    None,
}

/// Resolves module call sources to loaded modules.
pub trait Resolver {
    fn resolve(
        &self,
        from_module: usize,
        call: usize,
        root_module: usize,
        key_path: &str,
    ) -> Result<usize, (Code, String)>;
}

/// What evaluation asks of placement, at exactly one point: the value of a
/// region-like attribute that is not written (`aws_s3_bucket.b.region` is
/// where the bucket is placed). The placement stage implements it, so that
/// evaluation never names placement.
pub trait Oracle {
    fn implied_attr(
        &self,
        ev: &Eval<'_>,
        inst: InstId,
        decl: usize,
        key: &Option<Key>,
        attr: &str,
        scope: &Scope,
    ) -> Option<Val>;
}

/// The modules one root's evaluation sees: the run's modules, where the
/// modules loaded for this evaluation only (the root, in full) stand in for
/// their slots (see `analyse`, "Lifecycle of the parsed model").
#[derive(Clone, Copy)]
pub struct Modules<'a> {
    pub base: &'a [Module],
    /// (index in `base`, the module to use instead).
    pub overlay: &'a [(usize, Module)],
}

impl<'a> Modules<'a> {
    /// All of `base`, nothing overlaid.
    pub fn plain(base: &'a [Module]) -> Modules<'a> {
        Modules { base, overlay: &[] }
    }

    pub fn get(&self, i: usize) -> &'a Module {
        match self.overlay.iter().find(|(j, _)| *j == i) {
            Some((_, m)) => m,
            None => &self.base[i],
        }
    }
}

impl std::ops::Index<usize> for Modules<'_> {
    type Output = Module;
    fn index(&self, i: usize) -> &Module {
        self.get(i)
    }
}

pub struct Eval<'a> {
    pub modules: Modules<'a>,
    pub sources: &'a SourceMap,
    pub cli: &'a CliValues,
    pub resolver: &'a dyn Resolver,
    /// What evaluation needs from placement: see [`Oracle`].
    pub oracle: &'a dyn Oracle,
    pub insts: RefCell<Vec<Rc<Instance>>>,
    children: RefCell<HashMap<(InstId, usize), Children>>,
    /// Why a module call has no instances because its source could not be
    /// loaded, named in what reads its outputs.
    unloaded: RefCell<HashMap<(InstId, usize), String>>,
    /// Per instance, then by name: a lookup builds no key.
    var_cache: RefCell<HashMap<InstId, HashMap<String, Val>>>,
    local_cache: RefCell<HashMap<InstId, HashMap<String, Val>>>,
    /// By declaration, then instance key and attribute: a lookup builds no
    /// key.
    #[allow(clippy::type_complexity)]
    attr_cache: RefCell<HashMap<(InstId, usize), HashMap<Option<Key>, HashMap<String, Val>>>>,
    expand_cache: RefCell<HashMap<(InstId, usize), Rc<Expansion>>>,
    /// A resource read whole (`aws_x.y`, not `aws_x.y.id`), by declaration:
    /// see [`Eval::resource_whole`].
    whole_cache: RefCell<HashMap<(InstId, usize), Val>>,
    /// A module call read whole, by call: see [`Eval::module_whole`].
    module_whole_cache: RefCell<HashMap<(InstId, usize), Val>>,
    /// Module calls and resources being read whole, and those found to be
    /// read whole while they were being built (a cycle Terraform refuses):
    /// see [`Eval::whole_guarded`].
    whole_building: RefCell<HashSet<Whole>>,
    whole_cyclic: RefCell<HashSet<Whole>>,
    active: RefCell<HashSet<(InstId, u8, String)>>,
    depth: Cell<u32>,
    /// See [`Eval::instance_events`].
    instance_events: Cell<u64>,
    /// How many evaluations were cut short by a cycle guard so far.
    cycles: Cell<u64>,
    /// Instances expanded so far by `count`/`for_each`: see
    /// [`MAX_ROOT_INSTANCES`].
    expanded: Cell<usize>,
    /// Set once [`MAX_MODULE_INSTANCES`] is reached (reported once).
    module_bound_hit: Cell<bool>,
    /// Evaluation steps of the expression evaluated from the outside, and
    /// of all of them: see [`MAX_STEPS`] and [`MAX_ROOT_STEPS`].
    steps: Cell<u64>,
    root_steps: Cell<u64>,
    /// The expression evaluated from the outside (depth 0) or on a budget of
    /// its own ([`Eval::own_budget`]), and whether its evaluation was cut by
    /// a step bound (`Some(true)`: its own, `Some(false)`: the root's).
    top: Cell<Option<Span>>,
    cut: Cell<Option<bool>>,
    /// Set once [`MAX_ROOT_STEPS`] is reported.
    root_budget_reported: Cell<bool>,
    pub findings: RefCell<Vec<Finding>>,
    /// Values Terragrunt wrote into generated files, by file (see
    /// `Module::given`): empty for plain Terraform.
    given: GivenValues,
}

/// The instances of a resource or module call: each key with its scope.
#[derive(Debug)]
pub struct Expansion {
    pub instances: Vec<(Option<Key>, Scope)>,
    /// Set when `count`/`for_each` could not be known: one instance stands for all.
    pub unknown: Option<Val>,
    /// `count` (true), `for_each` (false), or neither (None).
    pub counted: Option<bool>,
}

impl<'a> Eval<'a> {
    pub fn new(
        modules: Modules<'a>,
        sources: &'a SourceMap,
        cli: &'a CliValues,
        resolver: &'a dyn Resolver,
        oracle: &'a dyn Oracle,
    ) -> Eval<'a> {
        Eval {
            modules,
            sources,
            cli,
            resolver,
            oracle,
            insts: RefCell::new(Vec::new()),
            children: RefCell::default(),
            unloaded: RefCell::default(),
            var_cache: RefCell::default(),
            local_cache: RefCell::default(),
            attr_cache: RefCell::default(),
            expand_cache: RefCell::default(),
            whole_cache: RefCell::default(),
            module_whole_cache: RefCell::default(),
            whole_building: RefCell::default(),
            whole_cyclic: RefCell::default(),
            active: RefCell::default(),
            depth: Cell::new(0),
            instance_events: Cell::new(0),
            cycles: Cell::new(0),
            expanded: Cell::new(0),
            module_bound_hit: Cell::new(false),
            steps: Cell::new(0),
            root_steps: Cell::new(0),
            top: Cell::new(None),
            cut: Cell::new(None),
            root_budget_reported: Cell::new(false),
            findings: RefCell::default(),
            given: given_values(modules),
        }
    }

    /// Creates the root instance of a module.
    pub fn root(&self, module: usize) -> InstId {
        let mut insts = self.insts.borrow_mut();
        let id = insts.len();
        insts.push(Rc::new(Instance {
            module,
            addr: String::new(),
            key_path: String::new(),
            parent: None,
            call: None,
            root: id,
        }));
        id
    }

    pub fn inst(&self, id: InstId) -> Rc<Instance> {
        self.insts.borrow()[id].clone()
    }

    pub fn module_of(&self, id: InstId) -> &'a Module {
        let m = self.insts.borrow()[id].module;
        self.modules.get(m)
    }

    fn text(&self, span: Span) -> String {
        let s = self.sources.slice(span);
        let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
        if s.chars().count() > 80 {
            let cut: String = s.chars().take(77).collect();
            format!("{cut}...")
        } else {
            s
        }
    }

    /// How many times so far an evaluation read `count` or `each` from its
    /// scope, or was cut short by a cycle or depth guard. When this does not
    /// move while one resource instance is placed (or its tags read), the
    /// result depends only on the module instance, on the declaration and on
    /// what the caches hold: every other instance of the declaration, placed
    /// afterwards, gets the same one, bar the text of its address. So the
    /// caller may compute it once and share it.
    pub fn instance_events(&self) -> u64 {
        self.instance_events.get()
    }

    /// Counts an event of [`Eval::instance_events`].
    pub(crate) fn note_instance_event(&self) {
        self.instance_events.set(self.instance_events.get() + 1);
    }

    /// Counts an evaluation cut short by a cycle guard: an event of
    /// [`Eval::instance_events`], and one that stops [`Eval::resource_whole`]
    /// from caching.
    fn note_cycle(&self) {
        self.cycles.set(self.cycles.get() + 1);
        self.note_instance_event();
    }

    /// Guards against cycles: runs `f` unless `(inst, kind, name)` is already
    /// being evaluated.
    /// Runs `f`, the evaluation of the expression at `span` (a local or an
    /// output), on a step budget of its own ([`MAX_STEPS`]): the bound then
    /// names the expression that takes the steps, not the one that reads it.
    fn own_budget(&self, span: Span, f: impl FnOnce() -> Val) -> Val {
        let steps = self.steps.replace(0);
        let top = self.top.replace(Some(span));
        let cut = self.cut.replace(None);
        let v = f();
        self.steps.set(steps);
        self.top.set(top);
        match self.cut.replace(cut) {
            Some(own) => Val::unknown(span, budget_why(own)),
            None => v,
        }
    }

    /// The unknown value of an expression that reads itself.
    fn refers_to_itself(&self, span: Span) -> Val {
        Val::unknown(span, format!("{} (refers to itself)", self.text(span)))
    }

    fn guarded(&self, key: (InstId, u8, String), span: Span, f: impl FnOnce() -> Val) -> Val {
        if !self.active.borrow_mut().insert(key.clone()) {
            self.note_cycle();
            return self.refers_to_itself(span);
        }
        let v = f();
        self.active.borrow_mut().remove(&key);
        v
    }

    // ----- module instances -------------------------------------------------

    /// The instances created by call `call` of instance `inst`.
    pub fn children(&self, inst: InstId, call: usize) -> Rc<Vec<(Option<Key>, InstId)>> {
        if let Some(c) = self.children.borrow().get(&(inst, call)) {
            return c.clone();
        }
        let key = (inst, 5, call.to_string());
        if !self.active.borrow_mut().insert(key.clone()) {
            self.note_cycle();
            return Rc::new(Vec::new());
        }
        let out = Rc::new(self.make_children(inst, call));
        self.active.borrow_mut().remove(&key);
        self.children.borrow_mut().insert((inst, call), out.clone());
        out
    }

    fn make_children(&self, inst: InstId, call_idx: usize) -> Vec<(Option<Key>, InstId)> {
        let me = self.inst(inst);
        let module = &self.modules[me.module];
        let call = &module.calls[call_idx];
        let key_path = if me.key_path.is_empty() {
            call.name.clone()
        } else {
            format!("{}.{}", me.key_path, call.name)
        };
        let root_module = self.inst(me.root).module;
        let target = match self
            .resolver
            .resolve(me.module, call_idx, root_module, &key_path)
        {
            Ok(t) => t,
            Err((code, msg)) => {
                let span = call
                    .source()
                    .map(|(_, s)| s)
                    .unwrap_or(call.block.head_span());
                let mut f = Finding::new(code, span.file, Some(span), msg);
                f.block = Some(call.block.head_span());
                self.findings.borrow_mut().push(f);
                let why = match call.source() {
                    None => "it has no literal source".to_string(),
                    Some((src, _)) if call.local_source().is_some() => {
                        format!("its source directory {src} does not exist")
                    }
                    Some((src, _)) => format!("its source {src} is not installed"),
                };
                self.unloaded.borrow_mut().insert((inst, call_idx), why);
                return Vec::new();
            }
        };
        // A module that calls itself through its ancestors.
        let mut cur = Some(me.clone());
        let mut chain = vec![self.modules[target].dir.display().to_string()];
        while let Some(i) = cur {
            chain.push(self.modules[i.module].dir.display().to_string());
            if i.module == target {
                chain.reverse();
                let span = call
                    .source()
                    .map(|(_, s)| s)
                    .unwrap_or(call.block.head_span());
                let f = Finding::new(
                    Code::Crc000,
                    span.file,
                    Some(span),
                    format!("module cycle: {}", chain.join(" -> ")),
                );
                self.findings.borrow_mut().push(f);
                self.unloaded
                    .borrow_mut()
                    .insert((inst, call_idx), "it calls itself".to_string());
                return Vec::new();
            }
            cur = i.parent.as_ref().map(|p| self.inst(p.inst));
        }
        let exp = self.expand(&call.block.body, Scope::of(inst));
        let room = MAX_MODULE_INSTANCES.saturating_sub(self.insts.borrow().len());
        if exp.instances.len() > room && !self.module_bound_hit.replace(true) {
            let span = call.block.head_span();
            let msg = format!(
                "module {} gives {} instances, past the bound of {MAX_MODULE_INSTANCES} module instances in one root module: only {room} are checked, and no instance of a later module call; the placement of the others is not determined",
                call.name,
                exp.instances.len()
            );
            self.findings
                .borrow_mut()
                .push(Finding::new(Code::Crc003, span.file, Some(span), msg));
        }
        let mut out = Vec::new();
        for (key, scope) in exp.instances.iter().take(room) {
            let addr = join_addr(
                &me.addr,
                &format!(
                    "module.{}{}",
                    call.name,
                    key.as_ref().map(Key::address).unwrap_or_default()
                ),
            );
            let mut insts = self.insts.borrow_mut();
            let id = insts.len();
            insts.push(Rc::new(Instance {
                module: target,
                addr,
                key_path: key_path.clone(),
                parent: Some(scope.clone()),
                call: Some(call_idx),
                root: me.root,
            }));
            out.push((key.clone(), id));
        }
        out
    }

    /// Expands `count` / `for_each` of a block body evaluated in `scope`.
    pub fn expand(&self, body: &Body, scope: Scope) -> Expansion {
        if let Some(a) = body.attr("count") {
            let v = self.eval(&a.expr, &scope);
            let mut max: Option<i64> = None;
            let mut unknown = None;
            for alt in v.alts() {
                match alt.v {
                    V::Num(n) if n >= 0.0 => max = Some(max.unwrap_or(0).max(n as i64)),
                    V::Null => max = Some(max.unwrap_or(0)),
                    _ => unknown = Some(alt.clone()),
                }
            }
            if let Some(u) = unknown {
                let mut s = scope.clone();
                s.count = Some(Val::new(V::Map(Rc::new(BTreeMap::from([(
                    "index".to_string(),
                    Val::unknown(a.expr.span, "count.index (count is unknown)"),
                )])))));
                return Expansion {
                    instances: vec![(None, s)],
                    unknown: Some(u),
                    counted: Some(true),
                };
            }
            let total = max.unwrap_or(0);
            let n = self.bounded(a, usize::try_from(total).unwrap_or(usize::MAX)) as i64;
            let instances = (0..n)
                .map(|i| {
                    let mut s = scope.clone();
                    s.count = Some(Val::map(BTreeMap::from([(
                        "index".to_string(),
                        Val::num(i as f64),
                    )])));
                    (Some(Key::Int(i)), s)
                })
                .collect();
            return Expansion {
                instances,
                unknown: None,
                counted: Some(true),
            };
        }
        if let Some(a) = body.attr("for_each") {
            let v = self.eval(&a.expr, &scope);
            let mut items: BTreeMap<String, Val> = BTreeMap::new();
            let mut unknown = None;
            for alt in v.alts() {
                match &alt.v {
                    V::Map(m) => {
                        for (k, x) in m.iter() {
                            items.entry(k.clone()).or_insert_with(|| x.clone());
                        }
                    }
                    V::List(xs) => {
                        for x in xs.iter() {
                            match x.to_string_value() {
                                Some(k) => {
                                    items.entry(k).or_insert_with(|| x.clone());
                                }
                                None => unknown = Some(x.clone()),
                            }
                        }
                    }
                    V::Null => {}
                    _ => unknown = Some(alt.clone()),
                }
            }
            if let Some(u) = unknown
                && items.is_empty()
            {
                let mut s = scope.clone();
                let what = format!("each (for_each = {} is unknown)", self.text(a.expr.span));
                s.each = Some(Rc::new((
                    Val::unknown(a.expr.span, what.clone()),
                    Val::unknown(a.expr.span, what),
                )));
                return Expansion {
                    instances: vec![(None, s)],
                    unknown: Some(u),
                    counted: Some(false),
                };
            }
            let n = self.bounded(a, items.len());
            let instances = items
                .into_iter()
                .take(n)
                .map(|(k, x)| {
                    let mut s = scope.clone();
                    s.each = Some(Rc::new((Val::str(&k), x)));
                    (Some(Key::Str(k)), s)
                })
                .collect();
            return Expansion {
                instances,
                unknown: None,
                counted: Some(false),
            };
        }
        Expansion {
            instances: vec![(None, scope)],
            unknown: None,
            counted: None,
        }
    }

    /// How many of the `total` instances of `count`/`for_each` `a` are
    /// expanded: at most [`MAX_INSTANCES`], and what is left of
    /// [`MAX_ROOT_INSTANCES`]. Past either, a CRC003 says so.
    fn bounded(&self, a: &crate::model::Attribute, total: usize) -> usize {
        let room = MAX_ROOT_INSTANCES.saturating_sub(self.expanded.get());
        let n = total.min(MAX_INSTANCES).min(room);
        self.expanded.set(self.expanded.get() + n);
        if total > MAX_INSTANCES {
            self.capped(a, total, MAX_INSTANCES, "");
        } else if total > n {
            let why = format!(
                " (the bound of {MAX_ROOT_INSTANCES} instances in one root module is reached)"
            );
            self.capped(a, total, n, &why);
        }
        n
    }

    /// Reports a `count` or `for_each` of which only `kept` of `total`
    /// instances are expanded: the others are not checked, and that must be
    /// visible.
    fn capped(&self, a: &crate::model::Attribute, total: usize, kept: usize, why: &str) {
        let msg = format!(
            "{} = {} gives {total} instances: only the first {kept} are checked{why}; the placement of the other {} is not determined",
            a.name,
            self.text(a.expr.span),
            total - kept
        );
        let f = Finding::new(Code::Crc003, a.expr.span.file, Some(a.expr.span), msg);
        self.findings.borrow_mut().push(f);
    }

    /// The instances of resource `decl` of instance `inst`.
    pub fn resource_instances(&self, inst: InstId, decl: usize) -> Rc<Expansion> {
        if let Some(e) = self.expand_cache.borrow().get(&(inst, decl)) {
            return e.clone();
        }
        let module = self.module_of(inst);
        let d = &module.resources[decl];
        let key = (inst, 4, decl.to_string());
        if !self.active.borrow_mut().insert(key.clone()) {
            self.note_cycle();
            let span = d.block.head_span();
            return Rc::new(Expansion {
                instances: vec![(None, Scope::of(inst))],
                unknown: Some(Val::unknown(
                    span,
                    format!(
                        "{}.{} (its count or for_each refers to itself)",
                        d.ty, d.name
                    ),
                )),
                counted: None,
            });
        }
        let e = Rc::new(self.expand(&d.block.body, Scope::of(inst)));
        self.active.borrow_mut().remove(&key);
        self.expand_cache
            .borrow_mut()
            .insert((inst, decl), e.clone());
        e
    }

    // ----- variables and locals ----------------------------------------------

    /// The value of `var.name` in instance `inst`.
    pub fn var(&self, inst: InstId, name: &str, at: Span) -> Val {
        if let Some(v) = self.var_cache.borrow().get(&inst).and_then(|m| m.get(name)) {
            return v.clone();
        }
        let v = self.guarded((inst, 0, name.to_string()), at, || {
            let v = self.var_uncached(inst, name, at);
            // Convert to the declared type: unset optional attributes are null
            // (or their default), extra attributes of an object are dropped.
            let module = self.module_of(inst);
            match module
                .variables
                .get(name)
                .and_then(|d| d.block.body.attr("type"))
            {
                Some(t) => self.conform(v, &t.expr),
                None => v,
            }
        });
        self.var_cache
            .borrow_mut()
            .entry(inst)
            .or_default()
            .insert(name.to_string(), v.clone());
        v
    }

    fn var_uncached(&self, inst: InstId, name: &str, at: Span) -> Val {
        let me = self.inst(inst);
        let module = &self.modules[me.module];
        let decl = module.variables.get(name);
        let default = || -> Option<Val> {
            let d = decl?;
            let a = d.block.body.attr("default")?;
            Some(self.eval(&a.expr, &Scope::of(inst)).through(Origin {
                span: a.expr.span,
                message: format!("default of var.{name}").into(),
                resource: None,
            }))
        };
        if let Some(parent) = &me.parent {
            let pm = self.module_of(parent.inst);
            let call = &pm.calls[me.call.unwrap_or(0)];
            if let Some(a) = call.block.body.attr(name) {
                let v = self.eval(&a.expr, parent);
                // `null` passed to a variable with a default takes the default.
                if matches!(v.v, V::Null)
                    && let Some(d) = default()
                {
                    return d;
                }
                return v.through(Origin {
                    span: a.expr.span,
                    message: format!("module argument {name}").into(),
                    resource: None,
                });
            }
            return default().unwrap_or_else(|| {
                let span = decl.map(|d| d.block.head_span()).unwrap_or(at);
                Val::unknown(
                    span,
                    format!("var.{name} (no value given by module.{})", call.name),
                )
            });
        }
        // Root module: command line > auto tfvars > terraform.tfvars(.json) > default.
        for (file, body) in self.cli.layers.iter().rev() {
            if let Some(a) = body.attr(name) {
                return self.tfvars_value(decl, a, *file, name);
            }
        }
        for (file, body) in module.tfvars.iter().rev() {
            if let Some(a) = body.attr(name) {
                return self.tfvars_value(decl, a, *file, name);
            }
        }
        // Terragrunt `inputs`, passed as `TF_VAR_` variables.
        for (_, body) in module.inputs.iter().rev() {
            if let Some(a) = body.attr(name) {
                let v = self.eval(&a.expr, &Scope::of(usize::MAX));
                return v.through(Origin {
                    span: a.expr.span,
                    message: format!(
                        "var.{name} set by inputs in {}",
                        self.sources.get(a.expr.span.file).display
                    )
                    .into(),
                    resource: None,
                });
            }
        }
        if let Some(d) = default() {
            return d;
        }
        let span = decl.map(|d| d.block.head_span()).unwrap_or(at);
        Val::unknown(span, format!("var.{name} (no default and no value given)"))
    }

    fn tfvars_value(
        &self,
        decl: Option<&crate::assemble::Variable>,
        a: &crate::model::Attribute,
        file: crate::source::FileId,
        name: &str,
    ) -> Val {
        let _ = decl;
        // Variable files hold constants: no references are in scope.
        let v = self.eval(&a.expr, &Scope::of(usize::MAX));
        v.through(Origin {
            span: a.expr.span,
            message: format!("var.{name} set in {}", self.sources.get(file).display).into(),
            resource: None,
        })
    }

    /// Converts a value to a type constraint, as Terraform does for variables.
    fn conform(&self, v: Val, ty: &Expr) -> Val {
        let ExprKind::Call { name, args, .. } = &ty.kind else {
            return v;
        };
        match &v.v {
            V::Choice(_) => {
                return Val::choice(v.alts().into_iter().map(|a| self.conform(a, ty)).collect());
            }
            V::Unknown(_) | V::Null => return v,
            _ => {}
        }
        let via = v.via.clone();
        let out = match (name.as_str(), args.first(), &v.v) {
            ("optional", Some(inner), _) => return self.conform(v, inner),
            (
                "object",
                Some(Expr {
                    kind: ExprKind::Object(fields),
                    ..
                }),
                V::Map(m),
            ) => {
                let mut out = BTreeMap::new();
                for (k, t) in fields {
                    let Some(key) = k.as_str().map(str::to_string).or_else(|| match &k.kind {
                        ExprKind::Var(n) => Some(n.clone()),
                        _ => None,
                    }) else {
                        continue;
                    };
                    let value = match m.get(&key) {
                        Some(x) if !matches!(x.v, V::Null) => self.conform(x.clone(), t),
                        _ => match &t.kind {
                            ExprKind::Call { name, args, .. }
                                if name == "optional" && args.len() > 1 =>
                            {
                                let d = self.eval(&args[1], &Scope::of(usize::MAX));
                                self.conform(d, &args[0])
                            }
                            _ => Val::null(),
                        },
                    };
                    out.insert(key, value);
                }
                Val::map(out)
            }
            ("map", Some(t), V::Map(m)) => Val::map(
                m.iter()
                    .map(|(k, x)| (k.clone(), self.conform(x.clone(), t)))
                    .collect(),
            ),
            ("list" | "set", Some(t), V::List(xs)) => {
                Val::list(xs.iter().map(|x| self.conform(x.clone(), t)).collect())
            }
            _ => return v,
        };
        out.with_via(&via)
    }

    /// The value of `local.name` in instance `inst`.
    pub fn local(&self, inst: InstId, name: &str, at: Span) -> Val {
        if let Some(v) = self
            .local_cache
            .borrow()
            .get(&inst)
            .and_then(|m| m.get(name))
        {
            return v.clone();
        }
        let module = self.module_of(inst);
        let v = match module.locals.get(name) {
            Some((a, _)) => self.guarded((inst, 1, name.to_string()), at, || {
                self.own_budget(a.expr.span, || self.eval(&a.expr, &Scope::of(inst)))
                    .through(Origin {
                        span: a.expr.span,
                        message: format!("local.{name}").into(),
                        resource: None,
                    })
            }),
            None => Val::error(at, format!("local.{name} is not declared")),
        };
        self.local_cache
            .borrow_mut()
            .entry(inst)
            .or_default()
            .insert(name.to_string(), v.clone());
        v
    }

    // ----- expressions --------------------------------------------------------

    /// Evaluates an expression.
    pub fn eval(&self, e: &Expr, sc: &Scope) -> Val {
        let d = self.depth.get();
        if d > MAX_DEPTH {
            self.note_instance_event();
            return Val::unknown(e.span, "expression nested too deeply");
        }
        if d == 0 {
            self.top.set(Some(e.span));
            self.steps.set(0);
            self.cut.set(None);
        }
        let steps = self.steps.get() + 1;
        self.steps.set(steps);
        let root_steps = self.root_steps.get() + 1;
        self.root_steps.set(root_steps);
        if steps > MAX_STEPS || root_steps > MAX_ROOT_STEPS {
            return self.over_budget(e.span, steps > MAX_STEPS);
        }
        self.depth.set(d + 1);
        let v = self.eval_inner(e, sc);
        self.depth.set(d);
        match self.cut.get() {
            // A value cut short is unknown as a whole, not a list of which
            // only the first elements are real.
            Some(own) if d == 0 => Val::unknown(e.span, budget_why(own)),
            _ => v,
        }
    }

    /// Charges `n` evaluation steps at once, for work done outside
    /// [`Eval::eval`] (a module call read whole builds one value per
    /// instance and output): past a bound, the over-budget value. Without
    /// it, 10,000 instances each reading their own call whole built 10^8
    /// values (over 60 s; tools/fuzz-open/).
    fn charge(&self, n: u64, at: Span) -> Option<Val> {
        let steps = self.steps.get().saturating_add(n);
        self.steps.set(steps);
        let root_steps = self.root_steps.get().saturating_add(n);
        self.root_steps.set(root_steps);
        (steps > MAX_STEPS || root_steps > MAX_ROOT_STEPS)
            .then(|| self.over_budget(at, steps > MAX_STEPS))
    }

    /// The value of an expression evaluated past its step budget (`own`:
    /// [`MAX_STEPS`], else [`MAX_ROOT_STEPS`]): unknown, and a CRC003 (once
    /// per expression, and once for the root) names the expression and the
    /// bound.
    #[cold]
    fn over_budget(&self, at: Span, own: bool) -> Val {
        self.note_instance_event();
        let top = self.top.get().unwrap_or(at);
        let first = self.cut.replace(Some(own)).is_none();
        let report = if own {
            first
        } else {
            !self.root_budget_reported.replace(true)
        };
        let why = budget_why(own);
        if report {
            let msg = format!(
                "{} takes {why}: its value is unknown and what depends on it is not determined",
                self.text(top)
            );
            self.findings
                .borrow_mut()
                .push(Finding::new(Code::Crc003, top.file, Some(top), msg));
        }
        Val::unknown(at, why)
    }

    fn eval_inner(&self, e: &Expr, sc: &Scope) -> Val {
        match &e.kind {
            ExprKind::Null => Val::null(),
            ExprKind::Bool(b) => Val::bool(*b),
            ExprKind::Number(n) => Val::num(*n),
            ExprKind::Str(s) if !self.given.is_empty() => self.given(Val::str(s), e.span),
            ExprKind::Str(s) => Val::str(s),
            ExprKind::Template(parts) if !self.given.is_empty() => {
                self.given(self.template(parts, sc, e.span), e.span)
            }
            ExprKind::Template(parts) => self.template(parts, sc, e.span),
            ExprKind::Array(items) => {
                let vals: Vec<Val> = items.iter().map(|x| self.eval(x, sc)).collect();
                Val::list(vals)
            }
            ExprKind::Object(items) => {
                let mut keys_vals = Vec::new();
                for (k, x) in items {
                    let kv = self.eval(k, sc);
                    let key = match (&kv.v, &k.kind) {
                        (_, ExprKind::Var(name)) if sc.vars.iter().all(|(n, _)| &**n != name) => {
                            name.clone()
                        }
                        _ => match kv.to_string_value() {
                            Some(s) => s,
                            None => {
                                return Val::unknown(
                                    k.span,
                                    format!("object key {} is unknown", self.text(k.span)),
                                );
                            }
                        },
                    };
                    keys_vals.push((key, self.eval(x, sc)));
                }
                Val::map(keys_vals.into_iter().collect())
            }
            ExprKind::Var(_)
            | ExprKind::GetAttr(..)
            | ExprKind::Index(..)
            | ExprKind::Splat(..) => self.reference(e, sc),
            ExprKind::Call { name, args, expand } => self.call(name, args, *expand, sc, e.span),
            ExprKind::Conditional(c, t, f) => {
                let cv = self.eval(c, sc);
                let mut take_t = false;
                let mut take_f = false;
                for alt in cv.alts() {
                    match alt.v {
                        V::Bool(true) => take_t = true,
                        V::Bool(false) => take_f = true,
                        V::Str(ref s) if &**s == "true" => take_t = true,
                        V::Str(ref s) if &**s == "false" => take_f = true,
                        V::Unknown(ref u) if u.error => return alt.clone(),
                        _ => {
                            take_t = true;
                            take_f = true;
                        }
                    }
                }
                let mut out = Vec::new();
                if take_t {
                    out.push(self.eval(t, sc));
                }
                if take_f {
                    out.push(self.eval(f, sc));
                }
                let v = Val::choice(out);
                if take_t && take_f {
                    v.with_via(&cv.via)
                } else {
                    v
                }
            }
            ExprKind::Unary(op, x) => {
                let v = self.eval(x, sc);
                map_alts(&[v], |a| match (op, &a[0].v) {
                    (UnaryOp::Neg, V::Num(n)) => Val::num(-n),
                    (UnaryOp::Not, V::Bool(b)) => Val::bool(!b),
                    (_, V::Unknown(_)) => a[0].clone(),
                    _ => Val::error(e.span, "invalid operand"),
                })
            }
            ExprKind::Binary(op, l, r) => {
                let lv = self.eval(l, sc);
                // Short-circuit on known booleans.
                if *op == BinaryOp::And && matches!(lv.v, V::Bool(false)) {
                    return Val::bool(false);
                }
                if *op == BinaryOp::Or && matches!(lv.v, V::Bool(true)) {
                    return Val::bool(true);
                }
                let rv = self.eval(r, sc);
                map_alts(&[lv, rv], |a| binary(*op, &a[0], &a[1], e.span))
            }
            ExprKind::For(f) => self.for_expr(f, sc, e.span),
            ExprKind::Unsupported(what) => Val::unknown(e.span, what.clone()),
        }
    }

    /// A template's value: its pieces joined, one string per combination of
    /// their alternatives (at most [`MAX_CHOICES`](crate::eval::value::MAX_CHOICES)).
    /// A piece of one value is appended in place: building a new string per
    /// piece was quadratic (100,000 interpolations in a 1 MB file: 11 s).
    fn template(&self, parts: &[TemplatePart], sc: &Scope, span: Span) -> Val {
        let mut acc: Vec<(String, crate::eval::value::Via)> = vec![(String::new(), None)];
        for p in parts {
            let piece = match p {
                TemplatePart::Literal(s) => Val::str(s),
                TemplatePart::Interp(x) => self.eval(x, sc),
                TemplatePart::If {
                    cond,
                    then,
                    otherwise,
                } => {
                    let c = self.eval(cond, sc);
                    let t = || self.template(then, sc, span);
                    let f = || self.template(otherwise, sc, span);
                    match c.v {
                        V::Bool(true) => t(),
                        V::Bool(false) => f(),
                        _ => Val::choice(vec![t(), f()]),
                    }
                }
                TemplatePart::For(s) => {
                    return Val::unknown(*s, "a %{for} template directive");
                }
            };
            let alts = piece.alts();
            let strs: Vec<Option<String>> = alts.iter().map(Val::to_string_value).collect();
            let not_a_string = |b: &Val| {
                if b.is_unknown() {
                    b.clone()
                } else {
                    Val::error(span, format!("cannot use a {} in a string", b.type_name()))
                }
            };
            let too_long = |why| Val::error(span, format!("string template: {why}"));
            if let ([b], [s]) = (alts.as_slice(), strs.as_slice()) {
                // One value: appended in place, linear in the template's length.
                for (head, via) in acc.iter_mut() {
                    let Some(s) = s else {
                        return not_a_string(b);
                    };
                    if let Err(why) = funcs::check_len(head.len() + s.len()) {
                        return too_long(why);
                    }
                    head.push_str(s);
                    via.clone_from(&b.via);
                }
                continue;
            }
            let mut next = Vec::new();
            for (head, _) in &acc {
                for (b, s) in alts.iter().zip(&strs) {
                    let Some(s) = s else {
                        return not_a_string(b);
                    };
                    if let Err(why) = funcs::check_len(head.len() + s.len()) {
                        return too_long(why);
                    }
                    next.push((format!("{head}{s}"), b.via.clone()));
                    if next.len() >= crate::eval::value::MAX_CHOICES {
                        break;
                    }
                }
            }
            acc = next;
        }
        Val::choice(
            acc.into_iter()
                .map(|(s, via)| Val::str(&s).with_via(&via))
                .collect(),
        )
    }

    fn for_expr(&self, f: &crate::model::ForExpr, sc: &Scope, span: Span) -> Val {
        let coll = self.eval(&f.collection, sc);
        let items: Vec<(Val, Val)> = match &coll.v {
            V::List(xs) => xs
                .iter()
                .enumerate()
                .map(|(i, x)| (Val::num(i as f64), x.clone()))
                .collect(),
            V::Map(m) => m.iter().map(|(k, x)| (Val::str(k), x.clone())).collect(),
            V::Null => return Val::error(span, "for expression over null"),
            _ => {
                if coll.is_unknown() {
                    return coll;
                }
                return Val::unknown(
                    span,
                    format!("for expression over {}", self.text(f.collection.span)),
                );
            }
        };
        let mut list = Vec::new();
        let mut map: BTreeMap<String, Val> = BTreeMap::new();
        let mut groups: BTreeMap<String, Vec<Val>> = BTreeMap::new();
        for (k, v) in items {
            let mut inner = sc.clone();
            if let Some(kv) = &f.key_var {
                inner.vars.push((Rc::from(kv.as_str()), k));
            }
            inner.vars.push((Rc::from(f.value_var.as_str()), v));
            if let Some(c) = &f.cond {
                match self.eval(c, &inner).v {
                    V::Bool(true) => {}
                    V::Bool(false) => continue,
                    _ => {
                        return Val::unknown(
                            c.span,
                            format!("for condition {}", self.text(c.span)),
                        );
                    }
                }
            }
            let value = self.eval(&f.value, &inner);
            match &f.key {
                None => list.push(value),
                Some(ke) => {
                    let key = self.eval(ke, &inner);
                    let Some(key) = key.to_string_value() else {
                        return Val::unknown(ke.span, format!("for key {}", self.text(ke.span)));
                    };
                    if f.grouping {
                        groups.entry(key).or_default().push(value);
                    } else {
                        map.insert(key, value);
                    }
                }
            }
        }
        if f.key.is_none() {
            Val::list(list)
        } else if f.grouping {
            Val::map(groups.into_iter().map(|(k, v)| (k, Val::list(v))).collect())
        } else {
            Val::map(map)
        }
    }

    // ----- references ---------------------------------------------------------

    /// Evaluates a traversal: `var.x`, `local.y.z`, `aws_s3_bucket.b.region`,
    /// `module.m.out`, `data.t.n.attr`, `each.value`...
    fn reference(&self, e: &Expr, sc: &Scope) -> Val {
        let mut ops: Vec<Op> = Vec::new();
        let mut cur = e;
        loop {
            match &cur.kind {
                ExprKind::GetAttr(base, name) => {
                    ops.push(Op::Attr(name, cur.span));
                    cur = base;
                }
                ExprKind::Index(base, ix) => {
                    ops.push(Op::Index(ix, cur.span));
                    cur = base;
                }
                ExprKind::Splat(base, rest) => {
                    ops.push(Op::Splat(rest, cur.span));
                    cur = base;
                }
                _ => break,
            }
        }
        ops.reverse();
        let root = match &cur.kind {
            ExprKind::Var(name) => name.as_str(),
            _ => {
                let base = self.eval(cur, sc);
                return self.apply(base, &ops, sc);
            }
        };
        // For-expression variables shadow everything.
        if let Some((_, v)) = sc.vars.iter().rev().find(|(n, _)| &**n == root) {
            return self.apply(v.clone(), &ops, sc);
        }
        let attr = |i: usize| match ops.get(i) {
            Some(Op::Attr(n, _)) => Some(*n),
            _ => None,
        };
        if sc.inst == usize::MAX {
            return Val::error(e.span, format!("{} cannot be used here", self.text(e.span)));
        }
        if matches!(root, "each" | "count") {
            self.note_instance_event();
        }
        match root {
            "var" => match attr(0) {
                Some(n) => {
                    let v = self.var(sc.inst, n, e.span);
                    self.apply(v, &ops[1..], sc)
                }
                None => Val::unknown(e.span, self.text(e.span)),
            },
            "local" => match attr(0) {
                Some(n) => {
                    let v = self.local(sc.inst, n, e.span);
                    self.apply(v, &ops[1..], sc)
                }
                None => Val::unknown(e.span, self.text(e.span)),
            },
            "each" => match &sc.each {
                Some(kv) => match attr(0) {
                    Some("key") => self.apply(kv.0.clone(), &ops[1..], sc),
                    Some("value") => self.apply(kv.1.clone(), &ops[1..], sc),
                    _ => Val::error(e.span, "each has only key and value"),
                },
                None => Val::error(e.span, "each is only available with for_each"),
            },
            "count" => match &sc.count {
                Some(c) => self.apply(c.clone(), &ops, sc),
                None => Val::error(e.span, "count.index is only available with count"),
            },
            "path" => {
                let inst = self.inst(sc.inst);
                let dir = |m: usize| self.modules[m].dir.to_string_lossy().replace('\\', "/");
                match attr(0) {
                    Some("module") => self.apply(Val::str(&dir(inst.module)), &ops[1..], sc),
                    Some("root") => {
                        let r = self.inst(inst.root).module;
                        self.apply(Val::str(&dir(r)), &ops[1..], sc)
                    }
                    // Terraform runs in the root module's directory.
                    Some("cwd") => {
                        let r = self.inst(inst.root).module;
                        let d = &self.modules[r].dir;
                        let abs = std::path::absolute(d).unwrap_or_else(|_| d.clone());
                        let text = abs.to_string_lossy().replace('\\', "/");
                        let text = text.trim_end_matches("/.").to_string();
                        self.apply(Val::str(&text), &ops[1..], sc)
                    }
                    _ => Val::unknown(e.span, self.text(e.span)),
                }
            }
            "terraform" => Val::unknown(
                e.span,
                format!("{} (depends on the selected workspace)", self.text(e.span)),
            ),
            "module" => match attr(0) {
                Some(call) => self.module_ref(sc, call, &ops[1..], e.span),
                None => Val::unknown(e.span, self.text(e.span)),
            },
            "data" => match (attr(0), attr(1)) {
                (Some(ty), Some(name)) => self.resource_ref(sc, false, ty, name, &ops[2..], e.span),
                _ => Val::unknown(e.span, self.text(e.span)),
            },
            "self" => Val::unknown(e.span, self.text(e.span)),
            ty => match attr(0) {
                Some(name) => self.resource_ref(sc, true, ty, name, &ops[1..], e.span),
                None => Val::unknown(e.span, format!("{} is not defined", self.text(e.span))),
            },
        }
    }

    /// Applies attribute, index and splat steps to a value.
    fn apply(&self, mut v: Val, ops: &[Op], sc: &Scope) -> Val {
        for (i, op) in ops.iter().enumerate() {
            if let V::Choice(_) = v.v {
                let alts: Vec<Val> = v
                    .alts()
                    .into_iter()
                    .map(|a| self.apply(a, &ops[i..], sc))
                    .collect();
                return Val::choice(alts);
            }
            if v.is_unknown() {
                return v;
            }
            let via = v.via.clone();
            v = match op {
                Op::Attr(name, span) => match &v.v {
                    V::Map(m) => match m.get(*name) {
                        Some(x) => x.clone(),
                        None => Val::error(*span, format!("no attribute {name}")),
                    },
                    V::Null => Val::error(*span, format!("attribute {name} of null")),
                    _ => Val::error(*span, format!("attribute {name} of a {}", v.type_name())),
                },
                Op::Index(ix, span) => {
                    let k = self.eval(ix, sc);
                    // An index known only after apply (`random_integer`), or a
                    // variable with no value, into a known list or map: the
                    // value is one of its elements, each checked (never a
                    // truncated set of them).
                    if k.as_unknown().is_some_and(|u| !u.error)
                        && let Some(xs) = elements(&v)
                        && !xs.is_empty()
                        && xs.len() <= crate::eval::value::MAX_CHOICES
                        && !xs.iter().any(contains_unknown)
                    {
                        let why = Origin {
                            span: *span,
                            message: if matches!(v.v, V::Map(_)) {
                                format!(
                                    "one value of the map: the key {} is not known statically",
                                    self.text(ix.span)
                                )
                            } else {
                                format!(
                                    "one element of the list: the index {} is known only after apply",
                                    self.text(ix.span)
                                )
                            }
                            .into(),
                            resource: None,
                        };
                        // A map's own origins (a variable default) too.
                        let base = matches!(v.v, V::Map(_)).then(|| v.via.clone()).flatten();
                        let alts: Vec<Val> = xs
                            .iter()
                            .map(|x| {
                                let x = x.clone().with_via(&base).through(why.clone());
                                self.apply(x, &ops[i + 1..], sc)
                            })
                            .collect();
                        return Val::choice(alts);
                    }
                    if k.is_unknown() {
                        return k;
                    }
                    if let V::Choice(_) = k.v {
                        let base = v.clone();
                        let alts: Vec<Val> = k
                            .alts()
                            .into_iter()
                            .map(|kk| self.apply(index(&base, &kk, *span), &ops[i + 1..], sc))
                            .collect();
                        return Val::choice(alts);
                    }
                    index(&v, &k, *span)
                }
                Op::Splat(rest, _span) => {
                    let items: Vec<Val> = match &v.v {
                        V::List(xs) => xs.to_vec(),
                        V::Null => Vec::new(),
                        _ => vec![v.clone()],
                    };
                    let rest_ops: Vec<Op> = rest
                        .iter()
                        .map(|t| match t {
                            Traverse::Attr(n) => Op::Attr(n, _span.to_owned()),
                            Traverse::Index(x) => Op::Index(x, x.span),
                        })
                        .collect();
                    let out: Vec<Val> = items
                        .into_iter()
                        .map(|x| self.apply(x, &rest_ops, sc))
                        .collect();
                    return Val::list(out).with_via(&via);
                }
            }
            .with_via(&via);
        }
        v
    }

    /// `module.NAME...`: the outputs of the instances of a call.
    fn module_ref(&self, sc: &Scope, call: &str, ops: &[Op], span: Span) -> Val {
        let module = self.module_of(sc.inst);
        let Some(ci) = module.calls.iter().position(|c| c.name == call) else {
            return Val::error(span, format!("module.{call} is not declared"));
        };
        let kids = self.children(sc.inst, ci);
        if kids.is_empty()
            && let Some(why) = self.unloaded.borrow().get(&(sc.inst, ci))
        {
            return Val::unknown(span, format!("{} (module.{call}: {why})", self.text(span)));
        }
        let c = &module.calls[ci];
        let counted = c.block.body.attr("count").is_some();
        let each = c.block.body.attr("for_each").is_some();
        // Fast paths: `module.x.out` and `module.x[k].out` read one output.
        if !counted
            && !each
            && let (Some((_, kid)), Some(Op::Attr(out, s))) = (kids.first(), ops.first())
        {
            let v = self.output(*kid, out, *s);
            return self.apply(v, &ops[1..], sc);
        }
        if let (Some(Op::Index(ix, _)), Some(Op::Attr(out, s))) = (ops.first(), ops.get(1)) {
            let k = self.eval(ix, sc);
            if let Some(key) = to_key(&k) {
                return match kids.iter().find(|(kk, _)| kk.as_ref() == Some(&key)) {
                    Some((_, kid)) => {
                        let v = self.output(*kid, out, *s);
                        self.apply(v, &ops[2..], sc)
                    }
                    None => Val::error(
                        span,
                        format!("module.{call} has no instance {}", key.address()),
                    ),
                };
            }
        }
        let v = self.module_whole(sc.inst, ci, &kids, span);
        self.apply(v, ops, sc)
    }

    /// Module call `ci` of instance `inst` read whole: an object of its
    /// outputs, or a list (`count`) or map (`for_each`) of them, one per
    /// instance in `kids`.
    ///
    /// Charged one step per instance and output, and cached as
    /// [`Eval::resource_whole`] is (while no cycle guard has cut an
    /// evaluation short): 10,000 instances that each read their own call
    /// whole built 10^8 values before (over 60 s; tools/fuzz-open/).
    ///
    /// A call read whole while it is being built reads itself
    /// ([`Eval::whole_guarded`]): 10,000 instances whose input reads their
    /// own call whole each rebuilt it through the cycle guards before (35 s
    /// on fuzz case 163 of seed 0x12120c0c5a5a0001; now 0.4 s).
    fn module_whole(
        &self,
        inst: InstId,
        ci: usize,
        kids: &[(Option<Key>, InstId)],
        span: Span,
    ) -> Val {
        if let Some(v) = self.module_whole_cache.borrow().get(&(inst, ci)) {
            return v.clone();
        }
        self.whole_guarded(Whole::Module(inst, ci), span, || {
            self.build_module_whole(inst, ci, kids, span)
        })
    }

    /// Builds a module call or a resource read whole, unless it is being
    /// built already: then it reads itself (an output that reads, through
    /// an input, its own call whole; an attribute that reads its own resource
    /// whole). Terraform refuses that cycle, so its value is unknown: the
    /// read that found it, the build it was found in, and every later read.
    fn whole_guarded(&self, key: Whole, span: Span, build: impl FnOnce() -> Val) -> Val {
        let cyclic = self.whole_cyclic.borrow().contains(&key);
        if cyclic || !self.whole_building.borrow_mut().insert(key) {
            if !cyclic {
                self.whole_cyclic.borrow_mut().insert(key);
            }
            self.note_cycle();
            return self.refers_to_itself(span);
        }
        let v = build();
        self.whole_building.borrow_mut().remove(&key);
        if self.whole_cyclic.borrow().contains(&key) {
            return self.refers_to_itself(span);
        }
        v
    }

    fn build_module_whole(
        &self,
        inst: InstId,
        ci: usize,
        kids: &[(Option<Key>, InstId)],
        span: Span,
    ) -> Val {
        let c = &self.module_of(inst).calls[ci];
        let call = &c.name;
        let counted = c.block.body.attr("count").is_some();
        let each = c.block.body.attr("for_each").is_some();
        let outputs = kids
            .first()
            .map_or(0, |(_, k)| self.module_of(*k).outputs.len());
        if let Some(cut) = self.charge((kids.len() * (outputs + 1)) as u64, span) {
            return cut;
        }
        let whole = |kid: InstId| -> Val {
            let m = self.module_of(kid);
            let mut names: Vec<&String> = m.outputs.keys().collect();
            names.sort();
            Val::map(
                names
                    .into_iter()
                    .map(|n| (n.clone(), self.output(kid, n, span)))
                    .collect(),
            )
        };
        let v = if counted {
            Val::list(kids.iter().map(|(_, k)| whole(*k)).collect())
        } else if each {
            Val::map(
                kids.iter()
                    .map(|(k, kid)| {
                        let key = match k {
                            Some(Key::Str(s)) => s.clone(),
                            Some(Key::Int(i)) => i.to_string(),
                            None => String::new(),
                        };
                        (key, whole(*kid))
                    })
                    .collect(),
            )
        } else {
            match kids.first() {
                Some((_, k)) => whole(*k),
                None => Val::unknown(
                    span,
                    format!("{} (module.{call} has no instance)", self.text(span)),
                ),
            }
        };
        if self.cycles.get() == 0 && !kids.is_empty() {
            self.module_whole_cache
                .borrow_mut()
                .insert((inst, ci), v.clone());
        }
        v
    }

    /// The value of output `name` of instance `inst`.
    pub fn output(&self, inst: InstId, name: &str, at: Span) -> Val {
        let module = self.module_of(inst);
        match module.outputs.get(name) {
            Some((b, _)) => match b.body.attr("value") {
                Some(a) => self.guarded((inst, 2, name.to_string()), at, || {
                    self.own_budget(a.expr.span, || self.eval(&a.expr, &Scope::of(inst)))
                        .through(Origin {
                            span: a.expr.span,
                            message: format!("output {name}").into(),
                            resource: None,
                        })
                }),
                None => Val::unknown(b.span, format!("output {name} has no value")),
            },
            None => Val::error(at, format!("the module has no output {name}")),
        }
    }

    /// `TYPE.NAME...` or `data.TYPE.NAME...`.
    fn resource_ref(
        &self,
        sc: &Scope,
        managed: bool,
        ty: &str,
        name: &str,
        ops: &[Op],
        span: Span,
    ) -> Val {
        let module = self.module_of(sc.inst);
        let Some(&decl) = module
            .resource_index
            .get(&(managed, ty.to_string(), name.to_string()))
        else {
            let prefix = if managed { "" } else { "data." };
            return Val::error(span, format!("{prefix}{ty}.{name} is not declared"));
        };
        let exp = self.resource_instances(sc.inst, decl);
        match (exp.counted, ops.first()) {
            (None, Some(Op::Attr(attr, s))) => {
                let v = self.resource_attr(sc.inst, decl, None, attr, *s);
                self.apply(v, &ops[1..], sc)
            }
            (Some(_), Some(Op::Index(ix, s))) => {
                let k = self.eval(ix, sc);
                let key = match to_key(&k) {
                    Some(k) => k,
                    None => {
                        if k.is_unknown() {
                            return k;
                        }
                        return Val::unknown(*s, self.text(*s));
                    }
                };
                if exp.unknown.is_none()
                    && !exp
                        .instances
                        .iter()
                        .any(|(kk, _)| kk.as_ref() == Some(&key))
                {
                    return Val::error(
                        *s,
                        format!("{ty}.{name} has no instance {}", key.address()),
                    );
                }
                match ops.get(1) {
                    Some(Op::Attr(attr, s2)) => {
                        let v = self.resource_attr(sc.inst, decl, Some(key), attr, *s2);
                        self.apply(v, &ops[2..], sc)
                    }
                    _ => {
                        let v = self.resource_object(sc.inst, decl, Some(key), span);
                        self.apply(v, &ops[1..], sc)
                    }
                }
            }
            _ => {
                let v = self.resource_whole(sc.inst, decl, &exp, span);
                self.apply(v, ops, sc)
            }
        }
    }

    /// Resource `decl` of instance `inst` read whole: an object, or a list
    /// (`count`) or map (`for_each`) of objects, one per instance in `exp`.
    ///
    /// Cached, as every attribute it is built of is: while no cycle guard has
    /// cut an evaluation short, an attribute is computed once and its cached
    /// value never replaced, so building it again would give the same value.
    /// Once a cycle was cut, it is built each time, as the attributes it read
    /// may be computed again. A resource read whole by its own attributes is
    /// a cycle found once ([`Eval::whole_guarded`]): 10,000 instances that
    /// each read it rebuilt it through the cycle guards before (6.8 s).
    fn resource_whole(&self, inst: InstId, decl: usize, exp: &Expansion, span: Span) -> Val {
        if let Some(v) = self.whole_cache.borrow().get(&(inst, decl)) {
            return v.clone();
        }
        self.whole_guarded(Whole::Resource(inst, decl), span, || {
            self.build_resource_whole(inst, decl, exp, span)
        })
    }

    fn build_resource_whole(&self, inst: InstId, decl: usize, exp: &Expansion, span: Span) -> Val {
        let v = match exp.counted {
            None => self.resource_object(inst, decl, None, span),
            Some(true) => Val::list(
                exp.instances
                    .iter()
                    .map(|(k, _)| self.resource_object(inst, decl, k.clone(), span))
                    .collect(),
            ),
            Some(false) => Val::map(
                exp.instances
                    .iter()
                    .map(|(k, _)| {
                        let key = match k {
                            Some(Key::Str(s)) => s.clone(),
                            _ => String::new(),
                        };
                        (key, self.resource_object(inst, decl, k.clone(), span))
                    })
                    .collect(),
            ),
        };
        if self.cycles.get() == 0 {
            self.whole_cache
                .borrow_mut()
                .insert((inst, decl), v.clone());
        }
        v
    }

    /// The scope of one instance of a resource.
    pub fn resource_scope(&self, inst: InstId, decl: usize, key: &Option<Key>) -> Option<Scope> {
        let exp = self.resource_instances(inst, decl);
        if exp.unknown.is_some() {
            return exp.instances.first().map(|(_, s)| s.clone());
        }
        exp.instances
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, s)| s.clone())
    }

    /// All written attributes of a resource instance, as an object.
    fn resource_object(&self, inst: InstId, decl: usize, key: Option<Key>, span: Span) -> Val {
        let d = &self.module_of(inst).resources[decl];
        let mut m = BTreeMap::new();
        for a in &d.block.body.attrs {
            if matches!(
                a.name.as_str(),
                "count" | "for_each" | "provider" | "depends_on"
            ) {
                continue;
            }
            m.insert(
                a.name.clone(),
                self.resource_attr(inst, decl, key.clone(), &a.name, span),
            );
        }
        Val::map(m)
    }

    /// Attribute `attr` of an instance of resource `decl`.
    pub fn resource_attr(
        &self,
        inst: InstId,
        decl: usize,
        key: Option<Key>,
        attr: &str,
        at: Span,
    ) -> Val {
        if let Some(v) = self
            .attr_cache
            .borrow()
            .get(&(inst, decl))
            .and_then(|m| m.get(&key))
            .and_then(|m| m.get(attr))
        {
            return v.clone();
        }
        let module = self.module_of(inst);
        let d: &ResourceDecl = &module.resources[decl];
        let rref = ResourceRef {
            inst,
            decl,
            key: key.clone(),
        };
        let label: Rc<str> = format!(
            "{}{}.{}{}.{attr}",
            if d.managed { "" } else { "data." },
            d.ty,
            d.name,
            key.as_ref().map(Key::address).unwrap_or_default()
        )
        .into();
        // The label names the declaration, the instance and the attribute.
        let v = self.guarded((inst, 3, label.to_string()), at, || {
            let Some(scope) = self.resource_scope(inst, decl, &key) else {
                return Val::error(at, format!("{label}: no such instance"));
            };
            if let Some(a) = d.block.body.attr(attr) {
                return self.eval(&a.expr, &scope).through(Origin {
                    span: a.expr.span,
                    message: label.clone(),
                    resource: Some(rref.clone()),
                });
            }
            // A nested block read as an attribute: a list of objects.
            let blocks: Vec<_> = d.block.body.blocks(attr).collect();
            if !blocks.is_empty() {
                let items = blocks
                    .iter()
                    .map(|b| {
                        Val::map(
                            b.body
                                .attrs
                                .iter()
                                .map(|a| (a.name.clone(), self.eval(&a.expr, &scope)))
                                .collect(),
                        )
                    })
                    .collect();
                return Val::list(items);
            }
            // Not written: what the provider decides (the region), else known
            // only after apply.
            if let Some(v) = self
                .oracle
                .implied_attr(self, inst, decl, &key, attr, &scope)
            {
                return v.through(Origin {
                    span: d.block.head_span(),
                    message: label.clone(),
                    resource: Some(rref.clone()),
                });
            }
            let when = if d.managed {
                "known only after apply"
            } else if d.ty == "terraform_remote_state" {
                "read from another configuration's state when Terraform plans"
            } else {
                "read from the provider when Terraform plans"
            };
            Val::unknown(at, format!("{label} ({when})")).through(Origin {
                span: d.block.head_span(),
                message: label.clone(),
                resource: Some(rref.clone()),
            })
        });
        self.attr_cache
            .borrow_mut()
            .entry((inst, decl))
            .or_default()
            .entry(key)
            .or_default()
            .insert(attr.to_string(), v.clone());
        v
    }

    /// A literal of a file Terragrunt generated: with the places the values
    /// written into it came through.
    fn given(&self, v: Val, span: Span) -> Val {
        let Some(all) = self.given.get(&span.file) else {
            return v;
        };
        let mut v = v;
        for (at, via) in all {
            if at.start >= span.start && at.end <= span.end {
                for o in via.iter().rev() {
                    v = v.through(o.clone());
                }
            }
        }
        v
    }

    /// Functions (SPEC §4). Unknown functions make the value unknown.
    fn call(&self, name: &str, args: &[Expr], expand: bool, sc: &Scope, span: Span) -> Val {
        // `try` and `can` look at errors: their arguments are evaluated here.
        match name {
            "try" => {
                let mut last = Val::error(span, "try: no argument succeeded");
                for a in args {
                    let v = self.eval(a, sc);
                    let alts = v.alts();
                    if alts.iter().any(|x| x.as_unknown().is_some_and(|u| u.error)) {
                        // Keep the alternatives that succeeded.
                        let ok: Vec<Val> = alts
                            .into_iter()
                            .filter(|x| !x.as_unknown().is_some_and(|u| u.error))
                            .collect();
                        if !ok.is_empty() {
                            let rest = args
                                .iter()
                                .skip_while(|x| !std::ptr::eq(*x, a))
                                .skip(1)
                                .map(|x| self.eval(x, sc))
                                .find(|x| !x.as_unknown().is_some_and(|u| u.error));
                            let mut all = ok;
                            all.extend(rest);
                            return Val::choice(all);
                        }
                        last = v;
                        continue;
                    }
                    return v;
                }
                return last;
            }
            "can" => {
                let v = args
                    .first()
                    .map(|a| self.eval(a, sc))
                    .unwrap_or_else(Val::null);
                return match v.as_unknown() {
                    Some(u) if u.error => Val::bool(false),
                    Some(_) => v,
                    None => Val::bool(true),
                };
            }
            _ => {}
        }
        let mut vals: Vec<Val> = args.iter().map(|a| self.eval(a, sc)).collect();
        if expand && let Some(last) = vals.pop() {
            match &last.v {
                V::List(xs) => vals.extend(xs.iter().cloned()),
                _ => return Val::unknown(span, format!("{}(...) with an unknown list", name)),
            }
        }
        let text = || self.text(span);
        let root = || {
            let insts = self.insts.borrow();
            let root = insts.get(insts.get(sc.inst)?.root)?.module;
            Some(self.modules.get(root).dir.clone())
        };
        let template = |expr: &Expr, vars| {
            let scope = Scope {
                inst: sc.inst,
                each: None,
                count: None,
                vars,
            };
            self.eval(expr, &scope)
        };
        let files = funcs::filesystem::Files {
            root: &root,
            template: &template,
        };
        let v = match funcs::filesystem::call(&files, name, &vals, span, &text) {
            Some(v) => v,
            None => funcs::call(name, &vals, span, &text),
        };
        self.charged(v, span)
    }

    /// A function's value, charged to the step budgets by its size: one step
    /// per element of a list or map it made, one per 256 bytes of a string.
    /// `range(1000000)` is then a million steps, not one, and the work of a
    /// root module that calls it many times stays bounded in time and memory
    /// (fuzz_pipeline seed 20261208 case 20113, kept in tools/fuzz-open: 7 GB
    /// and 11.6 s before, 331 MB and 0.58 s after).
    fn charged(&self, v: Val, span: Span) -> Val {
        let size = match &v.v {
            V::List(xs) => xs.len() as u64,
            V::Map(m) => m.len() as u64,
            V::Str(t) => t.len() as u64 / 256,
            _ => 0,
        };
        match size {
            0 => v,
            n => self.charge(n, span).unwrap_or(v),
        }
    }
}

/// A traversal step.
#[derive(Debug)]
enum Op<'e> {
    Attr(&'e str, Span),
    Index(&'e Expr, Span),
    Splat(&'e [Traverse], Span),
}

/// Values Terragrunt wrote into generated files, by file.
type GivenValues = HashMap<crate::source::FileId, Vec<(Span, Rc<[Origin]>)>>;

/// The values Terragrunt wrote into the generated files of `modules`.
fn given_values(modules: Modules<'_>) -> GivenValues {
    let mut out = GivenValues::default();
    let all = modules
        .base
        .iter()
        .chain(modules.overlay.iter().map(|(_, m)| m));
    for m in all {
        for (at, via) in &m.given {
            let list = out.entry(at.file).or_default();
            if list.iter().any(|(s, _)| s == at) {
                continue;
            }
            let origins: Rc<[Origin]> = via
                .iter()
                .map(|(s, msg)| Origin {
                    span: *s,
                    message: msg.as_str().into(),
                    resource: None,
                })
                .collect();
            list.push((*at, origins));
        }
    }
    out
}

/// Joins address parts: `module.a` + `aws_s3_bucket.b`.
pub fn join_addr(prefix: &str, rest: &str) -> String {
    if prefix.is_empty() {
        rest.to_string()
    } else {
        format!("{prefix}.{rest}")
    }
}

/// An instance key from a value.
pub fn to_key(v: &Val) -> Option<Key> {
    match &v.v {
        V::Num(n) if n.fract() == 0.0 => Some(Key::Int(*n as i64)),
        V::Str(s) => Some(Key::Str(s.to_string())),
        _ => None,
    }
}

fn contains_unknown(v: &Val) -> bool {
    match &v.v {
        V::Unknown(_) => true,
        V::List(xs) | V::Choice(xs) => xs.iter().any(contains_unknown),
        V::Map(m) => m.values().any(contains_unknown),
        _ => false,
    }
}

fn index(v: &Val, k: &Val, span: Span) -> Val {
    match (&v.v, &k.v) {
        (V::List(xs), V::Num(n)) => xs
            .get(*n as usize)
            .cloned()
            .unwrap_or_else(|| Val::error(span, format!("index {} out of range", fmt_num(*n)))),
        (V::List(xs), V::Str(s)) => match s.parse::<usize>() {
            Ok(i) => xs
                .get(i)
                .cloned()
                .unwrap_or_else(|| Val::error(span, format!("index {i} out of range"))),
            Err(_) => Val::error(span, "a list index must be a number"),
        },
        (V::Map(m), _) => match k.to_string_value() {
            Some(key) => m
                .get(&key)
                .cloned()
                .unwrap_or_else(|| Val::error(span, format!("no key {key:?}"))),
            None => Val::error(span, "invalid map key"),
        },
        (V::Null, _) => Val::error(span, "index of null"),
        _ => Val::error(span, format!("cannot index a {}", v.type_name())),
    }
}

fn binary(op: BinaryOp, l: &Val, r: &Val, span: Span) -> Val {
    use BinaryOp::*;
    if matches!(op, Eq | NotEq) {
        if l.is_unknown() {
            return l.clone();
        }
        if r.is_unknown() {
            return r.clone();
        }
        let eq = l == r
            || matches!((l.to_string_value(), r.to_string_value()), (Some(a), Some(b)) if a == b && !matches!((&l.v, &r.v), (V::Str(_), V::Num(_)) | (V::Num(_), V::Str(_))));
        return Val::bool(if op == Eq { eq } else { !eq });
    }
    if l.is_unknown() {
        return l.clone();
    }
    if r.is_unknown() {
        return r.clone();
    }
    match op {
        And | Or => match (&l.v, &r.v) {
            (V::Bool(a), V::Bool(b)) => Val::bool(if op == And { *a && *b } else { *a || *b }),
            _ => Val::error(span, "boolean operator on non-booleans"),
        },
        _ => {
            let num = |v: &Val| match &v.v {
                V::Num(n) => Some(*n),
                V::Str(s) => s.parse::<f64>().ok(),
                _ => None,
            };
            let (Some(a), Some(b)) = (num(l), num(r)) else {
                return Val::error(span, "arithmetic on non-numbers");
            };
            match op {
                Add => Val::num(a + b),
                Sub => Val::num(a - b),
                Mul => Val::num(a * b),
                Div => Val::num(a / b),
                Mod => Val::num(a % b),
                Lt => Val::bool(a < b),
                LtEq => Val::bool(a <= b),
                Gt => Val::bool(a > b),
                GtEq => Val::bool(a >= b),
                _ => Val::error(span, "bad operator"),
            }
        }
    }
}

/// Whether `dir` (a module directory) looks like an installed module.
pub fn is_installed_dir(dir: &Path) -> bool {
    dir.components().any(|c| c.as_os_str() == ".terraform")
}
