//! The console's words in English, Simplified Chinese and Bahasa Indonesia. Each language
//! has three catalogues ([`Part`]): the form's (`web/locales/<tag>.json`: its texts and
//! core's reasons), the advice on error codes (`web/locales/advice/<tag>.json`) and the
//! panels' (`web/locales/panels/<tag>.json`). A catalogue is a flat JSON object of key ->
//! text, its keys sorted (looked up by binary search), `{name}` marking an argument.
//! Only the form's English is built into the form's wasm; every other catalogue is a data
//! file fetched when needed (`ensure`: the advice after the first paint, a language when it
//! is chosen) and parsed by the browser's own `JSON.parse`, so a page's first load carries
//! one language's form texts and the wasm no JSON parser. The panels module builds in the
//! English of the other two parts. Core's reasons arrive as codes with arguments
//! ([`rds_backup_core::reason::Reason`]) and are said in `reasons`.

use std::cell::RefCell;

/// A language of the console.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Bahasa Indonesia.
    Id,
    /// Simplified Chinese.
    ZhCn,
}

impl Lang {
    /// Every language, in the order the selector lists them.
    pub const ALL: [Lang; 3] = [Lang::En, Lang::ZhCn, Lang::Id];

    /// The BCP 47 tag (`<html lang>`, storage, URL).
    pub const fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Id => "id",
            Lang::ZhCn => "zh-CN",
        }
    }

    /// The language's own name, for the selector.
    pub const fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Id => "Bahasa Indonesia",
            Lang::ZhCn => "简体中文",
        }
    }

    /// Reads a tag (`id`, `zh`, `zh-CN`, `zh-Hans`, ...); anything else is English.
    pub fn from_tag(s: &str) -> Lang {
        let primary = s.split(['-', '_']).next().unwrap_or_default();
        if primary.eq_ignore_ascii_case("id") {
            Lang::Id
        } else if primary.eq_ignore_ascii_case("zh") {
            Lang::ZhCn
        } else {
            Lang::En
        }
    }
}

macro_rules! texts {
    ($(#[$doc:meta])* $enum:ident { $($name:ident),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[allow(missing_docs)]
        pub enum $enum {
            $($name),*
        }

        impl $enum {
            /// Every text.
            pub const ALL: &[$enum] = &[$($enum::$name),*];

            /// The text's key in the catalogues.
            pub const fn key(self) -> &'static str {
                match self {
                    $($enum::$name => stringify!($name)),*
                }
            }
        }
    };
}

texts! {
    /// The form's texts (the form's catalogue).
    Text {
        Title,
        Subtitle,
        Language,
        Region,
        Instance,
        InstanceHint,
        Engine,
        Storage,
        Method,
        Strategy,
        Type,
        Databases,
        DatabasesHint,
        Retention,
        RetentionDays,
        LongTerm,
        NotSet,
        ChooseEngine,
        ChooseStorage,
        Unavailable,
        Send,
        Sending,
        SendNeedsProxy,
        JobStarted,
        Progress,
        Finished,
        Failed,
        BackupSet,
        ComposeOnly,
        Loading,
        StateWarning,
        LockWarning,
        ReadOnlyWarning,
        FixThese,
        WhatItMeans,
        WhatToDo,
        SnapshotSentAsPhysical,
        Reset,
        PickDatabases,
        SignedInAs,
        SignInToken,
        TokenLabel,
        UseToken,
        ForgetToken,
        TokenRefused,
        SignInPortal,
        SignInProxy,
        Checking,
        CheckingHint,
        NotStarted,
        NotStartedHint,
        FailedNext,
        InstanceMatches,
        InstanceNoMatch,
        Searching,
        MoreBelow,
        OnlyChoice,
        ChooseValue,
        ModeDemo,
        ModeLive,
        LocalDisk,
        CloudDisk,
        NotSetDefault,
        NotARegion,
        RetentionWhole,
    }
}

texts! {
    /// The panels' texts (the panels' catalogue).
    PanelText {
        Preview,
        ParamsSent,
        HttpRequest,
        NotValidYet,
        Snippets,
        Copy,
        Copied,
        Export,
        Import,
        ImportFailed,
        Policy,
        PolicyHint,
        RecentBackups,
        NoRecent,
        OpenInForm,
        Fleet,
        FleetHint,
        FleetRegions,
        FleetTag,
        FleetMatch,
        FleetAny,
        FleetSentHere,
        Intent,
        MakePlan,
        RunPlan,
        ExportCsv,
        PlanId,
        OpenPlan,
        PlanNothing,
        Missing,
        NotValidSeePreview,
    }
}

/// A catalogue of a language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// The form's texts and core's reasons: needed for the first paint.
    Form,
    /// What an error code means and what to do.
    Advice,
    /// The panels' texts.
    Panels,
}

impl Part {
    /// Every part.
    pub const ALL: [Part; 3] = [Part::Form, Part::Advice, Part::Panels];
}

/// The form's English, built in.
const EN: &str = include_str!("../locales/en.json");

/// A parsed catalogue: (key, text) sorted by key, kept for the page's life.
type Catalogue = &'static [(&'static str, &'static str)];

thread_local! {
    static CATALOGUES: RefCell<[[Option<Catalogue>; 3]; 3]> = const { RefCell::new([[None; 3]; 3]) };
}

fn slot(l: Lang) -> usize {
    match l {
        Lang::En => 0,
        Lang::Id => 1,
        Lang::ZhCn => 2,
    }
}

fn index(part: Part) -> usize {
    match part {
        Part::Form => 0,
        Part::Advice => 1,
        Part::Panels => 2,
    }
}

fn catalogue(l: Lang, part: Part) -> Option<Catalogue> {
    CATALOGUES.with(|c| c.borrow()[slot(l)][index(part)])
}

/// The pairs of a catalogue's JSON text, in the file's order (the browser's parser).
#[cfg(target_arch = "wasm32")]
fn parse(text: &str) -> Option<Vec<(String, String)>> {
    use wasm_bindgen::JsCast;
    let value = js_sys::JSON::parse(text).ok()?;
    let object = value.dyn_ref::<js_sys::Object>()?;
    js_sys::Object::entries(object)
        .iter()
        .map(|pair| {
            let pair = pair.dyn_into::<js_sys::Array>().ok()?;
            Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
        })
        .collect()
}

/// The pairs of a catalogue's JSON text, in the file's order (native builds: tests).
#[cfg(not(target_arch = "wasm32"))]
fn parse(text: &str) -> Option<Vec<(String, String)>> {
    use serde::de::{Deserializer, MapAccess, Visitor};
    struct InOrder;
    impl<'de> Visitor<'de> for InOrder {
        type Value = Vec<(String, String)>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an object of texts")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut pairs = Vec::new();
            while let Some(pair) = map.next_entry()? {
                pairs.push(pair);
            }
            Ok(pairs)
        }
    }
    serde_json::Deserializer::from_str(text)
        .deserialize_map(InOrder)
        .ok()
}

/// Takes the catalogue `part` of `l` from its JSON text. Refused (nothing changes) when it
/// is not a flat object of strings with its keys in order.
pub fn install(l: Lang, part: Part, json: &str) -> Result<(), String> {
    let pairs = parse(json).ok_or("not a JSON object of texts")?;
    if let Some(w) = pairs.windows(2).find(|w| w[0].0 >= w[1].0) {
        return Err(format!("keys out of order at '{}'", w[1].0));
    }
    let pairs: Vec<(&'static str, &'static str)> = pairs
        .into_iter()
        .map(|(k, v)| (&*k.leak(), &*v.leak()))
        .collect();
    let parsed: Catalogue = Vec::leak(pairs);
    CATALOGUES.with(|c| c.borrow_mut()[slot(l)][index(part)] = Some(parsed));
    Ok(())
}

/// Whether the catalogue `part` of `l` is here (the form's English always is).
pub fn is_loaded(l: Lang, part: Part) -> bool {
    (l == Lang::En && part == Part::Form) || catalogue(l, part).is_some()
}

fn find(l: Lang, key: &str) -> Option<&'static str> {
    if l == Lang::En && catalogue(l, Part::Form).is_none() {
        let _ = install(Lang::En, Part::Form, EN);
    }
    Part::ALL.iter().find_map(|p| {
        let c = catalogue(l, *p)?;
        let i = c.binary_search_by(|(k, _)| (*k).cmp(key)).ok()?;
        Some(c[i].1)
    })
}

/// The text of `key` in `l`, or in English when `l` lacks it (or is not loaded yet).
pub fn lookup(l: Lang, key: &str) -> Option<&'static str> {
    find(l, key).or_else(|| find(Lang::En, key))
}

/// The form's text in a language.
pub fn t(l: Lang, text: Text) -> &'static str {
    lookup(l, text.key()).unwrap_or(text.key())
}

/// The panels' text in a language.
pub fn tp(l: Lang, text: PanelText) -> &'static str {
    lookup(l, text.key()).unwrap_or(text.key())
}

/// `template` with each `{name}` replaced by its value.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after
            .find('}')
            .map(|close| (&after[..close], &after[close + 1..]))
        {
            Some((name, tail)) if args.iter().any(|(n, _)| *n == name) => {
                let value = args.iter().find(|(n, _)| *n == name).map_or("", |(_, v)| v);
                out.push_str(value);
                rest = tail;
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Fetches the catalogue `part` of `l` from where `assets` put it, unless it is here; false
/// when it could not be had (the console then speaks English where it lacks words).
pub async fn ensure(l: Lang, part: Part, assets: &crate::assets::Assets) -> bool {
    if is_loaded(l, part) {
        return true;
    }
    let Some(url) = assets.locale(l, part) else {
        return false;
    };
    match crate::api::fetch("GET", &url, &[], None).await {
        Ok((200, text)) => install(l, part, &text).is_ok(),
        _ => false,
    }
}

/// A submission's state (`sending`, `sent`, ...) in words.
pub fn state_label(l: Lang, state: &str) -> &'static str {
    lookup(l, &format!("state.{state}"))
        .or_else(|| lookup(l, "state._"))
        .unwrap_or_default()
}

/// A backup job's `BackupStatus`, in a language (in English, the service's own word).
pub fn job_status_label(l: Lang, status: &str) -> String {
    find(l, &format!("job.{status}")).map_or_else(|| status.to_owned(), str::to_owned)
}

/// A fleet plan item's state, in a language.
pub fn item_label(l: Lang, state: &str) -> &'static str {
    lookup(l, &format!("item.{state}"))
        .or_else(|| lookup(l, "item._"))
        .unwrap_or_default()
}

/// What an error code means and what to do about it, in a language; `None` for codes
/// the console has no advice for (the service's message is shown alone).
pub fn advice(l: Lang, code: &str) -> Option<(&'static str, &'static str)> {
    // The service's throttling codes (`Throttling`, `Throttling.User`, `Throttling.Api`...)
    // mean one thing here: the call was not executed.
    let code = if rds_backup_core::listing::is_throttling(code) {
        "Throttling"
    } else {
        code
    };
    Some((
        lookup(l, &format!("advice.{code}"))?,
        lookup(l, &format!("todo.{code}"))?,
    ))
}

/// Installs every catalogue from the files (tests).
#[cfg(test)]
pub fn install_all() {
    for (l, part, json) in files() {
        if (l, part) != (Lang::En, Part::Form)
            && let Err(e) = install(l, part, json)
        {
            panic!("{l:?} {part:?}: {e}");
        }
    }
}

/// Every catalogue file (tests).
#[cfg(test)]
fn files() -> [(Lang, Part, &'static str); 9] {
    [
        (Lang::En, Part::Form, EN),
        (Lang::Id, Part::Form, include_str!("../locales/id.json")),
        (
            Lang::ZhCn,
            Part::Form,
            include_str!("../locales/zh-CN.json"),
        ),
        (
            Lang::En,
            Part::Advice,
            include_str!("../locales/advice/en.json"),
        ),
        (
            Lang::Id,
            Part::Advice,
            include_str!("../locales/advice/id.json"),
        ),
        (
            Lang::ZhCn,
            Part::Advice,
            include_str!("../locales/advice/zh-CN.json"),
        ),
        (
            Lang::En,
            Part::Panels,
            include_str!("../locales/panels/en.json"),
        ),
        (
            Lang::Id,
            Part::Panels,
            include_str!("../locales/panels/id.json"),
        ),
        (
            Lang::ZhCn,
            Part::Panels,
            include_str!("../locales/panels/zh-CN.json"),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(l: Lang, part: Part) -> Vec<(String, String)> {
        let json = files()
            .into_iter()
            .find(|(fl, fp, _)| *fl == l && *fp == part)
            .map_or("", |(_, _, j)| j);
        parse(json).unwrap_or_default()
    }

    fn placeholders(s: &str) -> Vec<&str> {
        let mut out: Vec<&str> = s
            .split('{')
            .skip(1)
            .filter_map(|p| p.split_once('}').map(|(name, _)| name))
            .collect();
        out.sort_unstable();
        out
    }

    /// Each catalogue has its keys in order, every key of its English, the same arguments in
    /// each text, and no key English lacks but the job states and the reasons' words; no key
    /// is in two parts; the form's texts are in the form's part, the panels' in theirs.
    #[test]
    fn every_catalogue_has_every_text_with_the_same_arguments() {
        install_all();
        let mut seen: Vec<String> = Vec::new();
        for part in Part::ALL {
            let en = pairs(Lang::En, part);
            assert!(!en.is_empty(), "{part:?}");
            for (k, _) in &en {
                assert!(!seen.contains(k), "{k} is in two parts");
                seen.push(k.clone());
            }
            for l in [Lang::Id, Lang::ZhCn] {
                let other = pairs(l, part);
                for (k, v) in &en {
                    let said = other.iter().find(|(ok, _)| ok == k);
                    let said = said.unwrap_or_else(|| panic!("{l:?} {part:?} lacks {k}"));
                    assert_eq!(placeholders(v), placeholders(&said.1), "{l:?} {k}");
                }
                for (k, _) in &other {
                    assert!(
                        en.iter().any(|(ek, _)| ek == k)
                            || k.starts_with("job.")
                            || k.starts_with("r."),
                        "{l:?} {part:?}: {k} is not a key of English"
                    );
                }
                // Every reason word Indonesian has, Chinese has too (and the other way).
                let keys = |p: &[(String, String)]| -> Vec<String> {
                    p.iter()
                        .filter(|(k, _)| k.starts_with("r.") || k.starts_with("job."))
                        .map(|(k, _)| k.clone())
                        .collect()
                };
                assert_eq!(keys(&other), keys(&pairs(Lang::Id, part)), "{l:?}");
            }
        }
        let has = |part: Part, key: &str| pairs(Lang::En, part).iter().any(|(k, _)| k == key);
        for text in Text::ALL {
            assert!(has(Part::Form, text.key()), "{text:?} not in en.json");
        }
        for text in PanelText::ALL {
            assert!(
                has(Part::Panels, text.key()),
                "{text:?} not in panels/en.json"
            );
        }
    }

    #[test]
    fn both_languages_have_every_text() {
        install_all();
        // Nothing is left in English in Indonesian except the words both languages share.
        let shared = [Text::Instance, Text::Engine];
        for text in [
            Text::Title,
            Text::Send,
            Text::Region,
            Text::Databases,
            Text::LongTerm,
        ] {
            if !shared.contains(&text) {
                assert_ne!(t(Lang::En, text), t(Lang::Id, text), "{text:?}");
            }
        }
        assert_eq!(Lang::from_tag("ID"), Lang::Id);
        assert!(advice(Lang::Id, "BackupJobExists").is_some());
        assert_ne!(tp(Lang::En, PanelText::Copy), tp(Lang::Id, PanelText::Copy));
        assert_eq!(state_label(Lang::ZhCn, "what"), "未知状态");
        assert_eq!(job_status_label(Lang::En, "Finished"), "Finished");
        assert_eq!(job_status_label(Lang::ZhCn, "Finished"), "已完成");
        assert_eq!(job_status_label(Lang::ZhCn, "Someday"), "Someday");
    }

    #[test]
    fn a_catalogue_out_of_order_or_not_of_texts_is_refused() {
        assert!(install(Lang::Id, Part::Advice, r#"{"b": "x", "a": "y"}"#).is_err());
        assert!(install(Lang::Id, Part::Advice, r#"{"a": 1}"#).is_err());
        assert!(install(Lang::Id, Part::Advice, "[]").is_err());
    }

    #[test]
    fn arguments_are_filled_and_other_braces_kept() {
        assert_eq!(
            fill("{a} and {b} {c}", &[("a", "1"), ("b", "{a}")]),
            "1 and {a} {c}"
        );
        assert_eq!(fill("no { end", &[("a", "1")]), "no { end");
    }

    /// Every code the console advises on is said in each language, in its own words.
    #[test]
    fn every_advised_code_is_said_in_each_language() {
        install_all();
        for code in [
            "BackupJobExists",
            "Exceeded.BackupTimes",
            "IncorrectDBInstanceState",
            "InvalidDB.NotFound",
            "Forbidden.RAM",
            "Proxy.OutcomeUnknown",
            "Proxy.Overloaded",
            "Proxy.CredentialsUnavailable",
            "Proxy.UpstreamTimeout",
            "Proxy.RequestTimeout",
            "Proxy.CheckTimeout",
            "Throttling",
            "Throttling.User",
        ] {
            let en = advice(Lang::En, code).unwrap_or_else(|| panic!("{code}: no advice"));
            for lang in [Lang::Id, Lang::ZhCn] {
                let said = advice(lang, code).unwrap_or_else(|| panic!("{code} {lang:?}"));
                assert_ne!(said.0, en.0, "{code} {lang:?}");
                assert_ne!(said.1, en.1, "{code} {lang:?}");
            }
        }
        assert_eq!(
            advice(Lang::En, "Throttling.User"),
            advice(Lang::En, "Throttling")
        );
        assert_eq!(advice(Lang::En, "ThrottlingX"), None);
    }
}
