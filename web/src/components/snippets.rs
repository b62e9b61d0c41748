//! The request as code: the aliyun CLI, an official SDK, curl to the proxy, raw HTTP.

use crate::components::copy_button::CopyButton;
use crate::fields::use_select_value;
use crate::i18n::{Lang, PanelText, tp};
use rds_backup_core::snippet::{self, SnippetLang, Target};
use rds_backup_core::{CreateBackup, Region};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// Props of [`SnippetsPanel`].
#[derive(Properties, PartialEq)]
pub struct SnippetsProps {
    /// The console's language.
    pub lang: Lang,
    /// The region.
    pub region: AttrValue,
    /// The valid request, if the form holds one.
    pub request: Option<CreateBackup>,
    /// The proxy's URL, for the curl snippet.
    pub proxy_url: AttrValue,
    /// The snippet shown.
    pub selected: SnippetLang,
    /// Another snippet chosen.
    pub onselect: Callback<SnippetLang>,
}

/// The snippets panel.
#[function_component(SnippetsPanel)]
pub fn snippets_panel(p: &SnippetsProps) -> Html {
    let l = p.lang;
    let select_ref = use_select_value(p.selected.as_str().to_owned());
    let onchange = {
        let cb = p.onselect.clone();
        Callback::from(move |e: Event| {
            if let Some(s) =
                SnippetLang::parse(&e.target_unchecked_into::<HtmlSelectElement>().value())
            {
                cb.emit(s);
            }
        })
    };
    let body = match (&p.request, Region::new(&p.region)) {
        (Some(req), Ok(region)) => {
            let target = Target {
                proxy_url: p.proxy_url.to_string(),
                ..Target::new(region)
            };
            let text = snippet::snippet(req, &target, p.selected);
            html! {
                <>
                    <CopyButton lang={l} name="copy" what={format!("{} · {}", tp(l, PanelText::Snippets), p.selected.label())} text={text.clone()} />
                    <pre class="snippet" tabindex="0" aria-label={format!("{} · {}", tp(l, PanelText::Snippets), p.selected.label())} data-lang={p.selected.as_str()}>{ text }</pre>
                </>
            }
        }
        _ => html! { <p class="hint">{ tp(l, PanelText::NotValidSeePreview) }</p> },
    };
    html! {
        <section class="snippets" aria-labelledby="h-snippets">
            <h2 id="h-snippets">{ tp(l, PanelText::Snippets) }</h2>
            <div class="snippet-bar">
                <label for="f-snippet" class="visually-hidden">{ tp(l, PanelText::Snippets) }</label>
                <select ref={select_ref} id="f-snippet" name="snippet-lang" {onchange}>
                    { for SnippetLang::ALL.iter().map(|s| html! { <option value={s.as_str()} selected={*s == p.selected}>{ s.label() }</option> }) }
                </select>
                { body }
            </div>
        </section>
    }
}
