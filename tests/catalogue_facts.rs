//! The provider catalogue: every fact cites a source (validated when it is
//! loaded), and the facts the doctrine depends on hold.

use cercle::catalogue::Catalogue;

#[test]
fn the_catalogue_loads_and_its_key_facts_hold() {
    let cat = Catalogue::builtin();
    let aws = cat.provider("hashicorp/aws").unwrap();
    let outscale = cat.provider("outscale/outscale").unwrap();
    // A region is read with its provider: eu-west-2 is London at AWS, Paris at Outscale.
    assert_eq!(aws.region("eu-west-2").unwrap().country, "GB");
    assert_eq!(outscale.region("eu-west-2").unwrap().country, "FR");
    assert_eq!(aws.zone_region("eu-west-3a").as_deref(), Some("eu-west-3"));
    assert_eq!(
        outscale.zone_region("cloudgouv-eu-west-1a").as_deref(),
        Some("cloudgouv-eu-west-1")
    );
    let az = cat.provider("hashicorp/azurerm").unwrap();
    assert_eq!(az.canonical_region("West Europe"), "westeurope");
    let g = cat.provider("hashicorp/google").unwrap();
    assert_eq!(
        g.zone_region("us-central1-a").as_deref(),
        Some("us-central1")
    );
    assert_eq!(
        g.zone_region("u-france-east1-a").as_deref(),
        Some("u-france-east1")
    );
    assert_eq!(
        g.region("u-france-east1").unwrap().endpoint.as_deref(),
        Some("s3nsapis.fr")
    );
    assert_eq!(
        g.default_for("google_bigquery_dataset").unwrap().value,
        "US"
    );
    let sc = cat.provider("scaleway/scaleway").unwrap();
    assert_eq!(sc.zone_region("fr-par-2").as_deref(), Some("fr-par"));
    for p in [
        "hashicorp/aws",
        "hashicorp/azurerm",
        "hashicorp/google",
        "outscale/outscale",
        "ovh/ovh",
        "scaleway/scaleway",
        "terraform-provider-openstack/openstack",
        "hashicorp/vsphere",
        "bpg/proxmox",
        "Cloud-Temple/cloudtemple",
        "numspot/numspot",
        "FlexibleEngineCloud/flexibleengine",
    ] {
        assert!(cat.provider(p).is_some(), "{p} is not in the catalogue");
    }
    assert!(cat.is_inert("hashicorp/random"));
    assert!(aws.global("aws_iam_role").is_some_and(|g| !g.holds_data));
    assert!(
        aws.global("aws_cloudfront_distribution")
            .is_some_and(|g| g.holds_data)
    );
}

#[test]
fn a_fact_without_a_known_source_is_rejected() {
    let cat = "inert_providers = []\n[sources.a]\ntitle = \"t\"\nurl = \"u\"\ndate = \"2026\"\n";
    let bad = "source = \"x/y\"\nname = \"Y\"\nsource_ref = \"a\"\n[[region]]\nid = \"r1\"\nname = \"n\"\ncountry = \"FR\"\njurisdiction = \"EU\"\nsource_ref = \"nope\"\n";
    let err = Catalogue::parse(cat, &[("y.toml", bad)]).unwrap_err();
    assert!(err.contains("unknown source"), "{err}");
}
