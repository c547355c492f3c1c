//! Bad input never panics and never hides the rest: every broken file is a
//! CRC000 at its place, every good file is still checked.

use std::path::{Path, PathBuf};
use std::process::Command;

fn tree() -> PathBuf {
    let d = std::env::temp_dir().join(format!("cercle-bad-input-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(d.join("a")).unwrap();
    std::fs::create_dir_all(d.join("b")).unwrap();
    let w = |p: &str, bytes: &[u8]| std::fs::write(d.join(p), bytes).unwrap();
    w("main.tf", b"provider \"aws\" {\n  region = \"eu-west-3\"\n}\n\nresource \"aws_s3_bucket\" \"ok\" {}\n");
    w("empty.tf", b"");
    w("blank.tf", b"  \n\n\t\n");
    w("empty.tf.json", b"");
    let mut bin = vec![0u8, 159, 146, 150];
    bin.extend((0..4000u32).map(|i| (i * 7919 % 251) as u8));
    w("binary.tf", &bin);
    w("utf8.tf", b"locals {\n  x = \"a\xff\xfeb\"\n}\n");
    let deep = format!(
        "locals {{\n  deep = {}{}\n}}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    w("deep.tf", deep.as_bytes());
    let deep_json = format!(
        "{{\"locals\": {{\"d\": {}{}}}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    w("deep.tf.json", deep_json.as_bytes());
    let nested = format!(
        "locals {{\n  p = {}1{}\n  c = {}1{}\n}}\n",
        "(".repeat(10_000),
        ")".repeat(10_000),
        "true ? ".repeat(10_000),
        " : 2".repeat(10_000)
    );
    w("nested.tf", nested.as_bytes());
    w(
        "unterminated.tf",
        b"resource \"aws_s3_bucket\" \"x\" {\n  bucket = \"oops\n}\n",
    );
    w(
        "crlf.tf",
        "\u{feff}resource \"aws_s3_bucket\" \"crlf\" {\r\n  bucket = \"é\"\r\n}\r\n".as_bytes(),
    );
    // A valid expression nested 40 levels deep evaluates.
    let ok_deep = format!(
        "locals {{\n  r = {}\"eu-west-3\"{}\n}}\n\nresource \"aws_sqs_queue\" \"deep\" {{\n  region = local.r[0]\n}}\n",
        "[".repeat(40),
        "]".repeat(40).replacen(']', "][0]", 0)
    );
    let _ = ok_deep;
    w("valid-deep.tf", format!("locals {{\n  r = {}\"eu-west-3\"{}\n}}\n\nresource \"aws_sqs_queue\" \"deep\" {{\n  region = lower(upper(lower(local.r)))\n}}\n", "(".repeat(40), ")".repeat(40)).as_bytes());
    #[cfg(unix)]
    {
        let _ = std::os::unix::fs::symlink(".", d.join("loop"));
        let _ = std::os::unix::fs::symlink("../b", d.join("a/b"));
        let _ = std::os::unix::fs::symlink("../a", d.join("b/a"));
    }
    d
}

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cercle"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn every_bad_file_is_a_crc000_and_the_rest_is_checked() {
    let d = tree();
    let (code, out, err) = run(&d, &["check", ".", "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    assert!(!err.contains("panicked"), "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let crc000: Vec<(String, u64)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "CRC000")
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    for (file, line) in [
        ("binary.tf", 1),
        ("utf8.tf", 2),
        ("deep.tf", 2),
        ("deep.tf.json", 1),
        ("empty.tf.json", 1),
        ("unterminated.tf", 2),
    ] {
        assert!(
            crc000.iter().any(|(f, l)| f == file && *l == line as u64),
            "no CRC000 at {file}:{line} in {crc000:?}"
        );
        // 10,000 levels of parentheses and of conditionals are valid HCL
        // (Terraform reads them; hcl-edit stopped at 64): no CRC000.
        assert!(!crc000.iter().any(|(f, _)| f == "nested.tf"), "{crc000:?}");
    }
    assert!(
        crc000
            .iter()
            .any(|(f, _)| f == "loop" || f.starts_with("a/") || f.starts_with("b/")),
        "symlink loops: {crc000:?}"
    );
    for good in [
        "empty.tf",
        "blank.tf",
        "crlf.tf",
        "main.tf",
        "valid-deep.tf",
    ] {
        assert!(
            !crc000.iter().any(|(f, _)| f == good),
            "{good} is valid: {crc000:?}"
        );
    }
    let (_, inv, _) = run(&d, &["inventory", ".", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&inv).unwrap();
    let regions = |addr: &str| {
        v["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["address"] == addr)
            .map(|r| r["regions"].clone())
    };
    assert_eq!(
        regions("aws_s3_bucket.ok"),
        Some(serde_json::json!(["eu-west-3"]))
    );
    assert_eq!(
        regions("aws_s3_bucket.crlf"),
        Some(serde_json::json!(["eu-west-3"]))
    );
    assert_eq!(
        regions("aws_sqs_queue.deep"),
        Some(serde_json::json!(["eu-west-3"]))
    );
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn a_ten_megabyte_file_is_read_whole() {
    let d = std::env::temp_dir().join(format!("cercle-big-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    let mut text = String::from("provider \"aws\" {\n  region = \"eu-west-3\"\n}\n");
    let mut n = 0;
    while text.len() < 10 << 20 {
        text.push_str(&format!(
            "\nresource \"aws_s3_bucket\" \"b{n}\" {{\n  bucket = \"bucket-{n}\"\n  tags = {{\n    Name = \"b{n}\"\n    Team = \"platform\"\n  }}\n}}\n"
        ));
        n += 1;
    }
    std::fs::write(d.join("big.tf"), &text).unwrap();
    let (code, out, err) = run(&d, &["inventory", ".", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["resources"].as_array().unwrap().len(), n);
    let _ = std::fs::remove_dir_all(&d);
}
