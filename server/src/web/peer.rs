//! Where a request comes from: the connection's own address, or, when the
//! connection is from a proxy the config trusts (`http.trusted_proxies`),
//! the client that proxy names in `X-Forwarded-For`. Sign-in throttling
//! counts per client address, so behind a proxy it must not count everyone
//! as the proxy.

use crate::config::IpNet;
use axum::http::HeaderMap;
use std::net::IpAddr;

/// The client's address. `X-Forwarded-For` is read from the right: each
/// trusted proxy appends the address it saw, so the first address from the
/// right that is not a trusted proxy is the client. Entries written by the
/// client itself (further left) are never believed.
pub fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |address: IpAddr| trusted.iter().any(|net| net.contains(address));
    if !is_trusted(peer) {
        return peer;
    }
    let forwarded: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .collect();
    for entry in forwarded.into_iter().rev() {
        match entry.parse::<IpAddr>() {
            Ok(address) if is_trusted(address) => {}
            Ok(address) => return address,
            // A malformed entry: nothing to its left can be trusted.
            Err(_) => return peer,
        }
    }
    peer
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn forwarded(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn a_trusted_proxy_names_the_client_and_nobody_else_can() {
        let trusted = [IpNet::parse("10.0.0.0/8").unwrap()];
        let proxy: IpAddr = "10.0.0.2".parse().unwrap();
        let stranger: IpAddr = "203.0.113.9".parse().unwrap();
        let client: IpAddr = "198.51.100.7".parse().unwrap();
        assert_eq!(client_address(proxy, &forwarded("198.51.100.7"), &trusted), client);
        assert_eq!(client_address(stranger, &forwarded("198.51.100.7"), &trusted), stranger, "not a proxy of ours");
        // A client that sends its own header cannot choose its address.
        assert_eq!(client_address(proxy, &forwarded("1.2.3.4, 198.51.100.7"), &trusted), client);
        // Two proxies of ours in a row.
        assert_eq!(client_address(proxy, &forwarded("198.51.100.7, 10.0.0.9"), &trusted), client);
        assert_eq!(client_address(proxy, &forwarded("garbage"), &trusted), proxy);
        assert_eq!(client_address(proxy, &HeaderMap::new(), &trusted), proxy);
    }
}
