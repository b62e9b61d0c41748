//! The console's title and the language selector.

use crate::fields::use_select_value;
use crate::i18n::{Lang, Text, t};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// Props of [`Header`].
#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    /// The console's language.
    pub lang: Lang,
    /// Another language chosen.
    pub onlang: Callback<Lang>,
}

/// The header.
#[function_component(Header)]
pub fn header(p: &HeaderProps) -> Html {
    let l = p.lang;
    let select_ref = use_select_value(l.tag().to_owned());
    let onchange = {
        let cb = p.onlang.clone();
        Callback::from(move |e: Event| {
            cb.emit(Lang::from_tag(
                &e.target_unchecked_into::<HtmlSelectElement>().value(),
            ))
        })
    };
    html! {
        <header>
            <div>
                <h1>{ t(l, Text::Title) }</h1>
                <p class="subtitle">{ t(l, Text::Subtitle) }</p>
            </div>
            <div class="field lang">
                <label for="f-lang">{ t(l, Text::Language) }</label>
                <select ref={select_ref} id="f-lang" name="lang" {onchange}>
                    { for Lang::ALL.iter().map(|x| html! { <option value={x.tag()} lang={x.tag()} selected={*x == l}>{ x.name() }</option> }) }
                </select>
            </div>
        </header>
    }
}
