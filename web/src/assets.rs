//! Where the files the console loads after its first paint are: the panels module
//! (`panels.js`, `panels.wasm`) and the catalogues of the languages other than English.
//! The page's build lists them, with their hashed names, in
//! `<meta name="rds-backup-console-assets" content="panels.js=/... zh-CN=/locales/zh-CN-<hash>.json ...">`
//! (`scripts/web-assets.sh`); the `<rds-backup-console>` package names its own folder.

use crate::i18n::Lang;

/// The name of the page's `<meta>` that lists the assets.
pub const META: &str = "rds-backup-console-assets";

/// The assets, as `key=url` pairs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Assets {
    entries: Vec<(String, String)>,
}

impl Assets {
    /// Reads `key=url key=url ...` (anything else is skipped).
    pub fn parse(content: &str) -> Assets {
        let entries = content
            .split_whitespace()
            .filter_map(|pair| pair.split_once('='))
            .filter(|(k, v)| !k.is_empty() && !v.is_empty())
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        Assets { entries }
    }

    /// The assets the page's `<meta>` lists (none when it has no such tag).
    pub fn from_page() -> Assets {
        let content = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector(&format!("meta[name=\"{META}\"]")).ok())
            .flatten()
            .and_then(|m| m.get_attribute("content"))
            .unwrap_or_default();
        Assets::parse(&content)
    }

    /// The package's assets, in the folder `base` (a URL ending in `/`).
    pub fn under(base: &str) -> Assets {
        let base = base.trim_end_matches('/');
        let mut entries = vec![
            (
                "panels.js".to_owned(),
                format!("{base}/rds_backup_web_panels.js"),
            ),
            (
                "panels.wasm".to_owned(),
                format!("{base}/rds_backup_web_panels_bg.wasm"),
            ),
        ];
        for l in [Lang::ZhCn, Lang::Id] {
            entries.push((
                l.tag().to_owned(),
                format!("{base}/locales/{}.json", l.tag()),
            ));
        }
        Assets { entries }
    }

    /// The assets as `key=url key=url ...` (what [`Assets::parse`] reads).
    pub fn content(&self) -> String {
        let pairs: Vec<String> = self
            .entries
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        pairs.join(" ")
    }

    /// The URL of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The URL of the catalogue of `l` (none for English, which is built in).
    pub fn locale(&self, l: Lang) -> Option<&str> {
        self.get(l.tag())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_meta_and_the_package_name_each_catalogue() {
        let a = Assets::parse(" zh-CN=/locales/zh-CN-1a.json  id=/locales/id-2b.json junk =x ");
        assert_eq!(a.locale(Lang::ZhCn), Some("/locales/zh-CN-1a.json"));
        assert_eq!(a.locale(Lang::Id), Some("/locales/id-2b.json"));
        assert_eq!(a.locale(Lang::En), None);
        assert_eq!(Assets::parse("").get("zh-CN"), None);
        let p = Assets::under("https://portal.example/pkg/");
        assert_eq!(
            p.locale(Lang::ZhCn),
            Some("https://portal.example/pkg/locales/zh-CN.json")
        );
        assert_eq!(
            p.get("panels.wasm"),
            Some("https://portal.example/pkg/rds_backup_web_panels_bg.wasm")
        );
        assert_eq!(Assets::parse(&p.content()), p);
    }
}
