//! The built-in provider and region catalogue (`rules/providers/*.toml`,
//! `rules/catalogue.toml`): every file parses, every fact cites a known source,
//! region names are unique per provider, every region is somewhere, and zones
//! map to their regions.

use cercle::catalogue::types::TypeKind;
use cercle::catalogue::{Catalogue, Provider, ZoneRule, normalise_region};
use std::collections::{BTreeMap, BTreeSet};

/// The EU member states (ISO 3166-1 alpha-2).
const EU27: &[&str] = &[
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV",
    "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
];
/// The EEA states outside the EU.
const EEA: &[&str] = &["IS", "LI", "NO"];
/// Countries of the regions outside the EEA (ISO 3166-1 alpha-2).
const OTHER: &[&str] = &[
    "AE", "AU", "BH", "BR", "CA", "CH", "CL", "CN", "CO", "GB", "HK", "ID", "IL", "IN", "JP", "KR",
    "MA", "MX", "MY", "NZ", "PH", "QA", "SA", "SG", "TH", "TW", "US", "ZA",
];

fn cat() -> &'static Catalogue {
    Catalogue::builtin()
}

fn provider(source: &str) -> &'static Provider {
    cat()
        .provider(source)
        .unwrap_or_else(|| panic!("{source} is not in the catalogue"))
}

#[test]
fn every_provider_file_parses_and_is_loaded() {
    // `builtin()` parses rules/catalogue.toml and every rules/providers/*.toml
    // with `deny_unknown_fields`, and panics on the first error.
    let cat = cat();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/rules/providers");
    let files = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".toml"))
        .count();
    assert_eq!(cat.providers.len(), files, "one provider per file");
    let sources: BTreeSet<String> = cat
        .providers
        .iter()
        .map(|p| p.source.to_lowercase())
        .collect();
    assert_eq!(sources.len(), files, "two files define the same provider");
    for p in [
        "hashicorp/aws",
        "hashicorp/azurerm",
        "azure/azapi",
        "hashicorp/google",
        "hashicorp/google-beta",
        "outscale/outscale",
        "ovh/ovh",
        "scaleway/scaleway",
        "terraform-provider-openstack/openstack",
        "hashicorp/vsphere",
        "bpg/proxmox",
        "telmate/proxmox",
        "Cloud-Temple/cloudtemple",
        "numspot/numspot",
        "FlexibleEngineCloud/flexibleengine",
    ] {
        assert!(cat.provider(p).is_some(), "{p} is not in the catalogue");
    }
    for p in &cat.providers {
        assert!(!p.name.is_empty(), "{}: no name", p.source);
        assert!(
            p.source.contains('/') && !p.source.contains(' '),
            "{}: not namespace/type",
            p.source
        );
    }
}

#[test]
fn every_source_ref_is_a_known_source_with_title_url_and_date() {
    let cat = cat();
    for (key, s) in &cat.sources {
        assert!(!s.title.is_empty(), "source {key}: no title");
        assert!(
            s.url.starts_with("https://"),
            "source {key}: url {:?}",
            s.url
        );
        let d = s.date.as_bytes();
        let ok = (d.len() == 7 || d.len() == 10)
            && s.date.chars().enumerate().all(|(i, c)| {
                if i == 4 || i == 7 {
                    c == '-'
                } else {
                    c.is_ascii_digit()
                }
            });
        assert!(
            ok,
            "source {key}: date {:?} is not YYYY-MM or YYYY-MM-DD",
            s.date
        );
    }
    let mut cited = BTreeSet::new();
    for p in &cat.providers {
        for (r, what) in p.cited_sources() {
            assert!(
                cat.sources.contains_key(r),
                "{}: {what} cites unknown source {r:?}",
                p.source
            );
            cited.insert(r.to_string());
        }
    }
    // So do the type catalogue's entries.
    for (r, what) in cercle::catalogue::types::cited_sources() {
        assert!(
            cat.sources.contains_key(r),
            "{what} cites unknown source {r:?}"
        );
        cited.insert(r.to_string());
    }
    // The inert providers cite theirs in catalogue.toml.
    cited.extend(cat.inert_source_refs.iter().cloned());
    for key in cat.sources.keys() {
        assert!(cited.contains(key), "source {key} is cited by no fact");
    }
}

#[test]
fn region_ids_and_aliases_are_unique_and_normalised_per_provider() {
    for p in &cat().providers {
        let mut seen: BTreeMap<String, &str> = BTreeMap::new();
        for r in &p.region {
            assert_eq!(
                r.id,
                r.id.trim().to_lowercase(),
                "{}: region id {:?} is not normalised",
                p.source,
                r.id
            );
            assert!(!r.id.contains(' '), "{}: region id {:?}", p.source, r.id);
            let names: BTreeSet<String> = std::iter::once(&r.id)
                .chain(&r.aliases)
                .map(|n| normalise_region(n))
                .collect();
            for n in names {
                if let Some(other) = seen.insert(n.clone(), &r.id) {
                    panic!("{}: {n:?} names both {other} and {}", p.source, r.id);
                }
            }
        }
    }
}

#[test]
fn every_region_has_a_country_and_a_consistent_jurisdiction() {
    for p in &cat().providers {
        for r in &p.region {
            let what = format!("{} region {}", p.source, r.id);
            assert!(!r.name.is_empty(), "{what}: no name");
            assert!(
                !r.country.is_empty() && !r.jurisdiction.is_empty(),
                "{what}"
            );
            let c = r.country.as_str();
            let expected = if EU27.contains(&c) || c == "EU" {
                "EU"
            } else if EEA.contains(&c) {
                "EEA"
            } else if OTHER.contains(&c) || c == "ASIA" {
                // ASIA: Google's Asia multi-region, in several countries.
                c
            } else {
                panic!("{what}: unknown country {c:?}")
            };
            assert_eq!(r.jurisdiction, expected, "{what}: jurisdiction");
            if let Some(e) = &r.endpoint {
                assert!(!e.is_empty() && !e.contains('/'), "{what}: endpoint {e:?}");
            }
        }
    }
}

#[test]
fn zones_map_to_their_regions() {
    let aws = provider("hashicorp/aws");
    let google = provider("hashicorp/google");
    let scaleway = provider("scaleway/scaleway");
    let outscale = provider("outscale/outscale");
    assert_eq!(aws.zone_rule, ZoneRule::TrailingLetter);
    assert_eq!(aws.zone_region("eu-west-3a").as_deref(), Some("eu-west-3"));
    assert_eq!(
        aws.zone_region("eusc-de-east-1b").as_deref(),
        Some("eusc-de-east-1")
    );
    assert_eq!(
        aws.zone_region("eu-west-9a"),
        None,
        "not a zone of a known region"
    );
    // us-central1-a and u-france-east1-a: tests/catalogue_facts.rs.
    assert_eq!(
        google.zone_region("europe-west9-b").as_deref(),
        Some("europe-west9")
    );
    assert_eq!(scaleway.zone_region("fr-par-2").as_deref(), Some("fr-par"));
    assert_eq!(scaleway.zone_region("pl-waw-3").as_deref(), Some("pl-waw"));
    assert_eq!(
        outscale.zone_region("cloudgouv-eu-west-1a").as_deref(),
        Some("cloudgouv-eu-west-1")
    );
    assert_eq!(
        outscale.zone_region("eu-west-2a").as_deref(),
        Some("eu-west-2")
    );
    // A zone written as a region value resolves to the region too.
    assert_eq!(google.canonical_region("EUROPE-WEST9-A"), "europe-west9");
    assert_eq!(aws.canonical_region("eu-west-3c"), "eu-west-3");
}

#[test]
fn region_names_resolve_with_their_provider() {
    let aws = provider("hashicorp/aws");
    let outscale = provider("outscale/outscale");
    let azurerm = provider("hashicorp/azurerm");
    let google = provider("hashicorp/google");
    // The same id is London at AWS and Paris at Outscale.
    let london = aws.region("eu-west-2").unwrap();
    assert_eq!(
        (london.country.as_str(), london.jurisdiction.as_str()),
        ("GB", "GB")
    );
    let paris = outscale.region("eu-west-2").unwrap();
    assert_eq!(
        (paris.country.as_str(), paris.jurisdiction.as_str()),
        ("FR", "EU")
    );
    assert_eq!(azurerm.canonical_region("West Europe"), "westeurope");
    assert_eq!(azurerm.canonical_region("France Central"), "francecentral");
    assert_eq!(azurerm.region("france central").unwrap().country, "FR");
    assert_eq!(azurerm.region("Norway East").unwrap().jurisdiction, "EEA");
    assert_eq!(
        azurerm.region("Switzerland North").unwrap().jurisdiction,
        "CH"
    );
    assert_eq!(azurerm.region("bleufrancecentral").unwrap().country, "FR");
    assert_eq!(azurerm.region("USGov Virginia").unwrap().country, "US");
    assert_eq!(google.canonical_region("EU"), "eu");
    assert_eq!(google.region("EU").unwrap().jurisdiction, "EU");
    assert_eq!(google.region("US").unwrap().jurisdiction, "US");
    assert_eq!(google.region("europe-west2").unwrap().jurisdiction, "GB");
    let s3ns = google.region("u-france-east1").unwrap();
    assert_eq!(s3ns.endpoint.as_deref(), Some("s3nsapis.fr"));
    assert_eq!(s3ns.country, "FR");
    // Only the S3NS region is tied to a separate universe.
    for p in &cat().providers {
        for r in &p.region {
            assert!(
                r.endpoint.is_none() || r.id == "u-france-east1",
                "{} {}",
                p.source,
                r.id
            );
        }
    }
    let eusc = aws.region("eusc-de-east-1").unwrap();
    assert_eq!(
        (eusc.country.as_str(), eusc.jurisdiction.as_str()),
        ("DE", "EU")
    );
    assert_eq!(aws.region("us-gov-west-1").unwrap().country, "US");
    assert_eq!(aws.region("cn-north-1").unwrap().country, "CN");
    let fe = provider("FlexibleEngineCloud/flexibleengine");
    assert_eq!(fe.region("eu-west-0").unwrap().country, "FR");
}

#[test]
fn providers_that_share_facts_stay_in_step() {
    /// What a region says, without its name and source.
    fn regions(p: &Provider) -> Vec<String> {
        p.region
            .iter()
            .map(|r| {
                format!(
                    "{} {:?} {} {} {:?}",
                    r.id, r.aliases, r.country, r.jurisdiction, r.endpoint
                )
            })
            .collect()
    }
    let google = provider("hashicorp/google");
    let beta = provider("hashicorp/google-beta");
    assert_eq!(regions(google), regions(beta));
    assert_eq!(google.region_attrs, beta.region_attrs);
    assert_eq!(google.zone_attrs, beta.zone_attrs);
    assert_eq!(google.endpoint_attrs, beta.endpoint_attrs);
    assert_eq!(google.resource_region_attrs, beta.resource_region_attrs);
    assert_eq!(google.resource_zone_attrs, beta.resource_zone_attrs);
    assert_eq!(google.zone_rule, beta.zone_rule);
    let types = |p: &Provider| {
        (
            p.global
                .iter()
                .map(|g| (g.types.clone(), g.holds_data, g.regions_from.clone()))
                .collect::<Vec<_>>(),
            p.parent
                .iter()
                .map(|x| (x.types.clone(), x.attrs.clone()))
                .collect::<Vec<_>>(),
            p.default
                .iter()
                .map(|d| (d.type_.clone(), d.value.clone()))
                .collect::<Vec<_>>(),
        )
    };
    assert_eq!(types(google), types(beta));
    assert_eq!(
        regions(provider("hashicorp/azurerm")),
        regions(provider("azure/azapi"))
    );
}

#[test]
fn provider_arguments_are_the_documented_ones() {
    let google = provider("hashicorp/google");
    assert_eq!(google.endpoint_attrs, ["universe_domain"]);
    assert_eq!(google.zone_attrs, ["zone"]);
    assert!(google.resource_region_attrs.iter().any(|a| a == "location"));
    assert!(google.resource_zone_attrs.iter().any(|a| a == "zone"));
    assert!(google.data_region("google_client_config").is_some());
    let aws = provider("hashicorp/aws");
    assert_eq!(aws.resource_region_attrs, ["region"]);
    assert!(
        !aws.resource_zone_attrs
            .iter()
            .any(|a| a == "availability_zone"),
        "an AWS availability zone is not a region override"
    );
    assert_eq!(
        aws.data_region("aws_region").unwrap().arg.as_deref(),
        Some("region")
    );
    assert_eq!(
        provider("hashicorp/azurerm").resource_region_attrs,
        ["location"]
    );
    assert_eq!(provider("azure/azapi").resource_region_attrs, ["location"]);
    let openstack = provider("terraform-provider-openstack/openstack");
    assert_eq!(openstack.endpoint_attrs, ["auth_url"]);
    assert!(openstack.region_optional);
    for (p, attr) in [
        ("ovh/ovh", "endpoint"),
        ("hashicorp/vsphere", "vsphere_server"),
        ("bpg/proxmox", "endpoint"),
        ("telmate/proxmox", "pm_api_url"),
        ("Cloud-Temple/cloudtemple", "address"),
        ("numspot/numspot", "numspot_host"),
        ("FlexibleEngineCloud/flexibleengine", "auth_url"),
        ("outscale/outscale", "endpoints.api"),
    ] {
        assert!(
            provider(p).endpoint_attrs.iter().any(|a| a == attr),
            "{p}: no endpoint argument {attr}"
        );
    }
    // Internal or endpoint-placed providers have no built-in region list.
    for p in [
        "terraform-provider-openstack/openstack",
        "hashicorp/vsphere",
        "bpg/proxmox",
        "telmate/proxmox",
        "Cloud-Temple/cloudtemple",
        "numspot/numspot",
    ] {
        assert!(provider(p).region.is_empty(), "{p} has built-in regions");
    }
}

#[test]
fn global_parent_and_default_types() {
    let aws = provider("hashicorp/aws");
    assert!(aws.global("aws_iam_role").is_some_and(|g| !g.holds_data));
    // Route 53 comes from the type catalogue: hosted zones and records are
    // global, Resolver is regional (the hand-written glob was too wide).
    let route53 = cat()
        .type_entry("hashicorp/aws", "aws_route53_zone")
        .unwrap();
    assert_eq!(route53.kind, TypeKind::Global);
    assert_eq!(route53.holds_data, Some(false));
    assert!(aws.global("aws_route53_resolver_endpoint").is_none());
    let resolver = cat()
        .type_entry("hashicorp/aws", "aws_route53_resolver_endpoint")
        .unwrap();
    assert_eq!(resolver.kind, TypeKind::Provider);
    assert!(aws.global("aws_ec2_image_block_public_access").is_none());
    assert!(aws.global("aws_quicksight_account_settings").is_none());
    assert!(
        aws.global("aws_cloudfront_distribution")
            .is_some_and(|g| g.holds_data)
    );
    assert!(
        aws.global("aws_globalaccelerator_accelerator")
            .is_some_and(|g| g.holds_data)
    );
    assert!(aws.global("aws_s3_bucket").is_none());
    let az = provider("hashicorp/azurerm");
    assert!(
        az.global("azurerm_cdn_frontdoor_profile")
            .is_some_and(|g| g.holds_data)
    );
    assert!(
        az.global("azurerm_cdn_frontdoor_endpoint")
            .is_some_and(|g| !g.holds_data)
    );
    assert!(az.global("azurerm_dns_zone").is_some_and(|g| !g.holds_data));
    assert!(az.global("azurerm_private_dns_a_record").is_some());
    assert!(
        az.global("azurerm_private_dns_resolver").is_none(),
        "it has a location"
    );
    assert!(az.global("azurerm_storage_account").is_none());
    let subnet = az.parent("azurerm_subnet").unwrap();
    assert_eq!(subnet.attrs, ["virtual_network_name"]);
    assert_eq!(subnet.parent_types, ["azurerm_virtual_network"]);
    assert_eq!(subnet.parent_name_attr, "name");
    let container = az.parent("azurerm_storage_container").unwrap();
    assert_eq!(
        container.attrs,
        ["storage_account_id", "storage_account_name"]
    );
    let pool = az.parent("azurerm_kubernetes_cluster_node_pool").unwrap();
    assert_eq!(pool.parent_name_attr, "id");
    assert_eq!(
        az.parent("azurerm_mssql_database").unwrap().attrs,
        ["server_id"]
    );
    assert_eq!(
        az.parent("azurerm_key_vault_secret").unwrap().attrs,
        ["key_vault_id"]
    );
    assert!(az.parent("azurerm_storage_account").is_none());
    // A type is either global or lives in a parent, never both; except a
    // global type whose parents are global and pinned by `regions_from` (a
    // Pub/Sub subscription in its topic): placed with its parent when that is
    // pinned, global otherwise.
    for p in &cat().providers {
        for x in &p.parent {
            let pinned_parents = x.parent_types.iter().all(|pt| {
                p.global(pt)
                    .is_some_and(|g| g.holds_data && g.regions_from.is_some())
            });
            for t in &x.types {
                assert!(
                    p.global(t).is_none() || pinned_parents,
                    "{}: {t} is global and has a parent",
                    p.source
                );
            }
            assert!(
                !x.attrs.is_empty() && !x.parent_types.is_empty(),
                "{}",
                p.source
            );
        }
        for d in &p.default {
            assert!(
                p.region(&d.value).is_some(),
                "{}: default {} is not a region",
                p.source,
                d.value
            );
        }
    }
    let azapi = provider("azure/azapi").parent("azapi_resource").unwrap();
    assert_eq!(azapi.attrs, ["parent_id"]);
    let g = provider("hashicorp/google");
    assert_eq!(
        g.default_for("google_bigquery_dataset").unwrap().value,
        "US"
    );
    assert_eq!(
        g.parent("google_storage_bucket_object")
            .unwrap()
            .parent_types,
        ["google_storage_bucket"]
    );
    assert!(g.parent("google_storage_bucket_iam_member").is_some());
    assert_eq!(
        g.parent("google_bigquery_table").unwrap().parent_name_attr,
        "dataset_id"
    );
    assert!(
        g.global("google_compute_network")
            .is_some_and(|x| !x.holds_data)
    );
    assert!(g.global("google_compute_instance").is_none());
}

#[test]
fn the_region_lists_cover_the_reference() {
    let ids =
        |p: &str| -> BTreeSet<String> { provider(p).region.iter().map(|r| r.id.clone()).collect() };
    let aws = ids("hashicorp/aws");
    for r in [
        "eu-west-1",
        "eu-west-2",
        "eu-west-3",
        "eu-central-1",
        "eu-central-2",
        "eu-north-1",
        "eu-south-1",
        "eu-south-2",
        "eusc-de-east-1",
        "us-gov-east-1",
        "us-gov-west-1",
        "cn-north-1",
        "cn-northwest-1",
        "us-east-1",
        "ap-southeast-7",
        "mx-central-1",
    ] {
        assert!(aws.contains(r), "aws {r}");
    }
    let az = ids("hashicorp/azurerm");
    for r in [
        "francecentral",
        "francesouth",
        "bleufrancecentral",
        "bleufrancesouth",
        "westeurope",
        "northeurope",
        "germanywestcentral",
        "swedencentral",
        "polandcentral",
        "italynorth",
        "spaincentral",
        "austriaeast",
        "belgiumcentral",
        "denmarkeast",
        "norwayeast",
        "uksouth",
        "switzerlandnorth",
        "deloscloudgermanycentral",
        "deloscloudgermanynorth",
        "usgovvirginia",
        "usgovarizona",
        "usgovtexas",
        "usgoviowa",
        "usdodeast",
        "usdodcentral",
        "germanycentral",
        "germanynortheast",
        "chinanorth",
    ] {
        assert!(az.contains(r), "azurerm {r}");
    }
    let g = ids("hashicorp/google");
    for r in [
        "europe-west9",
        "europe-west1",
        "europe-west3",
        "europe-west4",
        "europe-west10",
        "europe-north2",
        "europe-west2",
        "europe-west6",
        "eu",
        "us",
        "asia",
        "u-france-east1",
    ] {
        assert!(g.contains(r), "google {r}");
    }
    assert_eq!(
        ids("outscale/outscale"),
        [
            "ap-northeast-1",
            "cloudgouv-eu-west-1",
            "eu-west-2",
            "us-east-2",
            "us-west-1"
        ]
        .map(String::from)
        .into()
    );
    assert_eq!(
        ids("scaleway/scaleway"),
        ["fr-par", "nl-ams", "pl-waw"].map(String::from).into()
    );
}

#[test]
fn inert_providers_are_kept() {
    let cat = cat();
    for p in [
        "hashicorp/random",
        "hashicorp/tls",
        "hashicorp/time",
        "hashicorp/null",
        "hashicorp/local",
        "hashicorp/archive",
        "hashicorp/external",
        "hashicorp/http",
        "hashicorp/cloudinit",
        "terraform.io/builtin/terraform",
    ] {
        assert!(cat.is_inert(p), "{p}");
        assert!(cat.provider(p).is_none(), "{p} is inert and catalogued");
    }
}

/// The ASCII fast path of `normalise_region` gives what the char by char
/// rules give: every kind of white space and underscores dropped, lower case.
#[test]
fn normalise_region_ascii_as_chars() {
    for s in [
        "West Europe",
        "EU_WEST_1",
        "us-east-1a",
        "a\tb\nc\x0bd\x0ce\rf",
        "x\u{1c}y",
        "Nord\u{e9} Est",
        "",
    ] {
        let by_chars: String = s
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '_')
            .flat_map(char::to_lowercase)
            .collect();
        assert_eq!(normalise_region(s), by_chars, "{s:?}");
    }
}
