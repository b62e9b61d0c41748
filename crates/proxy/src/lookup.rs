//! Learning an instance from the service, never from the client: its attributes
//! (DescribeDBInstanceAttribute: engine, storage, state, its real region) and, when a
//! policy has a tag condition, its tags (ListTagResources). Cached briefly. Every answer
//! is read by shape: JSON that is not what the API documents is a clear error, not a panic.

use crate::App;
use crate::error::ProxyError;
use crate::policy::Resource;
use rds_backup_core::listing;
use rds_backup_core::{Context, Engine, Region, StorageType};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// An instance as the service describes it.
#[derive(Clone, Debug, PartialEq)]
pub struct Instance {
    /// Its id.
    pub id: String,
    /// Its real region.
    pub region: Region,
    /// The attributes, as the service sent them.
    pub attr: Value,
    /// Its tags, when they were needed.
    pub tags: Option<BTreeMap<String, String>>,
}

impl Instance {
    /// The instance as policies see it.
    pub fn resource(&self) -> Resource {
        Resource {
            region: self.region.clone(),
            instance: self.id.clone(),
            tags: self.tags.clone(),
        }
    }

    /// Refuses a request that names another region than the instance's.
    pub fn check_region(&self, claimed: &Region) -> Result<(), ProxyError> {
        if &self.region == claimed {
            Ok(())
        } else {
            Err(ProxyError::RegionMismatch {
                id: self.id.clone(),
                claimed: claimed.to_string(),
                real: self.region.to_string(),
            })
        }
    }

    /// The engine and storage the instance really has.
    pub fn context(&self) -> Result<Context, ProxyError> {
        let unsupported = |what: String| ProxyError::UnsupportedInstance {
            id: self.id.clone(),
            what,
        };
        let engine = self.attr["Engine"].as_str().unwrap_or_default();
        let storage = self.attr["DBInstanceStorageType"]
            .as_str()
            .unwrap_or_default();
        let engine = Engine::parse(engine).ok_or_else(|| {
            unsupported(format!(
                "engine '{engine}' does not support CreateBackup here"
            ))
        })?;
        let storage = StorageType::parse(storage).ok_or_else(|| {
            unsupported(format!(
                "storage type '{storage}' is not one the rules know"
            ))
        })?;
        Ok(Context::new(engine, storage))
    }
}

/// The list at `body.<outer>.<inner>` (as the API nests them: `Items.DBInstance`); a
/// missing list is empty, anything but a list or an object in its place is an error.
pub fn list<'a>(
    body: &'a Value,
    action: &str,
    outer: &str,
    inner: &str,
) -> Result<&'a [Value], ProxyError> {
    listing::list_of(body, outer, inner).map_err(|what| ProxyError::UpstreamShape {
        action: action.to_owned(),
        what,
    })
}

impl App {
    /// The tags of `ids` in `region` (ListTagResources, every page).
    pub async fn tags(
        &self,
        region: &Region,
        ids: &[&str],
    ) -> Result<BTreeMap<String, BTreeMap<String, String>>, ProxyError> {
        let mut out: BTreeMap<String, BTreeMap<String, String>> = ids
            .iter()
            .map(|id| ((*id).to_owned(), BTreeMap::new()))
            .collect();
        for chunk in ids.chunks(listing::TAGS_PER_CALL) {
            let mut token: Option<String> = None;
            for _page in 0..100 {
                let params = listing::tag_params(region, chunk, token.as_deref());
                let action = "ListTagResources";
                let body = self.upstream.call(region, action, params).await?.json();
                let tags = listing::read_tags(&body).map_err(|what| ProxyError::UpstreamShape {
                    action: action.into(),
                    what,
                })?;
                for (id, k, v) in tags {
                    if let Some(t) = out.get_mut(&id) {
                        t.insert(k, v);
                    }
                }
                token = listing::next_token(&body);
                if token.is_none() {
                    break;
                }
            }
        }
        Ok(out)
    }

    /// The instance, from a short-lived cache or the service (asked at the endpoint of
    /// the region the client named; the answer says the real one).
    pub async fn instance(&self, claimed: &Region, id: &str) -> Result<Arc<Instance>, ProxyError> {
        if let Some(found) = self.cache.get(claimed, id, self.cache_ttl) {
            return Ok(found);
        }
        let action = "DescribeDBInstanceAttribute";
        let body = self
            .upstream
            .call(claimed, action, vec![("DBInstanceId".into(), id.into())])
            .await?
            .json();
        let Some(attr) = list(&body, action, "Items", "DBInstanceAttribute")?
            .first()
            .cloned()
        else {
            return Err(ProxyError::Upstream {
                status: 404,
                body: json!({"Code": "InvalidDBInstanceId.NotFound", "Message": format!("no attributes for {id}"), "RequestId": body["RequestId"]}),
                retry_after_ms: None,
            });
        };
        let region = match attr["RegionId"].as_str() {
            Some(r) => Region::new(r).map_err(|e| ProxyError::UpstreamShape {
                action: action.into(),
                what: format!("RegionId: {e}"),
            })?,
            None => claimed.clone(),
        };
        let tags = if self.authz.needs_tags() {
            self.tags(&region, &[id]).await?.remove(id)
        } else {
            None
        };
        let found = Arc::new(Instance {
            id: id.to_owned(),
            region,
            attr,
            tags,
        });
        self.cache.put(claimed, id, found.clone(), self.cache_ttl);
        Ok(found)
    }
}

/// (the region asked, the id).
type CacheKey = (String, String);

/// Instances looked up recently, with when.
#[derive(Default)]
pub struct InstanceCache(Mutex<HashMap<CacheKey, (Instant, Arc<Instance>)>>);

impl InstanceCache {
    fn get(&self, region: &Region, id: &str, ttl: Duration) -> Option<Arc<Instance>> {
        let cache = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        cache
            .get(&(region.to_string(), id.to_owned()))
            .filter(|(at, _)| at.elapsed() < ttl)
            .map(|(_, v)| v.clone())
    }

    fn put(&self, region: &Region, id: &str, found: Arc<Instance>, ttl: Duration) {
        let mut cache = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if cache.len() > 10_000 {
            cache.retain(|_, (at, _)| at.elapsed() < ttl);
        }
        cache.insert((region.to_string(), id.to_owned()), (Instant::now(), found));
    }
}

/// A page of instances as one caller searched for it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SearchKey {
    /// The caller (their pages hold what their policy lets them see).
    pub caller: String,
    /// The region.
    pub region: String,
    /// The search, trimmed.
    pub search: String,
    /// The page's token.
    pub token: String,
    /// Its size.
    pub max: u32,
}

/// Pages of instances, per caller, for a short while.
#[derive(Default)]
pub struct SearchCache(Mutex<HashMap<SearchKey, (Instant, Arc<Value>)>>);

impl SearchCache {
    /// The page, if it was fetched within `ttl`.
    pub fn get(&self, key: &SearchKey, ttl: Duration) -> Option<Arc<Value>> {
        let cache = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        cache
            .get(key)
            .filter(|(at, _)| at.elapsed() < ttl)
            .map(|(_, v)| v.clone())
    }

    /// Keeps the page; past 2,000 pages the old ones go first.
    pub fn put(&self, key: SearchKey, page: Arc<Value>, ttl: Duration) {
        let mut cache = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if cache.len() >= 2_000 {
            cache.retain(|_, (at, _)| at.elapsed() < ttl);
        }
        if cache.len() >= 2_000 {
            cache.clear();
        }
        cache.insert(key, (Instant::now(), page));
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn lists_are_read_by_shape() {
        let ok = json!({"Items": {"DBInstance": [{"DBInstanceId": "a"}]}});
        assert_eq!(list(&ok, "X", "Items", "DBInstance").unwrap().len(), 1);
        assert!(
            list(&json!({}), "X", "Items", "DBInstance")
                .unwrap()
                .is_empty()
        );
        assert!(
            list(&json!({"Items": null}), "X", "Items", "DBInstance")
                .unwrap()
                .is_empty()
        );
        for bad in [
            json!([]),
            json!("x"),
            json!({"Items": "x"}),
            json!({"Items": []}),
            json!({"Items": {"DBInstance": {"a": 1}}}),
            json!({"Items": {"DBInstance": [1, 2]}}),
        ] {
            let e = list(&bad, "X", "Items", "DBInstance").unwrap_err();
            assert_eq!(e.code(), "Proxy.UpstreamInvalidResponse", "{bad}");
        }
    }
}
