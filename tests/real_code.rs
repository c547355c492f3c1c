//! Cases from real Terraform/OpenTofu that are not valid enough, or too
//! environment-dependent, for a fixture: a project is written in a scratch
//! directory and its inventory read back.

mod common;
use common::{run, tempdir};

fn inventory(dir: &std::path::Path) -> serde_json::Value {
    let (code, out, err) = run(dir, &["inventory", ".", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("panicked"), "{err}");
    serde_json::from_str(&out).unwrap()
}

fn resource<'a>(inv: &'a serde_json::Value, addr: &str) -> &'a serde_json::Value {
    inv["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == addr)
        .unwrap_or_else(|| panic!("{addr} not in {inv}"))
}

#[test]
fn a_provider_key_its_for_each_does_not_have_is_unresolved_not_every_instance() {
    let d = tempdir("real_code", "missing-provider-key");
    std::fs::write(
        d.join("main.tf"),
        r#"
provider "aws" {
  alias    = "by_region"
  for_each = toset(["eu-west-3", "us-east-1"])
  region   = each.value
}
resource "aws_sns_topic" "t" {
  provider = aws.by_region["ap-south-1"]
  name     = "t"
}
"#,
    )
    .unwrap();
    let inv = inventory(&d);
    let r = resource(&inv, "aws_sns_topic.t");
    assert_eq!(r["regions"], serde_json::json!([]));
    let why = r["unresolved"].as_str().unwrap();
    assert!(why.contains("no instance \"ap-south-1\""), "{why}");
}

#[test]
fn files_that_cannot_be_read_leave_the_value_unknown() {
    let d = tempdir("real_code", "unreadable-files");
    std::fs::create_dir_all(d.join("config")).unwrap();
    std::fs::write(d.join("config/binary.bin"), [0xff, 0xfe, 0x00]).unwrap();
    std::fs::write(
        d.join("main.tf"),
        r#"
provider "aws" {
  region = "eu-west-3"
}
resource "aws_sqs_queue" "missing" {
  region = trimspace(file("${path.module}/config/nope.txt"))
}
resource "aws_sqs_queue" "dir" {
  region = file("${path.module}/config")
}
resource "aws_sqs_queue" "binary" {
  region = file("config/binary.bin")
}
resource "aws_sqs_queue" "home" {
  region = file("~/.aws/region")
}
resource "aws_sqs_queue" "environ" {
  region = file("/proc/self/environ")
}
"#,
    )
    .unwrap();
    let inv = inventory(&d);
    for name in ["missing", "dir", "binary", "home", "environ"] {
        let r = resource(&inv, &format!("aws_sqs_queue.{name}"));
        assert_eq!(r["regions"], serde_json::json!([]), "{name}");
        assert!(r["unresolved"].is_string(), "{name}: {r}");
    }
}

#[test]
fn an_early_evaluated_source_the_command_line_changes_is_not_guessed() {
    let d = tempdir("real_code", "early-source-var");
    std::fs::create_dir_all(d.join("modules/a")).unwrap();
    std::fs::write(
        d.join("modules/a/main.tf"),
        "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"b\"\n}\n",
    )
    .unwrap();
    std::fs::write(
        d.join("main.tf"),
        r#"
variable "src" {
  default = "./modules/a"
}
provider "aws" {
  region = "eu-west-3"
}
module "m" {
  source = var.src
}
"#,
    )
    .unwrap();
    let inv = inventory(&d);
    let r = resource(&inv, "module.m.aws_s3_bucket.b");
    assert_eq!(r["regions"], serde_json::json!(["eu-west-3"]));
    // `--var src=...` changes the source: the default is not used.
    let (code, out, err) = run(
        &d,
        &[
            "inventory",
            ".",
            "--format",
            "json",
            "--var",
            "src=./modules/b",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let inv: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(
        inv["resources"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["address"] != "module.m.aws_s3_bucket.b"),
        "{inv}"
    );
}
