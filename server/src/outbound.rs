//! HTTP calls the server makes on behalf of tasks (the webhook task) and of
//! notifications, kept off the server's own network: unless
//! `outbound.allow_private_addresses` is set, every address a name resolves
//! to, every literal address and every redirect's target must be a public
//! one (not loopback, link-local such as the cloud metadata address,
//! private, shared, multicast, an IPv6 wrapping of an IPv4 address such as
//! 6to4, Teredo or NAT64, or otherwise special). Answers are read up to a
//! limit.

use crate::config::OutboundConfig;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::{Client, Response, Url};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

/// The most redirects one call follows.
const MAX_REDIRECTS: usize = 5;

/// Where outbound calls may go.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct OutboundPolicy {
    pub allow_private_addresses: bool,
}

impl From<&OutboundConfig> for OutboundPolicy {
    fn from(config: &OutboundConfig) -> OutboundPolicy {
        OutboundPolicy { allow_private_addresses: config.allow_private_addresses }
    }
}

/// Why a call was not made.
#[derive(Debug, thiserror::Error)]
pub enum OutboundError {
    #[error("{0}")]
    Refused(String),
    #[error("cannot make the HTTP client: {0}")]
    Client(#[from] reqwest::Error),
}

impl OutboundPolicy {
    /// An HTTP client that keeps to this policy, with a whole-call timeout.
    /// It ignores proxy variables (a proxy would resolve names itself).
    pub fn client(self, timeout: Duration) -> Result<Client, OutboundError> {
        let builder = Client::builder().timeout(timeout).no_proxy().redirect(self.redirects());
        let builder = if self.allow_private_addresses { builder } else { builder.dns_resolver(Arc::new(PublicOnly)) };
        Ok(builder.build()?)
    }

    /// Refuses a URL that is not `http(s)://`, or names a literal address
    /// this policy does not allow.
    pub fn check_url(self, url: &str) -> Result<Url, OutboundError> {
        let parsed =
            Url::parse(url).map_err(|error| OutboundError::Refused(format!("{url:?} is not a URL: {error}")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(OutboundError::Refused(format!("{url:?}: only http:// and https:// addresses are called")));
        }
        self.check_host(&parsed).map_err(OutboundError::Refused)?;
        Ok(parsed)
    }

    fn check_host(self, url: &Url) -> Result<(), String> {
        let literal = match url.host() {
            Some(url::Host::Ipv4(address)) => Some(IpAddr::V4(address)),
            Some(url::Host::Ipv6(address)) => Some(IpAddr::V6(address)),
            Some(url::Host::Domain(_)) => None,
            None => return Err(format!("{url} has no host")),
        };
        match literal {
            Some(address) if !self.allow_private_addresses && !is_public(address) => Err(refusal(address)),
            _ => Ok(()),
        }
    }

    fn redirects(self) -> reqwest::redirect::Policy {
        reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= MAX_REDIRECTS {
                return attempt.error(format!("more than {MAX_REDIRECTS} redirects"));
            }
            match self.check_host(attempt.url()) {
                Ok(()) => attempt.follow(),
                Err(refused) => attempt.error(RefusedName(refused)),
            }
        })
    }
}

fn refusal(address: IpAddr) -> String {
    format!(
        "{address} is a loopback, link-local, private or otherwise special address; calls there are refused \
         (outbound.allow_private_addresses)"
    )
}

/// The resolver's refusal of a name that resolves only to addresses the
/// policy does not allow; find it in an error with [`refused`].
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct RefusedName(String);

/// The refusal behind a failed call, if the policy refused it (a name that
/// resolves only to private addresses, or a redirect to one).
pub fn refused(error: &reqwest::Error) -> Option<String> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = source {
        if let Some(refused) = current.downcast_ref::<RefusedName>() {
            return Some(refused.0.clone());
        }
        source = current.source();
    }
    None
}

/// Resolves names, keeping only public addresses.
struct PublicOnly;

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let public: Vec<SocketAddr> = found.iter().copied().filter(|address| is_public(address.ip())).collect();
            if public.is_empty() {
                let shown =
                    found.first().map_or_else(|| format!("{host} has no address"), |address| refusal(address.ip()));
                return Err(Box::new(RefusedName(shown)) as Box<dyn std::error::Error + Send + Sync>);
            }
            let addresses: Addrs = Box::new(public.into_iter());
            Ok(addresses)
        })
    }
}

/// Whether `address` is on the public internet.
pub fn is_public(address: IpAddr) -> bool {
    match address {
        IpAddr::V4(v4) => public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => public_v4(v4),
            None => public_v6(v6),
        },
    }
}

fn public_v4(address: Ipv4Addr) -> bool {
    let [a, b, ..] = address.octets();
    !(address.is_unspecified()
        || address.is_loopback()
        || address.is_private()
        || address.is_link_local()
        || address.is_broadcast()
        || address.is_multicast()
        || address.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b))
        || (a == 192 && b == 0 && address.octets()[2] == 0)
        || (a == 198 && (18..20).contains(&b))
        || a >= 240)
}

/// IPv6 addresses are public unless special. Refused: unique local
/// (`fc00::/7`), link- and site-local, documentation (`2001:db8::/32`),
/// IPv4-compatible and -mapped (`::/96`), and the prefixes that carry an
/// IPv4 address a router would unwrap: NAT64 (`64:ff9b::/96` and the
/// local-use `64:ff9b:1::/48`, both inside the `64:ff9b::/32` refused
/// here), 6to4 (`2002::/16`) and Teredo (`2001::/32`), which could reach
/// a private IPv4 address through a relay.
fn public_v6(address: Ipv6Addr) -> bool {
    let [first, second, ..] = address.segments();
    !(address.is_unspecified()
        || address.is_loopback()
        || address.is_multicast()
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
        || (first & 0xffc0) == 0xfec0
        || first == 0x2001 && second == 0x0db8
        || first == 0x0064 && second == 0xff9b
        || first == 0x2002
        || first == 0x2001 && second == 0x0000
        || address.to_ipv4().is_some())
}

/// At most `limit` bytes of `response`'s body, as text (invalid UTF-8 is
/// replaced), and whether more was left unread.
pub async fn bounded_text(mut response: Response, limit: usize) -> Result<(String, bool), reqwest::Error> {
    let mut kept = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        let room = limit - kept.len();
        if chunk.len() > room {
            kept.extend_from_slice(&chunk[..room]);
            return Ok((String::from_utf8_lossy(&kept).into_owned(), true));
        }
        kept.extend_from_slice(&chunk);
    }
    Ok((String::from_utf8_lossy(&kept).into_owned(), false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_are_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private} is not public");
        }
        for public in ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"] {
            assert!(is_public(public.parse().unwrap()), "{public} is public");
        }
    }

    #[test]
    fn ipv6_prefixes_that_wrap_an_ipv4_address_are_refused() {
        for wrapped in [
            // 6to4 of 127.0.0.1 and of 10.0.0.1, and the prefix's edges.
            "2002:7f00:1::",
            "2002:a00:1::1",
            "2002::",
            "2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            // Teredo: a server and an obfuscated client address.
            "2001:0:4136:e378:8000:63bf:3fff:fdd2",
            "2001::1",
            "2001:0:ffff:ffff:ffff:ffff:ffff:ffff",
            // NAT64, well-known and local-use.
            "64:ff9b::7f00:1",
            "64:ff9b:1::a00:1",
            "64:ff9b:1:ffff:ffff:ffff:ffff:ffff",
        ] {
            assert!(!is_public(wrapped.parse().unwrap()), "{wrapped} is not public");
            let url = format!("http://[{wrapped}]/");
            assert!(OutboundPolicy::default().check_url(&url).is_err(), "{url} is refused");
        }
        // Their neighbours are ordinary public addresses.
        for public in ["2001:1::1", "2001:4860:4860::8888", "2003::1", "2001:db9::1", "64:ff9a::1", "64:ff9c::1"] {
            assert!(is_public(public.parse().unwrap()), "{public} is public");
        }
    }

    #[test]
    fn literal_private_addresses_and_other_schemes_are_refused() {
        let policy = OutboundPolicy::default();
        assert!(policy.check_url("http://127.0.0.1:3000/api").is_err());
        assert!(policy.check_url("http://[::1]/").is_err());
        assert!(policy.check_url("http://169.254.169.254/latest/meta-data").is_err());
        assert!(policy.check_url("file:///etc/passwd").is_err());
        assert!(policy.check_url("https://example.com/hook").is_ok());
        let open = OutboundPolicy { allow_private_addresses: true };
        assert!(open.check_url("http://127.0.0.1:3000/api").is_ok());
    }

    #[tokio::test]
    async fn a_name_that_resolves_to_loopback_is_refused() {
        let client = OutboundPolicy::default().client(Duration::from_secs(5)).unwrap();
        let error = client.get("http://localhost:9/").send().await.unwrap_err();
        let refusal = refused(&error).expect("the policy refused it");
        assert!(refusal.contains("special address"), "{refusal}");
    }
}
