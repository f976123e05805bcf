//! Networks and the reverse proxies whose `X-Forwarded-For` is believed: parsed from the
//! settings, used by the rate limits to find the address a request comes from (see
//! `http::client_addr`).

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

/// One trusted address or network, like `10.0.0.5`, `10.0.0.0/8` or `fd00::/8`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Network {
    base: IpAddr,
    prefix: u8,
}

impl Network {
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.base, canonical(ip)) {
            (IpAddr::V4(base), IpAddr::V4(ip)) => {
                masked(u32::from(base).into(), 32, self.prefix)
                    == masked(u32::from(ip).into(), 32, self.prefix)
            }
            (IpAddr::V6(base), IpAddr::V6(ip)) => {
                masked(u128::from(base), 128, self.prefix)
                    == masked(u128::from(ip), 128, self.prefix)
            }
            _ => false,
        }
    }
}

/// The top `prefix` bits of a `width`-bit address.
pub(crate) fn masked(bits: u128, width: u8, prefix: u8) -> u128 {
    if prefix == 0 {
        0
    } else {
        bits >> (width - prefix)
    }
}

/// An IPv4 address written as IPv6 (`::ffff:10.0.0.1`, as a dual-stack socket reports it) is
/// the IPv4 address.
pub(crate) fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

impl FromStr for Network {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let (addr, prefix) = match s.split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (s, None),
        };
        let base = canonical(
            addr.parse::<IpAddr>()
                .map_err(|_| format!("{s:?} is not an IP address or network like 10.0.0.0/8"))?,
        );
        let width = if base.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => width,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= width)
                .ok_or_else(|| format!("{s:?}: the prefix after / must be 0 to {width}"))?,
        };
        Ok(Network { base, prefix })
    }
}

impl fmt::Display for Network {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.base, self.prefix)
    }
}

/// The reverse proxies whose `X-Forwarded-For` is believed. Empty by default: the peer address
/// is the client.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<Network>);

impl TrustedProxies {
    pub fn new(networks: Vec<Network>) -> TrustedProxies {
        TrustedProxies(networks)
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|n| n.contains(ip))
    }

    /// The client's address: the peer, unless the peer is a trusted proxy. `forwarded_for` are
    /// the request's `X-Forwarded-For` header values, in the order they came.
    pub fn client<'a>(
        &self,
        peer: IpAddr,
        forwarded_for: impl IntoIterator<Item = &'a str>,
    ) -> IpAddr {
        let peer = canonical(peer);
        if !self.trusts(peer) {
            return peer;
        }
        let mut hops = forwarded_for
            .into_iter()
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect::<Vec<_>>();
        hops.reverse();
        for hop in hops {
            match hop.parse::<IpAddr>() {
                Ok(ip) if self.trusts(ip) => continue,
                Ok(ip) => return canonical(ip),
                // Garbage in the chain: what lies left of it cannot be believed either. The
                // last trusted hop is the best address there is.
                Err(_) => break,
            }
        }
        peer
    }
}

impl FromStr for TrustedProxies {
    type Err = String;

    /// A comma-separated list; empty means none.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.split(',')
            .filter(|part| !part.trim().is_empty())
            .map(Network::from_str)
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    /// The values of `X-Forwarded-For` headers, as a request carries them.
    fn forwarded<'a>(values: &[&'a str]) -> Vec<&'a str> {
        values.to_vec()
    }

    #[test]
    fn networks_parse_and_match_by_prefix() {
        let net: Network = "10.1.0.0/16".parse().unwrap();
        assert!(net.contains(ip("10.1.200.3")));
        assert!(!net.contains(ip("10.2.0.1")));
        assert!(net.contains(ip("::ffff:10.1.0.9")), "IPv4 written as IPv6");
        let one: Network = "192.0.2.7".parse().unwrap();
        assert!(one.contains(ip("192.0.2.7")) && !one.contains(ip("192.0.2.8")));
        let v6: Network = "fd00::/8".parse().unwrap();
        assert!(v6.contains(ip("fd12::1")) && !v6.contains(ip("fe80::1")));
        let all: Network = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains(ip("203.0.113.1")) && !all.contains(ip("::1")));
        for bad in [
            "10.0.0.0/33",
            "proxy.example",
            "10.0.0.0/",
            "::/129",
            "10.0.0.0/-1",
        ] {
            assert!(bad.parse::<Network>().is_err(), "{bad} is refused");
        }
    }

    #[test]
    fn a_list_may_be_empty_or_comma_separated() {
        assert_eq!(
            "".parse::<TrustedProxies>().unwrap(),
            TrustedProxies::default()
        );
        let list: TrustedProxies = " 10.0.0.1 , fd00::/8".parse().unwrap();
        assert_eq!(list.0.len(), 2);
        assert!("10.0.0.1,nonsense".parse::<TrustedProxies>().is_err());
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        let none = TrustedProxies::default();
        let headers = forwarded(&["198.51.100.1"]);
        assert_eq!(
            none.client(ip("203.0.113.9"), headers.iter().copied()),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn an_untrusted_peer_cannot_choose_its_address() {
        let proxies: TrustedProxies = "10.0.0.0/8".parse().unwrap();
        let headers = forwarded(&["198.51.100.1"]);
        assert_eq!(
            proxies.client(ip("203.0.113.9"), headers.iter().copied()),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn behind_a_trusted_proxy_the_right_most_untrusted_hop_is_the_client() {
        let proxies: TrustedProxies = "10.0.0.0/8".parse().unwrap();
        // The client wrote a forged first entry; the proxy appended the real address.
        let headers = forwarded(&["1.2.3.4, 198.51.100.1", "10.0.0.3"]);
        assert_eq!(
            proxies.client(ip("10.0.0.2"), headers.iter().copied()),
            ip("198.51.100.1")
        );
        let plain = forwarded(&["198.51.100.1"]);
        assert_eq!(
            proxies.client(ip("10.0.0.2"), plain.iter().copied()),
            ip("198.51.100.1")
        );
    }

    #[test]
    fn a_trusted_proxy_without_a_usable_header_is_its_own_client() {
        let proxies: TrustedProxies = "10.0.0.0/8".parse().unwrap();
        assert_eq!(
            proxies.client(ip("10.0.0.2"), Vec::<&str>::new()),
            ip("10.0.0.2")
        );
        let garbage = forwarded(&["198.51.100.1, not-an-address"]);
        assert_eq!(
            proxies.client(ip("10.0.0.2"), garbage.iter().copied()),
            ip("10.0.0.2")
        );
    }
}
