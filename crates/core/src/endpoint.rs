//! Where a request goes: the RDS endpoint of a region, as the official SDKs
//! resolve it, or an operator's explicit override. A request never picks a host.

use std::fmt;

/// Why a region or an endpoint was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EndpointError {
    /// Not a plain region id such as `cn-hangzhou`.
    #[error("'{0}' is not a region id (expected something like cn-hangzhou or ap-southeast-1)")]
    BadRegion(String),
    /// Not `host`, `host:port` or `http(s)://host[:port]`.
    #[error(
        "'{0}' is not an endpoint (expected a host such as rds.aliyuncs.com, host:port, or http://host:port)"
    )]
    BadEndpoint(String),
}

/// `http` or `https`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// Plain HTTP: only for a local emulator or test server.
    Http,
    /// HTTPS: every real endpoint.
    Https,
}

impl Scheme {
    /// `"http"` or `"https"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }
}

/// Regions that the SDKs' endpoint map sends to the central endpoint.
const CENTRAL: &[&str] = &[
    "cn-qingdao",
    "cn-beijing",
    "cn-hangzhou",
    "cn-shanghai",
    "cn-shenzhen",
    "cn-heyuan",
    "cn-hongkong",
    "ap-southeast-1",
    "us-west-1",
    "us-east-1",
    "cn-shanghai-finance-1",
    "cn-shenzhen-finance-1",
    "cn-beijing-finance-1",
];

/// Regions the SDKs' endpoint table and the regional rule are documented for, for pickers.
pub const KNOWN_REGIONS: &[&str] = &[
    "cn-hangzhou",
    "cn-shanghai",
    "cn-beijing",
    "cn-shenzhen",
    "cn-qingdao",
    "cn-zhangjiakou",
    "cn-huhehaote",
    "cn-wulanchabu",
    "cn-heyuan",
    "cn-guangzhou",
    "cn-chengdu",
    "cn-nanjing",
    "cn-fuzhou",
    "cn-hongkong",
    "ap-southeast-1",
    "ap-southeast-3",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ap-northeast-1",
    "ap-northeast-2",
    "us-west-1",
    "us-east-1",
    "eu-west-1",
    "eu-central-1",
    "me-east-1",
    "me-central-1",
    "na-south-1",
    "cn-shanghai-finance-1",
    "cn-shenzhen-finance-1",
    "cn-beijing-finance-1",
    "cn-hangzhou-finance",
];

/// The central endpoint.
pub const CENTRAL_HOST: &str = "rds.aliyuncs.com";

/// A checked region id: `^[a-z]{2,}(-[a-z0-9]+)+$`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Region(String);

impl Region {
    /// Checks the shape of a region id.
    pub fn new(s: &str) -> Result<Self, EndpointError> {
        let mut parts = s.split('-');
        let head_ok = parts
            .next()
            .is_some_and(|h| h.len() >= 2 && h.bytes().all(|b| b.is_ascii_lowercase()));
        let rest: Vec<&str> = parts.collect();
        let rest_ok = !rest.is_empty()
            && rest.iter().all(|p| {
                !p.is_empty()
                    && p.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            });
        if head_ok && rest_ok && s.len() <= 64 {
            Ok(Region(s.to_owned()))
        } else {
            Err(EndpointError::BadRegion(s.to_owned()))
        }
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A host to send requests to, with its scheme.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Endpoint {
    /// `http` or `https`.
    pub scheme: Scheme,
    /// The host, with `:port` when it is not the scheme's default: the value of the `host` header.
    pub host: String,
}

impl Endpoint {
    /// The official endpoint of a region (public network), as the SDKs resolve it.
    pub fn for_region(region: &Region) -> Endpoint {
        let r = region.as_str();
        let host = if CENTRAL.contains(&r) {
            CENTRAL_HOST.to_owned()
        } else if r == "cn-hangzhou-finance" {
            "rds-vpc.cn-hangzhou-finance.aliyuncs.com".to_owned()
        } else {
            format!("rds.{r}.aliyuncs.com")
        };
        Endpoint {
            scheme: Scheme::Https,
            host,
        }
    }

    /// An explicit endpoint: `host`, `host:port` (HTTPS), or `http://host:port` /
    /// `https://host[:port]`. Only letters, digits, `.`, `-` and a numeric port.
    pub fn parse_override(s: &str) -> Result<Endpoint, EndpointError> {
        let bad = || EndpointError::BadEndpoint(s.to_owned());
        let (scheme, rest) = if let Some(r) = s.strip_prefix("http://") {
            (Scheme::Http, r)
        } else if let Some(r) = s.strip_prefix("https://") {
            (Scheme::Https, r)
        } else {
            (Scheme::Https, s)
        };
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        let (name, port) = match rest.rsplit_once(':') {
            Some((n, p)) => (n, Some(p)),
            None => (rest, None),
        };
        let name_ok = !name.is_empty()
            && name.len() <= 253
            && name.split('.').all(|label| {
                !label.is_empty()
                    && !label.starts_with('-')
                    && label
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            });
        let port_ok =
            port.is_none_or(|p| p.parse::<u16>().is_ok_and(|n| n > 0) && !p.starts_with('0'));
        if !name_ok || !port_ok {
            return Err(bad());
        }
        let default_port = match scheme {
            Scheme::Http => "80",
            Scheme::Https => "443",
        };
        let host = match port {
            Some(p) if p != default_port => format!("{}:{p}", name.to_ascii_lowercase()),
            _ => name.to_ascii_lowercase(),
        };
        Ok(Endpoint { scheme, host })
    }

    /// `scheme://host`.
    pub fn base_url(&self) -> String {
        format!("{}://{}", self.scheme.as_str(), self.host)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(r: &str) -> String {
        Endpoint::for_region(&Region::new(r).unwrap()).host
    }

    #[test]
    fn regions_resolve_as_the_sdks_do() {
        assert_eq!(host("cn-hangzhou"), "rds.aliyuncs.com");
        assert_eq!(host("ap-southeast-1"), "rds.aliyuncs.com");
        assert_eq!(
            host("cn-hangzhou-finance"),
            "rds-vpc.cn-hangzhou-finance.aliyuncs.com"
        );
        assert_eq!(host("eu-central-1"), "rds.eu-central-1.aliyuncs.com");
        assert_eq!(host("ap-southeast-5"), "rds.ap-southeast-5.aliyuncs.com");
    }

    #[test]
    fn known_regions_are_plain_region_ids() {
        for r in KNOWN_REGIONS {
            assert!(Region::new(r).is_ok(), "{r}");
        }
    }

    #[test]
    fn only_plain_region_ids() {
        for bad in [
            "",
            "cn",
            "CN-hangzhou",
            "cn-",
            "cn--x",
            "evil.com",
            "cn-hangzhou.evil.com",
            "cn-hangzhou/x",
            "c-x",
            "cn-hang zhou",
        ] {
            assert!(Region::new(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn overrides() {
        let e = Endpoint::parse_override("http://127.0.0.1:18080").unwrap();
        assert_eq!(
            (e.scheme, e.host.as_str()),
            (Scheme::Http, "127.0.0.1:18080")
        );
        let e = Endpoint::parse_override("rds.aliyuncs.com:443").unwrap();
        assert_eq!(
            (e.scheme, e.host.as_str()),
            (Scheme::Https, "rds.aliyuncs.com")
        );
        for bad in [
            "",
            "http://",
            "a b",
            "host:0",
            "host:99999",
            "host/path",
            "user@host",
            "ftp://x",
            "-x.com",
        ] {
            assert!(Endpoint::parse_override(bad).is_err(), "{bad}");
        }
    }
}
