//! Network address functions (Terraform's `cidr.go`, built on `go-cidr`):
//! `cidrsubnet`, `cidrsubnets`, `cidrhost`, `cidrnetmask`, for IPv4 and
//! IPv6 alike. Prefixes are parsed and printed by the `ipnet` crate (IPv6 in
//! RFC 5952's short form, as Go prints it); the arithmetic is on the address
//! as a `u128`, with the messages Terraform gives.

use super::{arg, check_count, n, s};
use crate::eval::value::Val;
use crate::source::Span;
use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

type R = Result<Val, String>;

/// A prefix: its network address (host bits cleared) as a number, its length
/// and the address width (32 or 128).
#[derive(Clone, Copy)]
struct Prefix {
    addr: u128,
    len: u32,
    bits: u32,
}

impl Prefix {
    fn parse(text: &str) -> Result<Prefix, String> {
        let net: IpNet = text
            .parse()
            .map_err(|_| format!("invalid CIDR expression: invalid CIDR address: {text}"))?;
        let net = net.trunc();
        Ok(match net.network() {
            IpAddr::V4(a) => Prefix {
                addr: u128::from(u32::from(a)),
                len: u32::from(net.prefix_len()),
                bits: 32,
            },
            IpAddr::V6(a) => Prefix {
                addr: u128::from(a),
                len: u32::from(net.prefix_len()),
                bits: 128,
            },
        })
    }

    /// All ones in the host part of a prefix of length `len`.
    fn host_mask(&self, len: u32) -> u128 {
        let host = self.bits - len;
        if host == 128 {
            u128::MAX
        } else {
            (1u128 << host) - 1
        }
    }

    fn all(&self) -> u128 {
        self.host_mask(0)
    }

    fn ip(&self, addr: u128) -> String {
        if self.bits == 32 {
            Ipv4Addr::from(addr as u32).to_string()
        } else {
            Ipv6Addr::from(addr).to_string()
        }
    }

    fn net(&self, addr: u128, len: u32) -> String {
        let len = len as u8;
        if self.bits == 32 {
            Ipv4Net::new(Ipv4Addr::from(addr as u32), len).map(|n| n.to_string())
        } else {
            Ipv6Net::new(Ipv6Addr::from(addr), len).map(|n| n.to_string())
        }
        .unwrap_or_default()
    }
}

/// A whole number argument.
fn whole(v: &Val) -> Result<f64, String> {
    let x = n(v)?;
    if x.fract() != 0.0 || !x.is_finite() {
        return Err(format!("{x} is not a whole number"));
    }
    Ok(x)
}

/// `cidrsubnet(prefix, newbits, netnum)`: subnet `netnum` of the prefix
/// extended by `newbits` bits.
pub(super) fn cidrsubnet(a: &[Val], _: Span) -> R {
    let p = Prefix::parse(&s(arg(a, 0)?)?)?;
    let newbits = whole(arg(a, 1)?)?;
    let netnum = whole(arg(a, 2)?)?;
    if newbits < 0.0 || netnum < 0.0 {
        return Err("newbits and netnum must not be negative".into());
    }
    let len = f64::from(p.len) + newbits;
    if len > f64::from(p.bits) {
        return Err(format!(
            "insufficient address space to extend prefix of {} by {newbits}",
            p.len
        ));
    }
    let (newbits, len) = (newbits as u32, len as u32);
    let max = if newbits >= 64 {
        u64::MAX as f64
    } else {
        ((1u64 << newbits) - 1) as f64
    };
    if netnum > max {
        return Err(format!(
            "prefix extension of {newbits} does not accommodate a subnet numbered {netnum}"
        ));
    }
    let shift = p.bits - len;
    let num = netnum as u128;
    let addr = p.addr | if shift >= 128 { 0 } else { num << shift };
    Ok(Val::str(&p.net(addr & p.all(), len)))
}

/// `cidrhost(prefix, hostnum)`: host `hostnum` of the prefix, counted from
/// the end when negative.
pub(super) fn cidrhost(a: &[Val], _: Span) -> R {
    let p = Prefix::parse(&s(arg(a, 0)?)?)?;
    let host = whole(arg(a, 1)?)?;
    let max = p.host_mask(p.len);
    let too_big = || {
        format!(
            "prefix of {} does not accommodate a host numbered {host}",
            p.len
        )
    };
    let offset = if host < 0.0 {
        let back = (-host) as u128 - 1;
        if back > max {
            return Err(too_big());
        }
        max - back
    } else {
        if host >= 2f64.powi(p.bits as i32 - p.len as i32) {
            return Err(too_big());
        }
        host as u128
    };
    Ok(Val::str(&p.ip(p.addr | offset)))
}

/// `cidrnetmask(prefix)`: the dotted mask of an IPv4 prefix.
pub(super) fn cidrnetmask(a: &[Val], _: Span) -> R {
    let text = s(arg(a, 0)?)?;
    let p = Prefix::parse(&text)?;
    if p.bits != 32 {
        return Err(format!("IPv6 addresses cannot have a netmask: {text}"));
    }
    Ok(Val::str(&p.ip(p.all() & !p.host_mask(p.len))))
}

/// `cidrsubnets(prefix, newbits...)`: consecutive subnets of the given
/// extensions, each aligned after the previous one.
pub(super) fn cidrsubnets(a: &[Val], _: Span) -> R {
    let p = Prefix::parse(&s(arg(a, 0)?)?)?;
    check_count(a.len() - 1)?;
    let mut out = Vec::new();
    // The subnet before the first: the prefix's address minus one.
    let mut current: Option<(u128, u32)> = None;
    for (i, v) in a[1..].iter().enumerate() {
        let newbits = whole(v)?;
        if newbits < 1.0 {
            return Err(format!(
                "argument {}: must extend prefix by at least one bit",
                i + 2
            ));
        }
        if newbits > 32.0 {
            return Err(format!(
                "argument {}: may not extend prefix by more than 32 bits",
                i + 2
            ));
        }
        let len = p.len + newbits as u32;
        if len > p.bits {
            let v = if p.bits == 32 { "IPv4" } else { "IPv6" };
            return Err(format!(
                "argument {}: would extend prefix to {len} bits, which is too long for an {v} address",
                i + 2
            ));
        }
        let mask = p.all() & !p.host_mask(len);
        let (start, rollover) = match current {
            // go-cidr's NextSubnet: after the last address of the current
            // subnet, at the new length.
            Some((addr, cur_len)) => {
                let last = ((addr | p.host_mask(cur_len)) & mask) | p.host_mask(len);
                let next = last.wrapping_add(1) & p.all();
                (next, next == 0)
            }
            None => (p.addr & mask, false),
        };
        let inside = start & !p.host_mask(p.len) == p.addr;
        if rollover || !inside {
            let after = current.map_or_else(|| p.net(p.addr, p.len), |(a, l)| p.net(a, l));
            return Err(format!(
                "argument {}: not enough remaining address space for a subnet with a prefix of {len} bits after {after}",
                i + 2
            ));
        }
        current = Some((start, len));
        out.push(Val::str(&p.net(start, len)));
    }
    Ok(Val::list(out))
}

#[cfg(test)]
mod tests {
    use super::super::tests::{error_of, run, strs};
    use super::*;

    fn subnet(p: &str, newbits: f64, num: f64) -> Val {
        run(
            "cidrsubnet",
            vec![Val::str(p), Val::num(newbits), Val::num(num)],
        )
    }

    fn host(p: &str, num: f64) -> Val {
        run("cidrhost", vec![Val::str(p), Val::num(num)])
    }

    #[test]
    fn ipv4_as_before() {
        assert_eq!(subnet("10.1.0.0/16", 8.0, 2.0), Val::str("10.1.2.0/24"));
        assert_eq!(
            subnet("172.16.0.0/12", 4.0, 15.0),
            Val::str("172.31.0.0/16")
        );
        assert_eq!(host("10.12.112.0/20", 16.0), Val::str("10.12.112.16"));
        assert_eq!(host("10.0.0.0/24", -2.0), Val::str("10.0.0.254"));
        assert_eq!(host("10.0.0.0/24", -1.0), Val::str("10.0.0.255"));
        assert!(error_of(&subnet("10.0.0.0/30", 8.0, 1.0)).contains("insufficient address space"));
        assert!(error_of(&subnet("10.0.0.0/16", 2.0, 4.0)).contains("does not accommodate"));
        assert!(error_of(&host("10.0.0.0/24", 256.0)).contains("does not accommodate"));
        assert!(error_of(&host("10.0.0.0/24", -257.0)).contains("does not accommodate"));
        assert!(error_of(&host("10.0.0/24", 1.0)).contains("invalid CIDR"));
        assert_eq!(
            run("cidrnetmask", vec![Val::str("172.16.0.0/12")]),
            Val::str("255.240.0.0")
        );
    }

    /// The examples of Terraform's documentation and tests.
    #[test]
    fn ipv6_as_terraform() {
        assert_eq!(
            subnet("fd00:fd12:3456:7890::/56", 16.0, 162.0),
            Val::str("fd00:fd12:3456:7800:a200::/72")
        );
        assert_eq!(subnet("fd00::/8", 8.0, 1.0), Val::str("fd01::/16"));
        assert_eq!(
            subnet("2001:db8::/32", 32.0, 1.0),
            Val::str("2001:db8:0:1::/64")
        );
        assert_eq!(
            host("fd00:fd12:3456:7890:00a2::/72", 34.0),
            Val::str("fd00:fd12:3456:7890::22")
        );
        assert_eq!(
            host("2001:db8::/64", -1.0),
            Val::str("2001:db8::ffff:ffff:ffff:ffff")
        );
        assert_eq!(host("::/0", 1.0), Val::str("::1"));
        assert!(error_of(&run("cidrnetmask", vec![Val::str("fd00::/8")])).contains("IPv6"));
    }

    #[test]
    fn cidrsubnets_as_terraform() {
        assert_eq!(
            run(
                "cidrsubnets",
                vec![
                    Val::str("10.1.0.0/16"),
                    Val::num(4.0),
                    Val::num(4.0),
                    Val::num(8.0),
                    Val::num(4.0)
                ]
            ),
            strs(&[
                "10.1.0.0/20",
                "10.1.16.0/20",
                "10.1.32.0/24",
                "10.1.48.0/20"
            ])
        );
        assert_eq!(
            run(
                "cidrsubnets",
                vec![
                    Val::str("fd00:fd12:3456:7890::/56"),
                    Val::num(16.0),
                    Val::num(16.0),
                    Val::num(16.0),
                    Val::num(32.0)
                ]
            ),
            strs(&[
                "fd00:fd12:3456:7800::/72",
                "fd00:fd12:3456:7800:100::/72",
                "fd00:fd12:3456:7800:200::/72",
                "fd00:fd12:3456:7800:300::/88",
            ])
        );
        assert_eq!(
            run("cidrsubnets", vec![Val::str("10.0.0.0/8")]),
            Val::list(vec![])
        );
        let e = error_of(&run(
            "cidrsubnets",
            vec![
                Val::str("10.0.0.0/30"),
                Val::num(1.0),
                Val::num(1.0),
                Val::num(1.0),
            ],
        ));
        assert!(e.contains("not enough remaining address space"), "{e}");
        let e = error_of(&run(
            "cidrsubnets",
            vec![Val::str("10.0.0.0/8"), Val::num(33.0)],
        ));
        assert!(e.contains("more than 32 bits"), "{e}");
    }
}
