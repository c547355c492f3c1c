//! Kubernetes clusters (issue 13, SPEC §4): the resources of the providers
//! that talk to a cluster (`hashicorp/kubernetes`, `hashicorp/helm`, kubectl)
//! run where that cluster runs. The provider's `host` (or its companions
//! `cluster_ca_certificate`, `token`, client certificates, the `exec` block
//! that fetches a token; for Helm, the same inside its `kubernetes` block or
//! object) is evaluated; a value read from a cluster resource or data source
//! (`aws_eks_cluster`, `azurerm_kubernetes_cluster`, `google_container_cluster`,
//! directly or through module outputs) places the provider where that cluster
//! is placed. A data source of a cluster is placed like the cluster resource
//! type of its provider (its `location`/`region`, else its provider's region).
//! Anything else is unresolved (CRC003), naming the provider's host.
//!
//! The placement of a resource in a cluster is the cluster's: its provider
//! (`hashicorp/aws` for EKS) and its regions, so that the tiers judge the
//! cloud the data lands on; the provider configuration stays the one that
//! deploys it (`kubernetes`, `helm.aks`).

use crate::eval::value::{Key, Origin};
use crate::eval::{Scope, join_addr};
use crate::model::{Block, Expr, ExprKind};
use crate::place::{Placer, ProviderPlace, ProviderRef, RegionVal, Unresolved};
use crate::source::Span;
use std::rc::Rc;

/// Providers whose resources live in a Kubernetes cluster (`hashicorp/kubectl`
/// is what a `kubectl` provider without `required_providers` resolves to).
const CLUSTER_PROVIDERS: &[&str] = &[
    "hashicorp/kubernetes",
    "hashicorp/helm",
    "gavinbunney/kubectl",
    "alekc/kubectl",
    "hashicorp/kubectl",
];

/// Resource (and data source) types of managed clusters whose attributes a
/// provider's host is read from.
const CLUSTER_TYPES: &[&str] = &[
    "aws_eks_cluster",
    "azurerm_kubernetes_cluster",
    "google_container_cluster",
    "scaleway_k8s_cluster",
    "ovh_cloud_project_kube",
];

/// The connection arguments that come from the cluster, the host first.
const CONNECTION: &[&str] = &[
    "host",
    "cluster_ca_certificate",
    "token",
    "client_certificate",
    "client_key",
];

/// Whether resources of provider `source` run in a Kubernetes cluster.
pub fn is_cluster_provider(source: &str) -> bool {
    CLUSTER_PROVIDERS
        .iter()
        .any(|p| p.eq_ignore_ascii_case(source))
}

/// A cluster provider with no configuration block: the cluster comes from
/// the environment.
pub fn implicit(local: &str, source: &str, at: Span) -> ProviderPlace {
    ProviderPlace {
        name: local.into(),
        source: source.into(),
        regions: Vec::new(),
        endpoint: None,
        endpoint_origins: Vec::new(),
        endpoint_unresolved: None,
        unresolved: Some(Unresolved {
            what: format!(
                "provider {local} has no configuration block: its cluster would come from the environment (KUBECONFIG)"
            ),
            span: at,
        }),
        block_span: None,
    }
}

/// Where the connection arguments of a cluster provider are written: the
/// block itself (kubernetes, kubectl), or Helm's `kubernetes` block (Helm 2)
/// or object (Helm 3).
enum Conn<'b> {
    Block(&'b Block),
    Object(&'b [(Expr, Expr)]),
}

impl<'b> Conn<'b> {
    fn of(block: &'b Block) -> Conn<'b> {
        if let Some(b) = block.body.block("kubernetes") {
            return Conn::Block(b);
        }
        if let Some(a) = block.body.attr("kubernetes")
            && let ExprKind::Object(items) = &a.expr.kind
        {
            return Conn::Object(items);
        }
        Conn::Block(block)
    }

    fn get(&self, name: &str) -> Option<&'b Expr> {
        match self {
            Conn::Block(b) => b.body.attr(name).map(|a| &a.expr),
            Conn::Object(items) => items
                .iter()
                .find(|(k, _)| k.as_path().is_some_and(|p| p == [name]))
                .map(|(_, v)| v),
        }
    }

    /// The arguments of an `exec` block (`aws eks get-token --cluster-name
    /// ...`, `gke-gcloud-auth-plugin`).
    fn exec_args(&self) -> Option<&'b Expr> {
        let exec = match self {
            Conn::Block(b) => b.body.block("exec").and_then(|e| e.body.attr("args")),
            Conn::Object(_) => None,
        };
        exec.map(|a| &a.expr).or_else(|| {
            let e = self.get("exec")?;
            match &e.kind {
                ExprKind::Object(items) => items
                    .iter()
                    .find(|(k, _)| k.as_path().is_some_and(|p| p == ["args"]))
                    .map(|(_, v)| v),
                _ => None,
            }
        })
    }
}

impl Placer<'_, '_, '_> {
    /// Where a provider configuration places things, when it is one of a
    /// cluster provider: `None` for other providers.
    pub fn cluster_provider(&self, r: &ProviderRef, at: Span) -> Option<ProviderPlace> {
        match r {
            ProviderRef::Implicit { local, source } => {
                is_cluster_provider(source).then(|| implicit(local, source, at))
            }
            ProviderRef::Block { inst, idx, key } => {
                let me = self.inst(*inst);
                let module = &self.modules[me.module];
                let pc = &module.providers[*idx];
                let source = module.provider_source(&pc.local);
                if !is_cluster_provider(&source) {
                    return None;
                }
                let mut name = join_addr(&me.addr, &pc.key());
                if let Some(k) = key {
                    name.push_str(&Key::Str(k.clone()).address());
                }
                let (scopes, _) = self.provider_scopes(*inst, *idx, key);
                let scope = scopes.first().cloned().unwrap_or_else(|| Scope::of(*inst));
                Some(self.cluster_place(&pc.block, &scope, &name, &source))
            }
        }
    }

    /// Where the cluster a provider block connects to is placed.
    pub fn cluster_place(
        &self,
        block: &Block,
        scope: &Scope,
        name: &str,
        source: &str,
    ) -> ProviderPlace {
        let conn = Conn::of(block);
        let mut out = ProviderPlace {
            name: name.into(),
            source: source.into(),
            regions: Vec::new(),
            endpoint: None,
            endpoint_origins: Vec::new(),
            endpoint_unresolved: None,
            unresolved: None,
            block_span: Some(block.head_span()),
        };
        let exprs = CONNECTION
            .iter()
            .filter_map(|n| conn.get(n))
            .chain(conn.exec_args());
        for e in exprs {
            if let Some((cloud, regions, unresolved)) = self.cluster_of(e, scope, name) {
                out.source = cloud;
                out.regions = regions;
                out.unresolved = unresolved;
                return out;
            }
        }
        out.unresolved = Some(match conn.get("host") {
            Some(host) => {
                let text = self.sources.slice(host.span);
                let v = self.eval(host, scope);
                let why = v
                    .alts()
                    .iter()
                    .find_map(|x| x.as_unknown().map(|u| u.what.clone()))
                    .map(|w| format!(" ({w})"))
                    .unwrap_or_default();
                Unresolved {
                    what: format!(
                        "provider {name} runs in the cluster at host = {text}, which is not a cluster cercle can place{why}"
                    ),
                    span: host.span,
                }
            }
            None => {
                let from = match conn.get("config_path").or_else(|| conn.get("config_paths")) {
                    Some(p) => format!("the kubeconfig {}", self.sources.slice(p.span)),
                    None => "the environment (KUBECONFIG)".to_string(),
                };
                Unresolved {
                    what: format!(
                        "provider {name} sets no host: its cluster would come from {from}"
                    ),
                    span: block.head_span(),
                }
            }
        });
        out
    }

    /// The provider and regions of the cluster an expression reads from, when
    /// it reads from one (every alternative and every value it came through).
    fn cluster_of(
        &self,
        e: &Expr,
        scope: &Scope,
        name: &str,
    ) -> Option<(Rc<str>, Vec<RegionVal>, Option<Unresolved>)> {
        let v = self.eval(e, scope);
        for alt in v.alts() {
            for o in alt.origins() {
                let Some(r) = &o.resource else {
                    continue;
                };
                let d = &self.module_of(r.inst).resources[r.decl];
                if !CLUSTER_TYPES.iter().any(|t| *t == d.ty) {
                    continue;
                }
                let p = self.place(r.inst, r.decl, &r.key);
                let via = Origin {
                    span: e.span,
                    message: format!("provider {name} runs in the cluster {}", p.address).into(),
                    resource: None,
                };
                let regions = p
                    .regions
                    .iter()
                    .map(|x| {
                        let mut origins = x.origins.clone();
                        origins.push(via.clone());
                        RegionVal {
                            region: x.region.clone(),
                            origins,
                        }
                    })
                    .collect();
                let unresolved = p.unresolved.clone().map(|u| Unresolved {
                    what: format!(
                        "provider {name} runs in the cluster {}: {}",
                        p.address, u.what
                    ),
                    span: u.span,
                });
                return Some((p.provider.clone(), regions, unresolved));
            }
        }
        None
    }
}
