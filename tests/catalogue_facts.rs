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

#[test]
fn the_egress_table_names_where_copies_go() {
    use cercle::catalogue::EgressTo;
    let cat = Catalogue::builtin();
    let one = |provider: &str, ty: &str| {
        let p = cat.provider(provider).unwrap();
        let found: Vec<_> = p.egress(ty).collect();
        assert!(!found.is_empty(), "{ty}: no egress entry");
        found[0].clone()
    };
    let s3 = one("hashicorp/aws", "aws_s3_bucket_replication_configuration");
    assert_eq!(s3.to, EgressTo::Resource);
    assert_eq!(s3.destination.as_deref(), Some("rule.destination.bucket"));
    assert_eq!(s3.destination_types, ["aws_s3_bucket"]);
    assert_eq!(s3.source.as_deref(), Some("bucket"));
    let db = one("hashicorp/aws", "aws_db_instance");
    assert_eq!(db.to, EgressTo::Itself);
    assert_eq!(db.source.as_deref(), Some("replicate_source_db"));
    let ddb = one("hashicorp/aws", "aws_dynamodb_table");
    assert_eq!(ddb.to, EgressTo::Region);
    assert_eq!(ddb.destination.as_deref(), Some("replica.region_name"));
    let backup = one("hashicorp/aws", "aws_backup_plan");
    assert!(backup.arn_region, "a backup vault ARN carries its region");
    assert_eq!(backup.arn_source_ref.as_deref(), Some("aws-arn-format"));
    assert_eq!(
        backup.destination.as_deref(),
        Some("rule.copy_action.destination_vault_arn")
    );
    assert_eq!(
        one("hashicorp/azurerm", "azurerm_cosmosdb_account")
            .destination
            .as_deref(),
        Some("geo_location.location")
    );
    assert_eq!(
        one("hashicorp/google", "google_sql_database_instance")
            .source
            .as_deref(),
        Some("master_instance_name")
    );
    // A type that copies nothing has no entry.
    let aws = cat.provider("hashicorp/aws").unwrap();
    assert_eq!(aws.egress("aws_instance").count(), 0);
    // Every entry is a type of its own provider and cites that provider's
    // documentation.
    for p in &cat.providers {
        let prefix = p.source.split('/').nth(1).unwrap().to_string() + "_";
        for e in &p.egress {
            for t in e
                .types
                .iter()
                .chain(&e.destination_types)
                .chain(&e.source_types)
            {
                assert!(
                    t.starts_with(&prefix),
                    "{}: {t} is not a {prefix} type",
                    p.source
                );
            }
            if e.arn_region {
                let arn = &cat.sources[e.arn_source_ref.as_ref().unwrap()];
                assert!(
                    arn.url.starts_with("https://docs.aws.amazon.com/"),
                    "{}",
                    arn.url
                );
            }
            let src = &cat.sources[&e.source_ref];
            assert!(
                src.url
                    .starts_with("https://registry.terraform.io/providers/"),
                "{}: {} cites {} ({}), not the provider's documentation",
                p.source,
                e.types.join(", "),
                e.source_ref,
                src.url
            );
        }
    }
}

#[test]
fn a_malformed_egress_entry_is_rejected() {
    let cat = "inert_providers = []\n[sources.a]\ntitle = \"t\"\nurl = \"u\"\ndate = \"2026\"\n";
    let base = "source = \"x/y\"\nname = \"Y\"\nsource_ref = \"a\"\n[[egress]]\ntypes = [\"y_copy\"]\nsource_ref = \"a\"\n";
    for (bad, why) in [
        (
            "to = \"self\"\ndestination = \"d\"\nsource = \"s\"\nsource_types = [\"y_db\"]\n",
            "takes no destination",
        ),
        ("to = \"self\"\n", "needs a source"),
        (
            "to = \"resource\"\ndestination = \"rule.bucket\"\n",
            "needs destination and destination_types",
        ),
        (
            "to = \"region\"\ndestination = \"r\"\ndestination_types = [\"y_x\"]\n",
            "names no destination type",
        ),
        (
            "to = \"region\"\ndestination = \"rule..region\"\n",
            "not a path",
        ),
        (
            "to = \"region\"\ndestination = \"r\"\nsource = \"s\"\n",
            "go together",
        ),
        (
            "to = \"elsewhere\"\ndestination = \"r\"\n",
            "unknown variant",
        ),
        (
            "to = \"resource\"\ndestination = \"v\"\ndestination_types = [\"y_v\"]\narn_region = true\n",
            "arn_region and arn_source_ref go together",
        ),
    ] {
        let text = format!("{base}{bad}");
        let err = Catalogue::parse(cat, &[("y.toml", &text)]).unwrap_err();
        assert!(err.contains(why), "{bad:?}: {err}");
    }
    let unsourced = "source = \"x/y\"\nname = \"Y\"\nsource_ref = \"a\"\n[[egress]]\ntypes = [\"y_copy\"]\nto = \"region\"\ndestination = \"r\"\nsource_ref = \"nope\"\n";
    let err = Catalogue::parse(cat, &[("y.toml", unsourced)]).unwrap_err();
    assert!(err.contains("unknown source"), "{err}");
}

#[test]
fn a_pubsub_topic_is_regional_where_its_storage_policy_says() {
    let google = Catalogue::builtin()
        .provider("hashicorp/google")
        .expect("google");
    let topic = google.global("google_pubsub_topic").expect("global");
    assert!(topic.holds_data);
    assert_eq!(
        topic.regions_from.as_deref(),
        Some("message_storage_policy.allowed_persistence_regions")
    );
    let sub = google.global("google_pubsub_subscription").expect("global");
    assert!(sub.holds_data && sub.regions_from.is_none());
    assert!(
        google
            .parent("google_pubsub_subscription")
            .is_some_and(|p| p.attrs == ["topic"] && p.parent_types == ["google_pubsub_topic"])
    );
}

#[test]
fn a_malformed_regions_from_is_rejected() {
    let cat = "inert_providers = []\n[sources.a]\ntitle = \"t\"\nurl = \"u\"\ndate = \"2026\"\n";
    let bad = "source = \"x/y\"\nname = \"Y\"\nsource_ref = \"a\"\n[[global]]\ntypes = [\"y_t\"]\nholds_data = true\nregions_from = \"policy..regions\"\nsource_ref = \"a\"\n";
    let err = Catalogue::parse(cat, &[("y.toml", bad)]).unwrap_err();
    assert!(err.contains("regions_from"), "{err}");
}
