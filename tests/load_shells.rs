//! The first loading pass skims files whose shell is empty (only resources,
//! outputs, providers...) without parsing them: a syntax error inside such a
//! file is found only when its module is parsed in full. It must still be
//! reported as if the first pass had seen it: one CRC000, with the parser's
//! message, line and column, and the file's blocks not read.

mod common;

use cercle::parse::hcl;
use cercle::source::SourceFile;
use std::path::Path;

/// A root calling a shared module; a second root whose only file is broken.
/// Every broken file has balanced braces, so the skimmer takes it.
const TREE: &[(&str, &str)] = &[
    (
        "live/main.tf",
        "provider \"aws\" {\n  region = \"eu-west-3\"\n}\n\nmodule \"shared\" {\n  source = \"../modules/shared\"\n}\n\nresource \"aws_s3_bucket\" \"ok\" {}\n",
    ),
    (
        "live/broken.tf",
        "# head\nresource \"aws_sqs_queue\" \"bad\" {\n  name = = \"x\"\n}\n\nresource \"aws_sqs_queue\" \"lost\" {}\n",
    ),
    (
        "modules/shared/main.tf",
        "resource \"aws_sns_topic\" \"t\" {}\n",
    ),
    (
        "modules/shared/bad.tf",
        "output \"o\" {\n  value = [\"é\",, 2]\n}\n\nresource \"aws_sns_topic\" \"lost\" {}\n",
    ),
    (
        "only-broken/main.tf",
        "resource \"aws_s3_bucket\" \"b\" {\n  x = 1 +\n}\n",
    ),
];

/// The files of [`TREE`] with a syntax error.
const BROKEN: &[&str] = &[
    "live/broken.tf",
    "modules/shared/bad.tf",
    "only-broken/main.tf",
];

/// Where the parser stops in `text`: (message, line, column).
fn parse_error(path: &str, text: &str) -> (String, u64, u64) {
    let e = hcl::parse_body(text, 0).expect_err(path);
    let file = SourceFile::new(0, path.into(), path.to_string(), text.into());
    let at = file.position(e.offset as u32);
    (e.message, at.line as u64, at.column as u64)
}

fn write_tree(dir: &Path) {
    for (path, text) in TREE {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

#[test]
fn syntax_errors_in_skimmed_files_are_crc000_at_their_place() {
    let dir = common::tempdir("load-shells", "errors");
    write_tree(&dir);
    let mut outputs = Vec::new();
    for threads in ["1", "2"] {
        let (code, out, err) = common::run(
            &dir,
            &["check", ".", "--format", "json", "--threads", threads],
        );
        assert_eq!(code, 1, "{err}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let crc000: Vec<(String, String, u64, u64)> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["code"] == "CRC000")
            .map(|f| {
                (
                    f["file"].as_str().unwrap().to_string(),
                    f["message"].as_str().unwrap().to_string(),
                    f["line"].as_u64().unwrap(),
                    f["column"].as_u64().unwrap(),
                )
            })
            .collect();
        let mut expected: Vec<(String, String, u64, u64)> = TREE
            .iter()
            .filter(|(path, _)| BROKEN.contains(path))
            .map(|(path, text)| {
                let (message, line, column) = parse_error(path, text);
                (path.to_string(), message, line, column)
            })
            .collect();
        expected.sort();
        let mut got = crc000;
        got.sort();
        assert_eq!(got, expected, "threads {threads}");
        // A module whose only file is broken has no configuration files.
        assert_eq!(v["summary"]["modules"], 2, "threads {threads}");
        outputs.push(out);
    }
    assert_eq!(
        outputs[0], outputs[1],
        "the thread count changed the report"
    );
    // The broken files' blocks are not read.
    let (_, inv, err) = common::run(&dir, &["inventory", ".", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&inv).expect(&err);
    let addresses: Vec<&str> = v["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["address"].as_str().unwrap())
        .collect();
    assert!(addresses.contains(&"aws_s3_bucket.ok"), "{addresses:?}");
    assert!(
        addresses.contains(&"module.shared.aws_sns_topic.t"),
        "{addresses:?}"
    );
    assert!(
        !addresses.iter().any(|a| a.contains("lost")),
        "{addresses:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
