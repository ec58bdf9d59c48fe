//! Where a delivery may go: `https` to public addresses; private, loopback and link-local
//! targets (and plain `http`) only when `webhooks.allow_private_targets` is set. Checked when a
//! webhook is saved and again, on the resolved addresses, at every delivery.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use url::{Host, Url};

const URL_MAX: usize = 2048;

/// Whether `ip` is on the public internet: not loopback, private, link-local, shared (CGNAT),
/// unspecified, multicast, broadcast or reserved — also when wrapped in an IPv6 address.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let o = ip.octets();
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || o[0] == 0
        || (o[0] == 100 && (o[1] & 0xc0) == 64)
        || (o[0] == 192 && o[1] == 0 && o[2] == 0)
        || (o[0] == 198 && (o[1] & 0xfe) == 18)
        || o[0] >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    let s = ip.segments();
    let embedded =
        |hi: u16, lo: u16| Ipv4Addr::new((hi >> 8) as u8, hi as u8, (lo >> 8) as u8, lo as u8);
    if s[0] == 0x64 && s[1] == 0xff9b {
        return is_public_v4(embedded(s[6], s[7])); // NAT64
    }
    if s[0] == 0x2002 {
        return is_public_v4(embedded(s[1], s[2])); // 6to4
    }
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || s[..6].iter().all(|&x| x == 0) // IPv4-compatible (deprecated)
        || (s[0] & 0xfe00) == 0xfc00 // unique local
        || (s[0] & 0xffc0) == 0xfe80 // link-local
        || (s[0] & 0xffc0) == 0xfec0 // site-local (deprecated)
        || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
        || (s[0] == 0x2001 && s[1] == 0)) // Teredo
}

/// Whether a delivery may connect to `ip`: `https` to public addresses always, to any address
/// when private targets are allowed; plain `http` only to non-public addresses, and only then.
pub fn address_allowed(ip: IpAddr, https: bool, allow_private: bool) -> bool {
    if https {
        allow_private || is_public(ip)
    } else {
        allow_private && !is_public(ip)
    }
}

/// Why a delivery may not connect to `ip`, as a phrase starting with the address.
fn refusal(ip: IpAddr, https: bool, allow_private: bool) -> Option<String> {
    if address_allowed(ip, https, allow_private) {
        return None;
    }
    if !https && is_public(ip) {
        return Some(format!(
            "{ip}, a public address, over plain http:// (only private targets may use http://)"
        ));
    }
    let canonical = ip.to_canonical();
    let kind = if canonical.is_loopback() {
        "loopback"
    } else if matches!(canonical, IpAddr::V4(v4) if v4.is_link_local())
        || matches!(canonical, IpAddr::V6(v6) if (v6.segments()[0] & 0xffc0) == 0xfe80)
    {
        "link-local"
    } else {
        "private or reserved"
    };
    Some(format!(
        "{ip}, a {kind} address (webhooks may only reach public addresses)"
    ))
}

/// A webhook host: an address given literally (or `localhost`), or a name to resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Address(IpAddr),
    Name(String),
}

/// Checks what the URL alone tells: a valid `https://` (or permitted `http://`) URL with a
/// host and no credentials, whose literal address (or `localhost`) may be reached.
pub fn parse_target(raw: &str, allow_private: bool) -> std::result::Result<(Url, Target), String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err("must not be empty".into());
    }
    if raw.len() > URL_MAX {
        return Err(format!("must be at most {URL_MAX} characters"));
    }
    let url = Url::parse(raw).map_err(|e| format!("is not a valid URL ({e})"))?;
    let https = match url.scheme() {
        "https" => true,
        "http" if allow_private => false,
        "http" => return Err("must be an https:// URL".into()),
        other => return Err(format!("must be an https:// URL, not {other}://")),
    };
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not contain credentials".into());
    }
    let target = match url.host() {
        None => return Err("must name a host".into()),
        Some(Host::Ipv4(ip)) => Target::Address(IpAddr::V4(ip)),
        Some(Host::Ipv6(ip)) => Target::Address(IpAddr::V6(ip)),
        Some(Host::Domain(name)) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            if name == "localhost" || name.ends_with(".localhost") {
                Target::Address(IpAddr::V4(Ipv4Addr::LOCALHOST))
            } else {
                Target::Name(name)
            }
        }
    };
    if let Target::Address(ip) = target
        && let Some(why) = refusal(ip, https, allow_private)
    {
        return Err(format!("targets {why}"));
    }
    Ok((url, target))
}

/// Resolves a host name, within a few seconds.
pub async fn resolve(host: &str) -> std::result::Result<Vec<SocketAddr>, String> {
    match tokio::time::timeout(
        Duration::from_secs(5),
        tokio::net::lookup_host((host, 0u16)),
    )
    .await
    {
        Err(_) => Err(format!("{host} could not be resolved in time")),
        Ok(Err(e)) => Err(format!("{host} could not be resolved ({e})")),
        Ok(Ok(addrs)) => {
            let addrs: Vec<SocketAddr> = addrs.collect();
            if addrs.is_empty() {
                Err(format!("{host} resolves to no address"))
            } else {
                Ok(addrs)
            }
        }
    }
}

/// The resolved addresses of `host` a delivery may connect to; an error when there are none.
pub fn permitted(
    host: &str,
    addrs: Vec<SocketAddr>,
    https: bool,
    allow_private: bool,
) -> std::result::Result<Vec<SocketAddr>, String> {
    let (ok, refused): (Vec<SocketAddr>, Vec<SocketAddr>) = addrs
        .into_iter()
        .partition(|a| address_allowed(a.ip(), https, allow_private));
    if ok.is_empty() {
        let why = refused
            .first()
            .and_then(|a| refusal(a.ip(), https, allow_private))
            .unwrap_or_default();
        return Err(format!("{host} resolves to {why}"));
    }
    Ok(ok)
}

/// The whole check of a webhook URL at create and update time: the URL, then every address
/// its host name resolves to.
pub async fn check_target(raw: &str, allow_private: bool) -> std::result::Result<Url, String> {
    let (url, target) = parse_target(raw, allow_private)?;
    if let Target::Name(host) = &target {
        let https = url.scheme() == "https";
        for addr in resolve(host).await? {
            if let Some(why) = refusal(addr.ip(), https, allow_private) {
                return Err(format!("names {host}, which resolves to {why}"));
            }
        }
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn private_loopback_and_link_local_addresses_are_not_public() {
        for a in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fe80::1",
            "fc00::1",
            "fd12::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2002:c0a8:0101::1",
        ] {
            assert!(!is_public(ip(a)), "{a}");
        }
        for a in [
            "93.184.215.14",
            "8.8.8.8",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
            "172.32.0.1",
        ] {
            assert!(is_public(ip(a)), "{a}");
        }
    }

    #[test]
    fn urls_are_checked_before_any_lookup() {
        let ok = |u: &str, private: bool| parse_target(u, private).map(|(_, t)| t);
        assert_eq!(
            ok("https://93.184.215.14/hook", false),
            Ok(Target::Address(ip("93.184.215.14")))
        );
        assert_eq!(
            ok("https://Hooks.Example.com./x", false),
            Ok(Target::Name("hooks.example.com".into()))
        );
        assert!(ok("http://127.0.0.1:9000/h", true).is_ok());
        assert!(ok("https://127.0.0.1:9000/h", true).is_ok());
        for (u, private) in [
            ("ftp://example.com/x", true),
            ("http://example.com/x", false),
            ("http://93.184.215.14/x", true),
            ("https://127.0.0.1/x", false),
            ("https://2130706433/x", false),
            ("https://10.0.0.8/x", false),
            ("https://169.254.169.254/latest", false),
            ("https://localhost/x", false),
            ("https://api.localhost/x", false),
            ("https://[::1]/x", false),
            ("https://[::ffff:192.168.0.1]/x", false),
            ("https://user:pw@example.com/x", false),
            ("not a url", true),
            ("", true),
        ] {
            assert!(ok(u, private).is_err(), "{u} (private allowed: {private})");
        }
    }

    #[test]
    fn resolved_addresses_are_filtered() {
        let addrs = |list: &[&str]| {
            list.iter()
                .map(|a| SocketAddr::new(ip(a), 443))
                .collect::<Vec<_>>()
        };
        let got = permitted("h", addrs(&["10.0.0.1", "93.184.215.14"]), true, false).unwrap();
        assert_eq!(got, addrs(&["93.184.215.14"]));
        let err = permitted("rebind.example", addrs(&["127.0.0.1"]), true, false).unwrap_err();
        assert!(err.contains("loopback"), "{err}");
        assert!(permitted("h", addrs(&["127.0.0.1"]), true, true).is_ok());
        assert!(
            permitted("h", addrs(&["93.184.215.14"]), false, true).is_err(),
            "plain http to a public address"
        );
        assert!(permitted("h", addrs(&["127.0.0.1"]), false, false).is_err());
    }
}
