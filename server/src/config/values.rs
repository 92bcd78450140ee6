//! Config values with a shape of their own: a database URL that never
//! prints its password, and networks (`10.0.0.0/8`, `::1`) such as those of
//! trusted proxies.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::net::IpAddr;

/// `sqlite://FILE` or `postgres://USER:PASSWORD@HOST/DB`; its `Debug` and
/// `Display` hide the password.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DatabaseUrl(pub String);

impl DatabaseUrl {
    /// The whole URL, password included: only for connecting.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({:?})", crate::db::redact(&self.0))
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::db::redact(&self.0))
    }
}

impl From<&str> for DatabaseUrl {
    fn from(url: &str) -> DatabaseUrl {
        DatabaseUrl(url.to_owned())
    }
}

/// An address, or a network in CIDR notation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IpNet {
    pub address: IpAddr,
    pub prefix: u8,
}

impl IpNet {
    pub fn parse(text: &str) -> Result<IpNet, String> {
        let refuse = || format!("{text:?} is not an address or a network such as 10.0.0.0/8 or fd00::/8");
        let (address, prefix) = match text.trim().split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text.trim(), None),
        };
        let address: IpAddr = address.parse().map_err(|_| refuse())?;
        let full = if address.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(prefix) => prefix.parse::<u8>().ok().filter(|prefix| *prefix <= full).ok_or_else(refuse)?,
            None => full,
        };
        Ok(IpNet { address, prefix })
    }

    /// Whether `address` lies in this network (an IPv4 address mapped into
    /// IPv6, `::ffff:10.0.0.1`, counts as the IPv4 address).
    pub fn contains(&self, address: IpAddr) -> bool {
        let address = match address {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
            IpAddr::V4(_) => address,
        };
        match (self.address, address) {
            (IpAddr::V4(net), IpAddr::V4(address)) => same_prefix(&net.octets(), &address.octets(), self.prefix),
            (IpAddr::V6(net), IpAddr::V6(address)) => same_prefix(&net.octets(), &address.octets(), self.prefix),
            _ => false,
        }
    }
}

fn same_prefix(net: &[u8], address: &[u8], prefix: u8) -> bool {
    let (whole, rest) = (usize::from(prefix / 8), prefix % 8);
    if net[..whole] != address[..whole] {
        return false;
    }
    rest == 0 || (net[whole] ^ address[whole]) >> (8 - rest) == 0
}

impl fmt::Display for IpNet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.address, self.prefix)
    }
}

impl Serialize for IpNet {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for IpNet {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<IpNet, D::Error> {
        let text = String::deserialize(deserializer)?;
        IpNet::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn networks_hold_their_addresses_and_no_others() {
        let private = IpNet::parse("10.0.0.0/8").unwrap();
        assert!(private.contains("10.20.30.40".parse().unwrap()));
        assert!(!private.contains("11.0.0.1".parse().unwrap()));
        assert!(private.contains("::ffff:10.1.2.3".parse().unwrap()), "IPv4 mapped into IPv6");
        let one = IpNet::parse("192.168.1.7").unwrap();
        assert!(one.contains("192.168.1.7".parse().unwrap()));
        assert!(!one.contains("192.168.1.8".parse().unwrap()));
        assert!(IpNet::parse("fd00::/8").unwrap().contains("fd12::1".parse().unwrap()));
        assert!(IpNet::parse("172.16.0.0/12").unwrap().contains("172.31.255.255".parse().unwrap()));
        assert!(!IpNet::parse("172.16.0.0/12").unwrap().contains("172.32.0.0".parse().unwrap()));
        assert!(IpNet::parse("10.0.0.0/33").is_err());
        assert!(IpNet::parse("proxy.example").is_err());
    }

    #[test]
    fn a_database_url_prints_without_its_password() {
        let url = DatabaseUrl::from("postgres://app:s3cret@db/tasks");
        assert!(!format!("{url:?} {url}").contains("s3cret"));
        assert_eq!(url.expose(), "postgres://app:s3cret@db/tasks");
    }
}
