//! The address a request comes from, for the in-memory rate limits (wrong codes, sign-ins).
//!
//! Behind a reverse proxy every request arrives from the proxy, so all children would share one
//! counter and a few mistyped codes in one place would lock out the whole country. When the
//! peer is a trusted proxy (`--trusted-proxies`), the address is taken from `X-Forwarded-For`
//! instead: the right-most entry that is not itself a trusted proxy, since entries further left
//! are written by the client and can be forged. The address is only ever held in memory by the
//! limiters: it is never logged or stored.

use crate::domain::network::{canonical, masked};
use crate::http::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::StatusCode;
use std::net::{IpAddr, SocketAddr};

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
            state.trusted_proxies.client(
                peer,
                parts
                    .headers
                    .get_all("x-forwarded-for")
                    .iter()
                    .filter_map(|v| v.to_str().ok()),
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
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
}
