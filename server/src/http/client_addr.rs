//! The address a request comes from, for the in-memory rate limits (wrong codes, sign-ins).
//!
//! Behind a reverse proxy every request arrives from the proxy, so all children would share one
//! counter and a few mistyped codes in one place would lock out the whole country. When the
//! peer is a trusted proxy (`--trusted-proxies`), the address is taken from `X-Forwarded-For`
//! instead: the right-most entry that is not itself a trusted proxy, since entries further left
//! are written by the client and can be forged. The address is only ever held in memory by the
//! limiters: it is never logged or stored.

use crate::startup::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use std::fmt;
use std::net::{IpAddr, SocketAddr};
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
fn masked(bits: u128, width: u8, prefix: u8) -> u128 {
    if prefix == 0 {
        0
    } else {
        bits >> (width - prefix)
    }
}

/// An IPv4 address written as IPv6 (`::ffff:10.0.0.1`, as a dual-stack socket reports it) is
/// the IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
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

    /// The client's address: the peer, unless the peer is a trusted proxy.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = canonical(peer);
        if !self.trusts(peer) {
            return peer;
        }
        let mut hops = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
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

/// The client's address, for rate limits only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

/// IPv6 sources are counted per network of this size. One household, school or mobile
/// subscriber gets a whole /64 or more (often a /56 or /48) and can send from any address in
/// it, so counting per address would give one guesser 2^64 fresh counters.
const IPV6_SOURCE_PREFIX: u8 = 56;

impl ClientAddr {
    /// The key a rate limiter counts under: the IPv4 address, or the IPv6 /56 network.
    pub fn key(&self) -> String {
        match canonical(self.0) {
            IpAddr::V6(v6) => {
                let network =
                    masked(u128::from(v6), 128, IPV6_SOURCE_PREFIX) << (128 - IPV6_SOURCE_PREFIX);
                format!("{}/{IPV6_SOURCE_PREFIX}", std::net::Ipv6Addr::from(network))
            }
            v4 => v4.to_string(),
        }
    }
}

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = (StatusCode, &'static str);

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip())
            .ok_or((
                StatusCode::INTERNAL_SERVER_ERROR,
                "The server was started without peer addresses.",
            ))?;
        Ok(ClientAddr(
            state.trusted_proxies.client(peer, &parts.headers),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        }
        headers
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
    fn an_ipv6_source_is_counted_per_network_and_ipv4_per_address() {
        let key = |s: &str| ClientAddr(ip(s)).key();
        assert_eq!(key("2001:db8:1:2a00::1"), "2001:db8:1:2a00::/56");
        assert_eq!(
            key("2001:db8:1:2aff:ffff:ffff:ffff:fff0"),
            key("2001:db8:1:2a00::1"),
            "every address of one /56 is one source"
        );
        assert_ne!(key("2001:db8:1:2b00::1"), key("2001:db8:1:2a00::1"));
        assert_eq!(key("203.0.113.9"), "203.0.113.9");
        assert_ne!(key("203.0.113.9"), key("203.0.113.10"));
        assert_eq!(
            key("::ffff:203.0.113.9"),
            "203.0.113.9",
            "IPv4 written as IPv6"
        );
        assert_eq!(key("::1"), "::/56");
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        let none = TrustedProxies::default();
        let headers = forwarded(&["198.51.100.1"]);
        assert_eq!(none.client(ip("203.0.113.9"), &headers), ip("203.0.113.9"));
    }

    #[test]
    fn an_untrusted_peer_cannot_choose_its_address() {
        let proxies: TrustedProxies = "10.0.0.0/8".parse().unwrap();
        let headers = forwarded(&["198.51.100.1"]);
        assert_eq!(
            proxies.client(ip("203.0.113.9"), &headers),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn behind_a_trusted_proxy_the_right_most_untrusted_hop_is_the_client() {
        let proxies: TrustedProxies = "10.0.0.0/8".parse().unwrap();
        // The client wrote a forged first entry; the proxy appended the real address.
        let headers = forwarded(&["1.2.3.4, 198.51.100.1", "10.0.0.3"]);
        assert_eq!(proxies.client(ip("10.0.0.2"), &headers), ip("198.51.100.1"));
        let plain = forwarded(&["198.51.100.1"]);
        assert_eq!(proxies.client(ip("10.0.0.2"), &plain), ip("198.51.100.1"));
    }

    #[test]
    fn a_trusted_proxy_without_a_usable_header_is_its_own_client() {
        let proxies: TrustedProxies = "10.0.0.0/8".parse().unwrap();
        assert_eq!(
            proxies.client(ip("10.0.0.2"), &HeaderMap::new()),
            ip("10.0.0.2")
        );
        let garbage = forwarded(&["198.51.100.1, not-an-address"]);
        assert_eq!(proxies.client(ip("10.0.0.2"), &garbage), ip("10.0.0.2"));
    }
}
