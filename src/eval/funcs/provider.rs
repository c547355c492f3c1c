//! Provider-defined functions met around regions: the AWS provider's
//! `provider::aws::arn_parse` and `arn_build`.

use super::{arg, s};
use crate::eval::value::Val;
use crate::source::Span;
use std::collections::BTreeMap;

type R = Result<Val, String>;

/// `arn:partition:service:region:account-id:resource`.
pub(super) fn arn_parse(a: &[Val], _: Span) -> R {
    let text = s(arg(a, 0)?)?;
    let parts: Vec<&str> = text.splitn(6, ':').collect();
    if parts.len() != 6 || parts[0] != "arn" {
        return Err(format!("{text:?} is not an ARN"));
    }
    Ok(Val::map(BTreeMap::from([
        ("partition".to_string(), Val::str(parts[1])),
        ("service".to_string(), Val::str(parts[2])),
        ("region".to_string(), Val::str(parts[3])),
        ("account_id".to_string(), Val::str(parts[4])),
        ("resource".to_string(), Val::str(parts[5])),
    ])))
}

pub(super) fn arn_build(a: &[Val], _: Span) -> R {
    let p: Vec<String> = (0..5).map(|i| s(arg(a, i)?)).collect::<Result<_, _>>()?;
    Ok(Val::str(&format!("arn:{}", p.join(":"))))
}

#[cfg(test)]
mod tests {
    use super::super::tests::run;
    use super::*;
    use crate::eval::value::V;

    #[test]
    fn arns() {
        let p = run(
            "provider::aws::arn_parse",
            vec![Val::str("arn:aws:kms:eu-west-3:123456789012:key/a:b")],
        );
        let V::Map(m) = &p.v else { panic!() };
        assert_eq!(m["region"], Val::str("eu-west-3"));
        assert_eq!(m["resource"], Val::str("key/a:b"));
        let b = run(
            "provider::aws::arn_build",
            ["aws", "s3", "", "", "bucket"].map(Val::str).to_vec(),
        );
        assert_eq!(b, Val::str("arn:aws:s3:::bucket"));
        assert!(run("provider::aws::arn_parse", vec![Val::str("nope")]).is_unknown());
    }
}
