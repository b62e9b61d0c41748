//! Where the files the console loads after its first paint are: the panels module (its JS,
//! its wasm, its stylesheet) and the folder of the catalogues (`<tag>.json`, `advice/<tag>.json`,
//! `panels/<tag>.json`; not the form's English, which is built in). The page's build names
//! them, hashed, in
//! `<meta name="rds-backup-console-assets" content="panels.js=/... panels.wasm=/... locales=/locales-<hash>/">`
//! (`scripts/web-assets.sh`); the `<rds-backup-console>` package names its own folder.

use crate::i18n::{Lang, Part};

/// The name of the page's `<meta>` that lists the assets.
pub const META: &str = "rds-backup-console-assets";

/// The assets.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Assets {
    /// The panels module's JS.
    pub panels_js: Option<String>,
    /// The panels module's wasm.
    pub panels_wasm: Option<String>,
    /// The panels' stylesheet.
    pub panels_css: Option<String>,
    /// The catalogues' folder (ends in `/`).
    pub locales: Option<String>,
}

impl Assets {
    /// Reads `key=url key=url ...` (`panels.js`, `panels.wasm`, `panels.css`, `locales`;
    /// anything else is skipped).
    pub fn parse(content: &str) -> Assets {
        let mut a = Assets::default();
        for (k, v) in content
            .split_whitespace()
            .filter_map(|pair| pair.split_once('='))
            .filter(|(_, v)| !v.is_empty())
        {
            let v = Some(v.to_owned());
            match k {
                "panels.js" => a.panels_js = v,
                "panels.wasm" => a.panels_wasm = v,
                "panels.css" => a.panels_css = v,
                "locales" => a.locales = v,
                _ => {}
            }
        }
        a
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

    /// The package's assets, in the folder `base` (a URL).
    pub fn under(base: &str) -> Assets {
        let base = base.trim_end_matches('/');
        Assets {
            panels_js: Some(format!("{base}/rds_backup_web_panels.js")),
            panels_wasm: Some(format!("{base}/rds_backup_web_panels_bg.wasm")),
            panels_css: Some(format!("{base}/panels.css")),
            locales: Some(format!("{base}/locales/")),
        }
    }

    /// The assets as `key=url ...` (what [`Assets::parse`] reads).
    pub fn content(&self) -> String {
        let pairs: Vec<String> = [
            ("panels.js", &self.panels_js),
            ("panels.wasm", &self.panels_wasm),
            ("panels.css", &self.panels_css),
            ("locales", &self.locales),
        ]
        .into_iter()
        .filter_map(|(k, v)| Some(format!("{k}={}", v.as_ref()?)))
        .collect();
        pairs.join(" ")
    }

    /// The URL of the catalogue `part` of `l` (none for the form's English: built in).
    pub fn locale(&self, l: Lang, part: Part) -> Option<String> {
        let dir = match part {
            Part::Form if l == Lang::En => return None,
            Part::Form => "",
            Part::Advice => "advice/",
            Part::Panels => "panels/",
        };
        Some(format!("{}{dir}{}.json", self.locales.as_ref()?, l.tag()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_meta_and_the_package_name_each_catalogue() {
        let a = Assets::parse(" panels.js=/p-1.js locales=/locales-3c/ junk =x ");
        assert_eq!(a.panels_js.as_deref(), Some("/p-1.js"));
        assert_eq!(a.panels_wasm, None);
        assert_eq!(
            a.locale(Lang::ZhCn, Part::Form).as_deref(),
            Some("/locales-3c/zh-CN.json")
        );
        assert_eq!(
            a.locale(Lang::En, Part::Advice).as_deref(),
            Some("/locales-3c/advice/en.json")
        );
        assert_eq!(a.locale(Lang::En, Part::Form), None);
        assert_eq!(Assets::parse("").locale(Lang::Id, Part::Form), None);
        let p = Assets::under("https://portal.example/pkg/");
        assert_eq!(
            p.locale(Lang::Id, Part::Panels).as_deref(),
            Some("https://portal.example/pkg/locales/panels/id.json")
        );
        assert_eq!(
            p.panels_wasm.as_deref(),
            Some("https://portal.example/pkg/rds_backup_web_panels_bg.wasm")
        );
        assert_eq!(Assets::parse(&p.content()), p);
    }
}
