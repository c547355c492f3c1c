#!/usr/bin/env python3
"""Generates rules/providers/generated/<provider>.toml: how every resource type
of a provider is placed, from the provider's own published schema.

Usage (see README.md):
  generate.py cdktf <package dir> <out.toml>            # @cdktf/provider-aws, -azurerm, -google, -google-beta
  generate.py docs <provider> <repo path> <out.toml>    # ovh, scaleway, outscale, openstack, oci, alicloud, ibm
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cdktf  # noqa: E402
import mddocs  # noqa: E402

KINDS = ("own", "default", "parent", "provider", "global", "account")

# ---------------------------------------------------------------- providers

# Docs-based providers: where their pages are, their type prefix, the
# top-level arguments that place a resource, and whether an omitted one takes
# the provider configuration's (documented in each provider's index page).
DOCS = {
    "ovh": dict(source="ovh/ovh", repo="ovh/terraform-provider-ovh", folder="docs/resources", prefix="ovh_",
                location=["region", "region_name"], nested=["region"], provider_fallback=False),
    "scaleway": dict(source="scaleway/scaleway", repo="scaleway/terraform-provider-scaleway", folder="docs/resources",
                     prefix="scaleway_", location=["region", "zone"], nested=[], provider_fallback=True),
    "outscale": dict(source="outscale/outscale", repo="outscale/terraform-provider-outscale", folder="docs/resources",
                     prefix="outscale_", parents=False, location=["subregion_name"], nested=["subregion_name"], provider_fallback=True),
    "openstack": dict(source="terraform-provider-openstack/openstack",
                      repo="terraform-provider-openstack/terraform-provider-openstack", folder="docs/resources",
                      prefix="openstack_", parents=False, location=["region"], nested=[], provider_fallback=True),
    "oci": dict(source="oracle/oci", repo="oracle/terraform-provider-oci", folder="website/docs/r", prefix="oci_", parents=False,
                location=["region"], nested=[], provider_fallback=True),
    "alicloud": dict(source="aliyun/alicloud", repo="aliyun/terraform-provider-alicloud", folder="website/docs/r",
                     prefix="alicloud_", parents=False, location=["region", "region_id"], nested=[], provider_fallback=True),
    "ibm": dict(source="IBM-Cloud/ibm", repo="IBM-Cloud/terraform-provider-ibm", folder="website/docs/r",
                prefix="ibm_", parents=False, location=["region", "location", "region_location", "cross_region_location", "single_site_location"], nested=[], provider_fallback=True),
}

# Types with no location in their API, by name: (pattern, kind, holds_data,
# why). First match wins; applied only to types the schema gives no location
# argument (a type with one is placed by it). holds_data None: not known.
NAMED_GLOBAL = {
    "aws": [
        (r"^aws_cloudfront_distribution$", "global", True, "CloudFront serves content from edge locations worldwide"),
        (r"^aws_cloudfront_", "global", False, "CloudFront configuration object"),
        (r"^aws_globalaccelerator_accelerator$", "global", True, "Global Accelerator carries traffic through the AWS edge network"),
        (r"^aws_(iam|organizations|route53|shield|account|budgets|ce|cur|waf)_", "global", False, "control plane (IAM, Organizations, Route 53, Shield, account, billing, WAF classic)"),
        (r"^aws_(globalaccelerator|networkmanager|route53domains|route53recovery\w*|dx_gateway|dx_hosted_connection|cloudfrontkeyvaluestore|notifications|notificationscontacts)(_|$)", "global", False, "global service (Global Accelerator, Network Manager, Route 53 Domains / ARC, Direct Connect gateway, User Notifications)"),
        (r"^aws_(costoptimizationhub|billing|bcmdataexports|fms_admin_account|ram_sharing_with_organization|cloudtrail_organization_delegated_admin_account|backup_global_settings|chimesdkvoice_global_settings|s3_account_public_access_block|servicecatalog_organizations_access|vpc_ipam_organization_admin_account)", "global", False, "account or organisation setting"),
    ],
    "google": [
        (r"_iam_(member|binding|policy|audit_config)$", "global", False, "IAM policy on a global parent"),
        (r"^google_(project|folder|organization|billing)", "global", False, "resource manager / billing: global"),
        (r"^google_service_account", "global", False, "service accounts are global"),
        (r"^google_(org_policy|access_context_manager|tags|essential_contacts|iam_)", "global", False, "organisation policy / access context / tags / IAM: global"),
        (r"^google_dns_", "global", False, "Cloud DNS: global"),
        (r"^google_pubsub_topic$", "global", True, "Pub/Sub messages are stored in the region nearest the publisher unless message_storage_policy restricts them"),
        (r"^google_monitoring_", "global", False, "Cloud Monitoring configuration: global"),
        (r"^google_logging_.*(sink|exclusion)$", "global", False, "log sinks route to their destination; the sink holds nothing"),
        (r"^google_compute_(network|network_peering|network_peering_routes_config|network_firewall_policy\w*|firewall|firewall_policy\w*|route|global_\w+|health_check|http_health_check|https_health_check|backend_service|backend_service_signed_url_key|backend_bucket|backend_bucket_signed_url_key|url_map|target_https?_proxy|target_ssl_proxy|target_tcp_proxy|target_grpc_proxy|ssl_certificate|managed_ssl_certificate|ssl_policy|security_policy\w*|image|snapshot|instance_template|project_metadata\w*|project_default_network_tier|project_cloud_armor_tier|shared_vpc_\w+|xpn_\w+)$", "global", None, "Compute Engine global resource"),
    ],
    "azurerm": [
        (r"^azurerm_(role_|policy_|(resource|resource_group|subscription|management_group)_policy_|management_group|subscription|tenant|marketplace|resource_provider|management_lock|pim_)", "global", False, "Azure Resource Manager control plane (RBAC, policy, management groups, subscriptions, locks)"),
        (r"^azurerm_(dns_|private_dns_)", "global", False, "Azure DNS: global"),
        (r"^azurerm_(cdn_frontdoor_|frontdoor)", "global", True, "Front Door serves content from edge locations worldwide"),
        (r"^azurerm_traffic_manager", "global", False, "Traffic Manager is DNS-based: global"),
    ],
    "ovh": [
        (r"^ovh_(me_|iam_|domain_|ip_|ipv6|vrack|savings_plan|dbaas_logs_role|okms_credential)", "account", False, "account-level object of the OVHcloud API (nichandle, IAM, domains, IP blocks, vRack)"),
        (r"^ovh_(dedicated_server|vps|hosting_|email_|iploadbalancing|dedicated_nasha|dedicated_ceph|ovhcloud_connect|dbaas_logs|storage_efs|okms|vrackservices)", "account", None, "a service ordered on the account; its datacentre is chosen at order time and not written in these arguments"),
        (r"^ovh_cloud_project$", "account", False, "a public cloud project is an account-level container"),
        (r"^ovh_cloud_(project_)?(ssh_key|user|quota|alerting|network_private$)", "account", False, "project-level object with no region"),
    ],
    "scaleway": [
        (r"^scaleway_(iam_|account_|domain_|billing|tem_domain_validation|audit_trail)", "global", False, "organisation / project level (IAM, account, domains)"),
    ],
    "outscale": [
        (r"^outscale_(user|user_group|policy|policy_version|api_access|access_key|ca$)", "account", False, "EIM identity objects of the account"),
    ],
    "openstack": [
        (r"^openstack_identity_", "global", False, "Keystone identity objects (the identity service is not regional)"),
    ],
    "oci": [
        (r"^oci_identity_", "account", False, "IAM objects live in the tenancy's home region"),
    ],
    "alicloud": [
        (r"^alicloud_(cdn_|dcdn_)", "global", True, "CDN / DCDN serve content from edge nodes worldwide"),
        (r"^alicloud_(ram_|resource_manager_|alidns_|dns|cloud_sso_|account$)", "global", False, "account-level control plane (RAM, Resource Manager, DNS, Cloud SSO)"),
        (r"^alicloud_(cen_instance$|cen_instance_attachment)", "global", False, "Cloud Enterprise Network instance: a global network object"),
    ],
    "ibm": [
        (r"^ibm_cis_", "global", False, "configuration of a Cloud Internet Services instance (a global edge service)"),
        (r"^ibm_(iam_|resource_group|resource_tag|enterprise|account_|dns_domain|dns_record|billing|cbr_)", "global", False, "account-level control plane (IAM, resource groups, enterprise, tags, context-based restrictions, classic DNS)"),
        (r"^ibm_(cm_|onboarding_)", "global", None, "account-level service (catalog management, partner onboarding)"),
    ],
}
NAMED_GLOBAL["google-beta"] = NAMED_GLOBAL["google"]

# Types whose optional location argument falls back to the provider
# configuration although its description does not say so.
PROVIDER_FALLBACK = {
    # GetLocation(): location, else region, else the zone (the provider's zone
    # when not written) -- google provider tpgresource/utils.go.
    "google": ("google_container_cluster",),
}
PROVIDER_FALLBACK["google-beta"] = PROVIDER_FALLBACK["google"]

# Arguments that point at a parent but are never a placement.
NOT_PARENT = re.compile(
    r"^(name|id|project|project_id|resource_group_name|subscription_id|tenant_id|location|region|zone|"
    r".*principal_id|.*object_id|client_id|application_id|.*key_vault_key_id|.*_key_id|kms_key_name|"
    r".*network_interface_ids|"
    r".*region.*|availability_zone.*|"
    r"service_name|org_id|organization|organization_id|folder|folder_id|billing_account|parent|scope|"
    r"member|members|role|policy_data|service|compartment_id|resource_group_id|.*_policy_id|policy_id)$")
GENERIC_PARENT = {"target_resource_id": "*", "resource_id": "*", "parent_id": "*"}
# Parent arguments whose stem is not the end of the parent's type name.
STEM_ALIAS = {
    "azurerm": {"loadbalancer": "azurerm_lb", "configuration_store": "azurerm_app_configuration",
                "recovery_vault": "azurerm_recovery_services_vault", "logic_app": "azurerm_logic_app_workflow",
                "azure_firewall": "azurerm_firewall", "log_analytics_workspace": "azurerm_log_analytics_workspace",
                "kubernetes_cluster": "azurerm_kubernetes_cluster", "app_service": "azurerm_app_service",
                "function_app": "azurerm_function_app", "web_app": "azurerm_linux_web_app"},
    "ovh": {"cluster": "ovh_cloud_project_database", "registry": "ovh_cloud_project_containerregistry"},
}

# ------------------------------------------------------------- classifier

DEFAULT_RES = [
    re.compile(r"If (?:not specified|omitted|unset|not provided|not set)[^.]*?,\s*['\"`]*([A-Za-z][\w-]*)['\"`]*\s+(?:is|will be) used", re.I),
    re.compile(r"If not provided, Use ['\"`]*(global)['\"`]* as default", re.I),
    re.compile(r"(?:default value is|defaults to|default:)\s*(?:multi-regional location\s+|the\s+)?['\"`]+([A-Za-z][\w-]*)['\"`]+", re.I),
    re.compile(r"(?:default value is|defaults to)\s+(US|EU|global)\b"),
    re.compile(r"['\"`]+(global)['\"`]+ will be used as the default", re.I),
]
PROVIDER_RES = re.compile(r"provider(?:'s)? (?:configuration'?s? )?(?:default )?(?:region|zone|location)|region (?:set |defined )?in the (?:\w+ )?provider|from the provider|Defaults to the Region set in the|Defaults to provider|defaults to the provider|the provider region|the provider zone|provider['\"`]* (?:region|zone)|region of the provider|zone of the provider|If (?:it is )?not provided, the provider", re.I)
LOCATIONISH = re.compile(r"^(global|[A-Za-z]{2,}(?:[-\w]*\d[-\w]*)?|[A-Z]{2,4}\d?)$")


def parse_default(doc):
    for r in DEFAULT_RES:
        m = r.search(doc)
        if m:
            v = m.group(1)
            if v.lower() in ("global", "us", "eu", "asia") or re.match(r"^[a-z]+-[a-z]+\d+$", v):
                return v
    return None


def geographic(doc):
    return bool(re.search(r"\b(region|zone|regions|zones|location where|geographic|datacenter|data center)\b", doc, re.I)) and not re.search(r"expression", doc, re.I)


CORRECTIONS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "rules", "providers", "corrections")


def load_corrections(provider):
    """The reviewed corrections of a provider ({type: entry}); google's apply
    to google-beta too (FORMAT.md)."""
    import tomllib
    out = {}
    names = ["google", "google-beta"] if provider == "google-beta" else [provider]
    for n in names:
        path = os.path.join(CORRECTIONS, n + ".toml")
        if os.path.exists(path):
            with open(path, "rb") as fh:
                out.update(tomllib.load(fh).get("types", {}))
    return out


class Ctx:
    def __init__(self, provider, types, cfg):
        self.provider, self.types, self.cfg = provider, types, cfg
        self.prefix = cfg["prefix"]
        self.memo = {}
        self.corrections = load_corrections(provider)

    def placed(self, ty, stack):
        """Whether a resource of this type has a placement a child can take
        (its correction decides when it has one)."""
        if ty in self.corrections:
            c = self.corrections[ty]
            return c["kind"] not in ("global", "account") or bool(c.get("regions_from"))
        return ty not in stack and classify(self, ty, stack)["kind"] not in ("global", "account")


def location_args(ctx, ty, args):
    """[(path, Arg)] of the type's own location arguments."""
    p = ctx.provider
    out = []
    top = ctx.cfg["location"]
    for name in top:
        if name in args and args[name].block is None:
            a = args[name]
            out.append((name, a))
    if out:
        return out
    for bname, b in args.items():
        if not b.block:
            continue
        for name in ctx.cfg["nested"]:
            a = b.block.get(name)
            if a is not None and a.block is None and (p not in ("google", "google-beta") or geographic(a.doc)):
                out.append((f"{bname}.{name}", a))
    return out


def lcp(a, b):
    """Length of the common prefix of two type names, in whole `_` tokens."""
    n = 0
    for x, y in zip(a.split("_"), b.split("_")):
        if x != y:
            break
        n += 1
    return n


def parent_types_for(ctx, ty, arg):
    if arg in GENERIC_PARENT:
        return [GENERIC_PARENT[arg]]
    stem = re.sub(r"_(id|name|ids|names)$", "", arg)
    if not stem or stem == arg and ctx.provider == "azurerm":
        return []
    if ctx.provider.startswith("google") and ty.endswith("_" + stem):  # its own name or id (rule_name, config_id)
        return []
    alias = STEM_ALIAS.get(ctx.provider, {}).get(stem)
    if alias and alias in ctx.types:
        return [alias]
    cands = [t for t in ctx.types if t != ty and (t == ctx.prefix + stem or t.endswith("_" + stem))]
    if not cands:
        return []
    best = max(lcp(ty, t) for t in cands)
    top = [t for t in cands if lcp(ty, t) == best]
    if best <= 1:
        exact = [t for t in top if t == ctx.prefix + stem]
        if exact:
            return exact
        if ctx.provider == "azurerm" and len(top) <= 8:
            return sorted(top)
        return []
    return sorted(top)


IAM = re.compile(r"^(?P<base>\w+?)_iam_(binding|member|policy|audit_config)$")
IAM_ARGS = {"role", "member", "members", "policy_data", "condition", "id", "timeouts", "project", "location", "region", "zone"}


def classify_google_iam(ctx, ty, args, locs, stack):
    """google_X_iam_*: an IAM policy of a resource of type google_X, named by
    its one required argument besides the role and members (`name`, `bucket`,
    `key_ring_id`...). It is where X is; X global: global."""
    m = IAM.match(ty)
    if not m or m.group("base") not in ctx.types:
        return None
    base = m.group("base")
    pargs = [n for n, a in args.items() if a.required and a.block is None and n not in IAM_ARGS]
    if len(pargs) != 1:
        return None
    if not ctx.placed(base, stack + (ty,)):
        return {"kind": "global", "holds_data": False, "why": "IAM policy on a global parent"}
    e = {"kind": "parent"}
    if locs:
        e["location"] = [p for p, _ in locs]
    e.update(parent=pargs, parent_types=[base], parent_name_attr="id" if pargs[0].endswith("_id") else "name")
    if locs:
        e["fallback"] = "provider"  # "taken from the provider configuration" when neither gives it
    return e


def classify(ctx, ty, stack=()):
    if ty in ctx.memo:
        return ctx.memo[ty]
    args = ctx.types[ty]
    undocumented = args is None
    if undocumented:
        args = {}
    e = {}
    locs = location_args(ctx, ty, args)
    if ctx.provider in ("google", "google-beta"):
        iam = classify_google_iam(ctx, ty, args, locs, stack)
        if iam is not None:
            ctx.memo[ty] = iam
            return iam
    named = next(((k, h, why) for pat, k, h, why in NAMED_GLOBAL.get(ctx.provider, []) if re.search(pat, ty)), None)
    if locs:
        e["location"] = [p for p, _ in locs]
        required = any(a.required for _, a in locs)
        default = next((d for d in (parse_default(a.doc) for _, a in locs) if d), None)
        prov = ctx.cfg["provider_fallback"] or any(PROVIDER_RES.search(a.doc) for _, a in locs)
        if ctx.provider in ("google", "google-beta") and any(p.split(".")[-1] in ("region", "zone") for p, _ in locs):
            prov = True  # the Google provider fills an omitted region/zone from its configuration
        if ty in PROVIDER_FALLBACK.get(ctx.provider, ()):
            prov = True
        if required and not any(PROVIDER_RES.search(a.doc) for _, a in locs):
            e["kind"] = "own"
        elif default:
            e["kind"], e["default"] = "default", default
        else:
            e["kind"] = "provider" if prov else "own"
            if not prov:
                e["required"] = False
    parents = []
    strong = named is not None and not re.search(r"_iam_", ty)
    # A Compute Engine global resource whose optional zone/region names
    # something else (a snapshot's source disk zone, an instance template's
    # regional references) stays global.
    if locs and strong and (named[2] == "Compute Engine global resource" and e.get("kind") != "own"
                            or e.get("kind") == "own" and e.get("required") is False):
        e = {}
        locs = []
    if not locs and strong:
        e["kind"] = named[0]
        if named[1] is not None:
            e["holds_data"] = named[1]
        e["why"] = named[2]
    elif not ctx.cfg.get("parents", True):
        pass
    elif not locs or e.get("kind") == "own" and e.get("required") is False:
        cand_args = sorted(((n, a) for n, a in args.items() if a.block is None and not NOT_PARENT.match(n)),
                           key=lambda x: (not x[1].required, x[0]))
        for n, a in cand_args:
            pts = parent_types_for(ctx, ty, n)
            if not pts:
                continue
            placed = [t for t in pts if t == "*" or ctx.placed(t, stack + (ty,))]
            parents.append((n, a, pts, bool(placed)))
    if ctx.provider in ("google", "google-beta") and not locs and "kind" not in e and "parent" in args \
            and args["parent"].block is None and "locations/" in args["parent"].doc and not parents:
        # `parent`: the full name of the resource it lives in,
        # projects/P/locations/L/... (Dialogflow CX agents, VMware Engine
        # private clouds): that resource's placement, or L of a literal name.
        parents.append(("parent", args["parent"], ["*"], True))
    placed_parents = [(n, a, pts) for n, a, pts, ok in parents if ok]
    if any(a.required for _, a, _ in placed_parents):
        placed_parents = [p for p in placed_parents if p[1].required]
    if placed_parents and "kind" not in e or placed_parents and e.get("kind") == "own" and e.get("required") is False:
        pts = sorted({t for _, _, ts in placed_parents for t in ts})
        e["parent"] = [n for n, _, _ in placed_parents]
        e["parent_types"] = pts
        e["parent_name_attr"] = "id" if all(n.endswith("_id") or "projects/" in a.doc or "Format" in a.doc for n, a, _ in placed_parents) else "name"
        e["kind"] = "parent"
        e.pop("required", None)
    if "kind" not in e:
        if named:
            e["kind"] = named[0]
            if named[1] is not None:
                e["holds_data"] = named[1]
            e["why"] = named[2]
        elif parents:
            e["kind"] = "global"
            e["why"] = "its parent (" + ", ".join(sorted({t for _, _, ts, _ in parents for t in ts})) + ") is global"
        elif ctx.cfg["provider_fallback"] and ctx.provider not in ("google", "google-beta", "azurerm"):
            e["kind"] = "provider"
            if ctx.provider == "aws":
                e["why"] = "no region argument in the schema; the request goes to the provider's regional endpoint"
            elif undocumented:
                e["why"] = "registered in the provider's code but has no resource page; the provider's region applies"
        else:
            e["kind"] = "global"
            e["why"] = "no location argument in the schema"
    ctx.memo[ty] = e
    return e


# ---------------------------------------------------------------- output

def toml_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def toml_val(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        return "[" + ", ".join(toml_str(x) for x in v) + "]"
    return toml_str(v)


ORDER = ["kind", "location", "required", "default", "parent", "parent_types", "parent_name_attr", "fallback", "holds_data", "why"]


def slug(text, used):
    words = re.findall(r"[a-z0-9]+", text.lower().split(";")[0].split("(")[0])
    words = [w for w in words if len(w) > 1 and w not in ("an", "the", "of", "in", "its", "is", "on", "no")]
    base = "-".join(words[:3]) or "why"
    key, n = base, 2
    while key in used and used[key] != text:
        key, n = f"{base}-{n}", n + 1
    used[key] = text
    return key


def write(out, header, entries):
    counts = {k: 0 for k in KINDS}
    whys = {}
    for e in entries.values():
        counts[e["kind"]] += 1
        if "why" in e:
            if e["why"].startswith("its parent ("):
                e["why"] = "every parent it names is itself global or account-level"
            e["why"] = slug(e["why"], whys)
    with open(out, "w", encoding="utf-8") as fh:
        fh.write("# GENERATED by tools/catalogue/generate.py: do not edit by hand.\n")
        fh.write("# Corrections go in rules/providers/corrections/ (they win); see tools/catalogue/FORMAT.md.\n")
        for k, v in header.items():
            fh.write(f"{k} = {toml_val(v) if not isinstance(v, int) or isinstance(v, bool) else v}\n")
        fh.write("# " + ", ".join(f"{k} {counts[k]}" for k in KINDS) + "\n\n")
        fh.write("# Why a type is global, account-level or placed at the provider's region\n# without an argument of its own (the `why` of an entry).\n[why]\n")
        for k in sorted(whys):
            fh.write(f"{k} = {toml_str(whys[k])}\n")
        fh.write("\n[types]\n")
        for ty in sorted(entries):
            e = entries[ty]
            parts = [f"{k} = {toml_val(e[k])}" for k in ORDER if k in e]
            fh.write(f"{ty} = {{ {', '.join(parts)} }}\n")
    return counts


def main(argv):
    if len(argv) >= 4 and argv[1] == "cdktf":
        pkg, out = argv[2], argv[3]
        source, version, npm, types = cdktf.load_package(pkg)
        provider = source.split("/")[1]
        cfg = dict(prefix=provider.split("-")[0] + "_", provider_fallback=provider == "aws",
                   location={"aws": ["region"], "azurerm": ["location"]}.get(provider, ["region", "location", "zone", "location_id"]),
                   nested=[] if provider in ("aws", "azurerm") else ["region", "zone", "location"])
        ctx = Ctx(provider, types, cfg)
        header = dict(provider=source, provider_version=version, source_ref="cdktf-" + provider,
                      schema=npm, schema_note="resource arguments and descriptions of lib/<resource>/index.d.ts")
    elif len(argv) >= 5 and argv[1] == "docs":
        provider, repo, out = argv[2], argv[3], argv[4]
        cfg = DOCS[provider]
        r, types, undocumented = mddocs.load_repo(repo, cfg["folder"], cfg["prefix"])
        ctx = Ctx(provider, types, cfg)
        header = dict(provider=cfg["source"], provider_version=r.tag().lstrip("v"), source_ref="repo-" + provider,
                      schema=f"https://github.com/{cfg['repo']}", schema_commit=r.commit(),
                      schema_note=f"{cfg['folder']}/*: the Argument Reference (or Schema) section of each resource page")
    else:
        print(__doc__, file=sys.stderr)
        return 2
    entries = {ty: classify(ctx, ty) for ty in sorted(types)}
    header["type_count"] = len(entries)
    counts = write(out, header, entries)
    print(f"{out}: {len(entries)} types: " + ", ".join(f"{k} {counts[k]}" for k in KINDS))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
