#!/usr/bin/env python3
"""Unit tests of the catalogue generator's parsers and rules, on small
hand-written inputs (offline): python3 tools/catalogue/test_generate.py"""
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cdktf  # noqa: E402
import generate  # noqa: E402
import mddocs  # noqa: E402

D_TS = '''
import * as cdktf from 'cdktf';
export interface KmsCryptoKeyConfig extends cdktf.TerraformMetaArguments {
    /**
    * The KeyRing that this key belongs to.
    * Format: ''projects/{{project}}/locations/{{location}}/keyRings/{{keyRing}}''.
    *
    * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/hashicorp/google/6.50.0/docs/resources/kms_crypto_key#key_ring KmsCryptoKey#key_ring}
    */
    readonly keyRing: string;
    /**
    * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/hashicorp/google/6.50.0/docs/resources/kms_crypto_key#version_template KmsCryptoKey#version_template}
    */
    readonly versionTemplate?: KmsCryptoKeyVersionTemplate;
}
export interface KmsCryptoKeyVersionTemplate {
    /**
    * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/hashicorp/google/6.50.0/docs/resources/kms_crypto_key#algorithm KmsCryptoKey#algorithm}
    */
    readonly algorithm: string;
}
export declare class KmsCryptoKey extends cdktf.TerraformResource {
    static readonly tfResourceType = "google_kms_crypto_key";
}
'''

ARGS_MD = '''# ovh_cloud_project_database

## Argument Reference

* `service_name` - (Required) The id of the public cloud project.
* `nodes` - (Required) List of nodes object.
  * `region` - (Required, Forces new resource) Public cloud region in which the node should be deployed. Ex: "GRA'.
  * `subnet_id` - (Optional) Private subnet ID.
* `plan` - (Required) Plan of the cluster.

## Attributes Reference

* `region` - not an argument
'''

SCHEMA_MD = '''# ovh_cloud_project_storage

## Schema

### Required

- `name` (String) Container name
- `region_name` (String) Region name

### Optional

- `encryption` (Attributes) Encryption (see [below for nested schema](#nestedatt--encryption))

### Read-Only

- `region` (String) Container region

<a id="nestedatt--encryption"></a>
### Nested Schema for `encryption`

Optional:

- `sse_algorithm` (String) Algorithm
'''


def arg(name, required=False, doc="", block=None):
    return cdktf.Arg(name, required, "string", doc, block)


class Parsers(unittest.TestCase):
    def test_cdktf_resource(self):
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "index.d.ts"), "w") as fh:
                fh.write(D_TS)
            ty, args = cdktf.load_resource(d)
        self.assertEqual(ty, "google_kms_crypto_key")
        self.assertTrue(args["key_ring"].required)
        self.assertIn("projects/", args["key_ring"].doc)
        self.assertEqual(list(args["version_template"].block), ["algorithm"])

    def test_markdown_argument_reference_with_nested_block(self):
        args = mddocs.parse_arguments(ARGS_MD)
        self.assertEqual(sorted(args), ["nodes", "plan", "service_name"])
        self.assertTrue(args["nodes"].block["region"].required)

    def test_markdown_tfplugindocs_schema(self):
        args = mddocs.parse_arguments(SCHEMA_MD)
        self.assertTrue(args["region_name"].required)
        self.assertNotIn("region", args)  # read-only
        self.assertIn("sse_algorithm", args["encryption"].block)

    def test_defaults_from_descriptions(self):
        self.assertEqual(generate.parse_default('The Certificate Manager location. If not specified, "global" is used.'), "global")
        self.assertEqual(generate.parse_default("The default value is multi-regional location 'US'."), "US")
        self.assertEqual(generate.parse_default("The default value is 'global'."), "global")
        self.assertIsNone(generate.parse_default('Default value is "ENCRYPT_DECRYPT".'))
        self.assertTrue(generate.PROVIDER_RES.search("If not provided defaults to the region defined in the IBM provider configuration."))


class Rules(unittest.TestCase):
    def ctx(self, provider, types, **cfg):
        base = dict(prefix=provider.split("-")[0] + "_", provider_fallback=False,
                    location=["region", "location", "zone", "location_id"], nested=["region", "zone", "location"])
        base.update(cfg)
        c = generate.Ctx(provider, types, base)
        c.corrections = {}
        return c

    def test_google_kinds(self):
        types = {
            "google_kms_key_ring": {"location": arg("location", True, "The location for the KeyRing.")},
            "google_kms_crypto_key": {"key_ring": arg("key_ring", True, "Format: projects/{{project}}/locations/x")},
            "google_kms_key_ring_iam_member": {"key_ring_id": arg("key_ring_id", True), "role": arg("role", True), "member": arg("member", True)},
            "google_project": {"name": arg("name", True)},
            "google_project_iam_member": {"project": arg("project", True), "role": arg("role", True), "member": arg("member", True)},
            "google_certificate_manager_certificate": {"location": arg("location", False, 'If not specified, "global" is used.')},
            "google_compute_instance": {"zone": arg("zone", False, "The zone that the machine should be created in.")},
        }
        c = self.ctx("google", types)
        k = {t: generate.classify(c, t) for t in types}
        self.assertEqual(k["google_kms_key_ring"]["kind"], "own")
        self.assertEqual(k["google_kms_crypto_key"], {"kind": "parent", "parent": ["key_ring"], "parent_types": ["google_kms_key_ring"], "parent_name_attr": "id"})
        self.assertEqual(k["google_kms_key_ring_iam_member"]["parent_types"], ["google_kms_key_ring"])
        self.assertEqual(k["google_project_iam_member"]["kind"], "global")
        self.assertEqual(k["google_certificate_manager_certificate"], {"kind": "default", "location": ["location"], "default": "global"})
        self.assertEqual(k["google_compute_instance"]["kind"], "provider")

    def test_azurerm_parent_by_longest_prefix(self):
        types = {
            "azurerm_mssql_server": {"location": arg("location", True)},
            "azurerm_postgresql_server": {"location": arg("location", True)},
            "azurerm_mssql_database": {"server_id": arg("server_id", True), "name": arg("name", True)},
            "azurerm_role_assignment": {"scope": arg("scope", True)},
        }
        c = self.ctx("azurerm", types, location=["location"], nested=[])
        self.assertEqual(generate.classify(c, "azurerm_mssql_database")["parent_types"], ["azurerm_mssql_server"])
        self.assertEqual(generate.classify(c, "azurerm_role_assignment")["kind"], "global")

    def test_ovh_nested_region_and_account(self):
        types = {
            "ovh_cloud_project_database": {"nodes": arg("nodes", True, block={"region": arg("region", True)})},
            "ovh_me_identity_user": {"login": arg("login", True)},
        }
        c = self.ctx("ovh", types, **{k: v for k, v in generate.DOCS["ovh"].items() if k in ("prefix", "location", "nested", "provider_fallback")})
        self.assertEqual(generate.classify(c, "ovh_cloud_project_database"), {"kind": "own", "location": ["nodes.region"]})
        self.assertEqual(generate.classify(c, "ovh_me_identity_user")["kind"], "account")


if __name__ == "__main__":
    unittest.main()
