//! Terraform plans (`terraform show -json plan.out`): the planned values are
//! already evaluated, so each planned resource is placed from its `values`
//! (its own region argument) or from its provider configuration's constant
//! expressions, with spans into the plan file.

use crate::analysis::Resource;
use crate::catalogue::Catalogue;
use crate::findings::Related;
use crate::parse::error::SyntaxError;
use crate::parse::json::{self, Value};
use crate::place::tags::TagTier;
use crate::place::{PlaceKind, Unresolved};
use crate::source::{FileId, Span};
use std::sync::Arc;

fn strip_host(p: &str) -> String {
    crate::assemble::normalise_source(p)
}

/// Places every managed resource of a plan; `module` is the index the plan
/// has among the analysis's modules.
pub fn place(
    text: &str,
    file: FileId,
    cat: &Catalogue,
    tier_tags: &[String],
    module: usize,
) -> Result<Vec<Resource>, SyntaxError> {
    let doc = json::parse(text, file)?;
    let mut out = Vec::new();
    let configs = doc
        .get("configuration")
        .and_then(|c| c.get("provider_config"));
    let conf_root = doc.get("configuration").and_then(|c| c.get("root_module"));
    if let Some(root) = doc.get("planned_values").and_then(|p| p.get("root_module")) {
        walk(
            root, "", conf_root, configs, cat, tier_tags, module, &mut out,
        );
    }
    Ok(out)
}

/// The configuration of the module at `path` (`module.a.module.b`, without keys).
fn conf_module<'v, 'a>(root: Option<&'v Value<'a>>, path: &str) -> Option<&'v Value<'a>> {
    let mut cur = root?;
    for part in path.split('.').collect::<Vec<_>>().chunks(2) {
        if part.len() == 2 && part[0] == "module" {
            let name = part[1].split('[').next().unwrap_or(part[1]);
            cur = cur.get("module_calls")?.get(name)?.get("module")?;
        }
    }
    Some(cur)
}

#[allow(clippy::too_many_arguments)]
fn walk(
    planned: &Value,
    path: &str,
    conf_root: Option<&Value>,
    configs: Option<&Value>,
    cat: &Catalogue,
    tier_tags: &[String],
    module: usize,
    out: &mut Vec<Resource>,
) {
    let conf = conf_module(conf_root, path);
    for r in planned
        .get("resources")
        .and_then(|r| r.as_array())
        .unwrap_or(&[])
    {
        if r.get("mode").and_then(|m| m.as_str()) != Some("managed") {
            continue;
        }
        if let Some(p) = place_one(r, conf, configs, cat, tier_tags, module) {
            out.push(p);
        }
    }
    for c in planned
        .get("child_modules")
        .and_then(|c| c.as_array())
        .unwrap_or(&[])
    {
        let addr = c.get("address").and_then(|a| a.as_str()).unwrap_or("");
        walk(c, addr, conf_root, configs, cat, tier_tags, module, out);
    }
}

fn place_one(
    r: &Value,
    conf: Option<&Value>,
    configs: Option<&Value>,
    cat: &Catalogue,
    tier_tags: &[String],
    module: usize,
) -> Option<Resource> {
    let address_m = r.member("address")?;
    let address = address_m.value.as_str()?.to_string();
    let ty = r.get("type")?.as_str()?.to_string();
    let name = r.get("name").and_then(|n| n.as_str()).unwrap_or("");
    let provider = strip_host(
        r.get("provider_name")
            .and_then(|p| p.as_str())
            .unwrap_or(""),
    );
    let head = address_m.value.span;
    let values = r.get("values");
    // The provider configuration: from the configuration's resource entry.
    let key = config_key(conf, &format!("{ty}.{name}"), &provider);
    let pconf = configs.and_then(|c| c.get(&key)).or_else(|| {
        // Keys of child modules are written `module.x:aws`.
        let local = key.rsplit(':').next().unwrap_or(&key);
        configs.and_then(|c| c.get(local))
    });
    // Keys of child modules are written `module.x:aws`.
    let provider_config = match key.split_once(':') {
        Some((m, k)) => format!("{m}.{k}"),
        None => key.clone(),
    };
    let mut p = Resource::from_file(
        address,
        ty.clone(),
        module,
        head,
        r.span,
        provider.clone(),
        provider_config,
        tags(values, tier_tags),
    );
    if cat.is_inert(&provider) {
        p.kind = PlaceKind::Inert;
        return Some(p);
    }
    let c = cat.provider(&provider);
    let constant = |attr: &str| -> Option<(String, Span)> {
        let e = pconf?
            .get("expressions")?
            .get(attr)?
            .get("constant_value")?;
        e.as_str().map(|s| (s.to_string(), e.span))
    };
    if let Some(c) = c {
        for a in &c.endpoint_attrs {
            if let Some((e, s)) = constant(a) {
                p.endpoint = Some(e.into());
                p.origins = Arc::new([Related {
                    span: s,
                    message: format!("endpoint of provider {key}"),
                }]);
                break;
            }
        }
        if let Some(g) = c.global(&ty) {
            p.kind = PlaceKind::Global {
                holds_data: g.holds_data,
            };
            return Some(p);
        }
    }
    let own: Vec<String> = c
        .map(|c| c.resource_region_attrs.clone())
        .unwrap_or_else(|| vec!["region".into(), "location".into()]);
    if let Some((region, span)) = own_region(values, c, &own) {
        p.regions = Arc::new([region]);
        p.primary = span;
        return Some(p);
    }
    let provider_attrs: Vec<String> = c
        .map(|c| {
            c.region_attrs
                .iter()
                .chain(c.zone_attrs.iter())
                .cloned()
                .collect()
        })
        .unwrap_or_else(|| vec!["region".into()]);
    for a in &provider_attrs {
        if let Some((s, span)) = constant(a) {
            let region = c
                .map(|c| c.zone_region(&s).unwrap_or_else(|| c.canonical_region(&s)))
                .unwrap_or(s);
            p.regions = Arc::new([region]);
            let mut origins = p.origins.to_vec();
            origins.push(Related {
                span,
                message: format!("region of provider {key}"),
            });
            p.origins = origins.into();
            return Some(p);
        }
    }
    if c.is_some_and(|c| c.region_attrs.is_empty() && c.resource_region_attrs.is_empty()) {
        p.kind = PlaceKind::Endpoint;
    } else {
        p.unresolved = Some(Box::new(Unresolved {
            what: format!(
                "the plan gives no region for {} nor a constant region for provider {key}",
                p.address
            ),
            span: head,
        }));
    }
    Some(p)
}

/// The key of a resource's provider configuration, from the configuration's
/// resource entry (`module.x:aws` in child modules), else the provider's
/// type name.
fn config_key(conf: Option<&Value>, conf_addr: &str, provider: &str) -> String {
    conf.and_then(|c| c.get("resources"))
        .and_then(|rs| rs.as_array())
        .and_then(|rs| {
            rs.iter()
                .find(|x| x.get("address").and_then(|a| a.as_str()) == Some(conf_addr))
        })
        .and_then(|x| x.get("provider_config_key"))
        .and_then(|k| k.as_str())
        .map(str::to_string)
        .unwrap_or_else(|| provider.rsplit('/').next().unwrap_or("").to_string())
}

/// The resource's own region (or zone) in its planned values.
fn own_region(
    values: Option<&Value>,
    c: Option<&crate::catalogue::Provider>,
    own: &[String],
) -> Option<(String, Span)> {
    let zones: Vec<String> = c.map(|c| c.resource_zone_attrs.clone()).unwrap_or_default();
    for (attrs, zone) in [(own, false), (&zones[..], true)] {
        for a in attrs {
            if let Some(v) = values.and_then(|v| v.get(a))
                && let Some(s) = v.as_str()
            {
                let region = match c {
                    Some(c) if zone => c.zone_region(s).unwrap_or_else(|| c.canonical_region(s)),
                    Some(c) => c.canonical_region(s),
                    None => crate::catalogue::normalise_region(s),
                };
                return Some((region, v.span));
            }
        }
    }
    None
}

fn tags(values: Option<&Value>, keys: &[String]) -> Option<TagTier> {
    let values = values?;
    for attr in ["tags_all", "tags", "effective_labels", "labels"] {
        // Outscale and others: a list of `{key, value}` objects.
        if let Some(list) = values.get(attr).and_then(|t| t.as_array()) {
            for item in list {
                let k = item.get("key").and_then(|k| k.as_str()).unwrap_or("");
                if keys.iter().any(|t| t.eq_ignore_ascii_case(k))
                    && let Some(v) = item.get("value")
                    && let Some(s) = v.as_str()
                {
                    return Some(TagTier {
                        values: vec![s.to_string()],
                        span: v.span,
                        from_default: false,
                    });
                }
            }
        }
        let Some(obj) = values.get(attr).and_then(|t| t.as_object()) else {
            continue;
        };
        for m in obj {
            if keys.iter().any(|k| k.eq_ignore_ascii_case(m.key.as_str()))
                && let Some(v) = m.value.as_str()
            {
                return Some(TagTier {
                    values: vec![v.to_string()],
                    span: m.value.span,
                    from_default: attr == "tags_all",
                });
            }
        }
    }
    None
}
