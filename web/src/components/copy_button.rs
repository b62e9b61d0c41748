//! A button that copies a code block's text, and says so.

use crate::browser;
use crate::i18n::{Lang, PanelText, tp};
use yew::prelude::*;

/// Props of [`CopyButton`].
#[derive(Properties, PartialEq)]
pub struct CopyButtonProps {
    /// The console's language.
    pub lang: Lang,
    /// The text copied.
    pub text: AttrValue,
    /// The button's `name`.
    pub name: AttrValue,
    /// What is copied, for screen readers ("Copy: HTTP request").
    pub what: AttrValue,
}

/// Copies `text`; reads "Copied" until the text changes.
#[function_component(CopyButton)]
pub fn copy_button(p: &CopyButtonProps) -> Html {
    let copied = use_state(|| false);
    {
        let copied = copied.clone();
        use_effect_with(p.text.clone(), move |_| copied.set(false));
    }
    let onclick = {
        let (copied, text) = (copied.clone(), p.text.clone());
        Callback::from(move |_: MouseEvent| {
            browser::copy(&text);
            copied.set(true);
        })
    };
    let label = if *copied {
        tp(p.lang, PanelText::Copied)
    } else {
        tp(p.lang, PanelText::Copy)
    };
    html! {
        <button type="button" class="copy" name={p.name.clone()} {onclick}
            aria-label={format!("{label}: {}", p.what)}>{ label }</button>
    }
}
