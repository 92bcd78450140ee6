//! Broker and backend URLs as Celery writes them: `redis://:pw@host:6379/0`,
//! `amqp://guest:guest@host:5672//` (the vhost `/`), `pyamqp://...`. The
//! parsed form never prints a password.

use super::error::CeleryError;
use std::fmt;
use url::Url;

const REDIS_PORT: u16 = 6379;
const AMQP_PORT: u16 = 5672;

/// Where a Redis server is, and which database Celery uses on it.
#[derive(Clone, PartialEq, Eq)]
pub struct RedisAddress {
    /// The URL as given, handed to the Redis client (it may hold a password).
    pub(crate) url: String,
    pub host: String,
    pub port: u16,
    /// The database number: kombu puts it in every fanout topic (`/{db}.`).
    pub db: u32,
}

/// Where a RabbitMQ (AMQP 0-9-1) server is.
#[derive(Clone, PartialEq, Eq)]
pub struct AmqpAddress {
    pub host: String,
    pub port: u16,
    pub vhost: String,
    pub(crate) username: String,
    pub(crate) password: String,
}

/// A broker URL, by transport.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BrokerUrl {
    Redis(RedisAddress),
    Amqp(AmqpAddress),
}

impl BrokerUrl {
    /// Reads a Celery `broker_url`.
    pub fn parse(text: &str) -> Result<BrokerUrl, CeleryError> {
        let url = Url::parse(text)
            .map_err(|e| CeleryError::InvalidUrl(format!("{e} (in a URL of {} characters)", text.len())))?;
        match url.scheme() {
            "redis" => Ok(BrokerUrl::Redis(RedisAddress::from_url(text, &url)?)),
            "amqp" | "pyamqp" => Ok(BrokerUrl::Amqp(AmqpAddress::from_url(&url)?)),
            "rediss" => Err(CeleryError::TlsUnsupported("rediss")),
            "amqps" => Err(CeleryError::TlsUnsupported("amqps")),
            other => Err(CeleryError::InvalidUrl(format!(
                "the scheme {other:?} is not a supported broker (redis://, amqp://)"
            ))),
        }
    }
}

impl RedisAddress {
    /// Reads a Redis `result_backend` URL.
    pub fn parse(text: &str) -> Result<RedisAddress, CeleryError> {
        match BrokerUrl::parse(text)? {
            BrokerUrl::Redis(address) => Ok(address),
            BrokerUrl::Amqp(_) => Err(CeleryError::InvalidUrl("the result backend must be a redis:// URL".into())),
        }
    }

    fn from_url(text: &str, url: &Url) -> Result<RedisAddress, CeleryError> {
        let host = host(url)?;
        let path = url.path().trim_start_matches('/');
        let db = if path.is_empty() {
            0
        } else {
            path.parse().map_err(|_| CeleryError::InvalidUrl(format!("{path:?} is not a Redis database number")))?
        };
        Ok(RedisAddress { url: text.to_owned(), host, port: url.port().unwrap_or(REDIS_PORT), db })
    }
}

impl AmqpAddress {
    fn from_url(url: &Url) -> Result<AmqpAddress, CeleryError> {
        let decode = |text: &str| {
            percent_decode(text)
                .ok_or_else(|| CeleryError::InvalidUrl("a badly escaped user, password or vhost".into()))
        };
        // kombu: the path after the first `/` is the vhost, empty meaning `/`.
        let vhost = decode(url.path().strip_prefix('/').unwrap_or(""))?;
        let username = if url.username().is_empty() { "guest".to_owned() } else { decode(url.username())? };
        Ok(AmqpAddress {
            host: host(url)?,
            port: url.port().unwrap_or(AMQP_PORT),
            vhost: if vhost.is_empty() { "/".to_owned() } else { vhost },
            username,
            password: url.password().map_or(Ok("guest".to_owned()), decode)?,
        })
    }
}

fn host(url: &Url) -> Result<String, CeleryError> {
    match url.host_str() {
        Some(host) if !host.is_empty() => Ok(host.trim_start_matches('[').trim_end_matches(']').to_owned()),
        _ => Err(CeleryError::InvalidUrl("the URL names no host".into())),
    }
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

impl fmt::Debug for RedisAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "redis://{}:{}/{}", self.host, self.port, self.db)
    }
}

impl fmt::Display for RedisAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

impl fmt::Debug for AmqpAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "amqp://{}@{}:{}/{}", self.username, self.host, self.port, self.vhost)
    }
}

impl fmt::Display for AmqpAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_celery_style_urls_and_never_shows_the_password() {
        let BrokerUrl::Redis(redis) = BrokerUrl::parse("redis://:s3cret@cache:6380/12").unwrap() else { panic!() };
        assert_eq!((redis.host.as_str(), redis.port, redis.db), ("cache", 6380, 12));
        assert!(!format!("{redis} {redis:?}").contains("s3cret"));

        let BrokerUrl::Amqp(amqp) = BrokerUrl::parse("amqp://app:p%40ss@rabbit:5673//").unwrap() else { panic!() };
        assert_eq!((amqp.host.as_str(), amqp.port, amqp.vhost.as_str()), ("rabbit", 5673, "/"));
        assert_eq!((amqp.username.as_str(), amqp.password.as_str()), ("app", "p@ss"));
        assert!(!format!("{amqp} {amqp:?}").contains("p@ss"));

        let BrokerUrl::Amqp(amqp) = BrokerUrl::parse("pyamqp://rabbit/staging").unwrap() else { panic!() };
        assert_eq!((amqp.port, amqp.vhost.as_str(), amqp.username.as_str()), (5672, "staging", "guest"));
        let BrokerUrl::Redis(redis) = BrokerUrl::parse("redis://localhost").unwrap() else { panic!() };
        assert_eq!(redis.db, 0);
    }

    #[test]
    fn tls_and_unknown_schemes_are_refused_clearly() {
        assert!(matches!(BrokerUrl::parse("rediss://h:6379/0"), Err(CeleryError::TlsUnsupported("rediss"))));
        assert!(matches!(BrokerUrl::parse("amqps://h//"), Err(CeleryError::TlsUnsupported("amqps"))));
        assert!(matches!(BrokerUrl::parse("sqs://"), Err(CeleryError::InvalidUrl(_))));
        assert!(matches!(BrokerUrl::parse("redis://h/x"), Err(CeleryError::InvalidUrl(_))));
        assert!(matches!(RedisAddress::parse("amqp://h//"), Err(CeleryError::InvalidUrl(_))));
    }
}
