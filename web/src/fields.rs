//! Form controls: each a real control with a visible label and `name` equal to the API
//! name; withheld values stay visible, disabled, with the reason in text.

use crate::i18n::{Lang, Text, t};
use rds_backup_core::{Field, FieldChoices};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// A ref for a `<select>` whose shown value follows `value`. Yew sets `selected` as an
/// attribute, which a select the user has touched ignores; this sets the property.
#[hook]
pub fn use_select_value(value: String) -> NodeRef {
    let node = use_node_ref();
    {
        let node = node.clone();
        use_effect_with(value, move |v| {
            if let Some(select) = node.cast::<HtmlSelectElement>().filter(|s| s.value() != *v) {
                select.set_value(v);
            }
        });
    }
    node
}

/// The problems the validator found for one field.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Marks {
    /// Each problem as `code: message`.
    pub problems: Vec<(String, String)>,
}

impl Marks {
    /// True when nothing is wrong.
    pub fn is_empty(&self) -> bool {
        self.problems.is_empty()
    }
}

/// The problems under a control, announced to screen readers.
#[function_component(Problems)]
pub fn problems(props: &ProblemsProps) -> Html {
    if props.marks.is_empty() {
        return html! {};
    }
    html! {
        <div role="alert">
            <ul class="problems" id={props.id.clone()}>
                { for props.marks.problems.iter().map(|(code, msg)| html! {
                    <li><code>{ code }</code>{ " " }{ msg }</li>
                }) }
            </ul>
        </div>
    }
}

/// Props of [`Problems`].
#[derive(Properties, PartialEq)]
pub struct ProblemsProps {
    /// The element id (for `aria-describedby`).
    pub id: AttrValue,
    /// The problems.
    pub marks: Marks,
}

/// Props of [`ChoiceSelect`].
#[derive(Properties, PartialEq)]
pub struct ChoiceSelectProps {
    /// The field (its API name is the control's `name`).
    pub field: Field,
    /// The label text.
    pub label: AttrValue,
    /// What core offers and withholds.
    pub choices: FieldChoices,
    /// The current value (`None`: not set).
    pub value: Option<String>,
    /// Problems to mark.
    #[prop_or_default]
    pub marks: Marks,
    /// The console's language.
    pub lang: Lang,
    /// Why the form took this value by itself, when it did.
    #[prop_or_default]
    pub auto: Option<AttrValue>,
    /// A new value (`""` for not set).
    pub onchange: Callback<String>,
}

/// A select of a field's values: offered ones enabled, withheld ones disabled with their reason.
#[function_component(ChoiceSelect)]
pub fn choice_select(props: &ChoiceSelectProps) -> Html {
    let name = props.field.as_str();
    let id = format!("f-{name}");
    let problems_id = format!("p-{name}");
    let onchange = {
        let cb = props.onchange.clone();
        Callback::from(move |e: Event| {
            cb.emit(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    let current = props.value.clone().unwrap_or_default();
    let node = use_select_value(current.clone());
    // Left out where leaving it out is not valid: the select asks for a choice instead
    // of showing the withheld default as its value.
    let asks = props.value.is_none() && props.choices.withheld.iter().any(|c| c.value.is_none());
    // A value that is neither offered nor withheld (typed in a URL, say) stays visible.
    let known = props
        .choices
        .offered
        .iter()
        .chain(&props.choices.withheld)
        .any(|c| c.value.unwrap_or_default() == current);
    let option = |c: &rds_backup_core::Choice, enabled: bool| {
        let value = c.value.unwrap_or_default().to_owned();
        let label = if c.value.is_none() {
            // core's "(not set)" or "(not set: Physical)", in the console's language.
            match c.label.strip_suffix(')').and_then(|l| l.split_once(": ")) {
                Some((_, default)) => {
                    t(props.lang, Text::NotSetDefault).replace("{default}", default)
                }
                None => t(props.lang, Text::NotSet).to_owned(),
            }
        } else {
            c.label.clone()
        };
        let label = if enabled {
            label
        } else {
            format!("{label} ({})", t(props.lang, Text::Unavailable))
        };
        html! { <option value={value.clone()} selected={value == current} disabled={!enabled}>{ label }</option> }
    };
    html! {
        <div class="field">
            <label for={id.clone()}>{ props.label.clone() }</label>
            <select ref={node} id={id} name={name} {onchange} aria-invalid={(!props.marks.is_empty()).to_string()} aria-describedby={problems_id.clone()}>
                if asks {
                    <option value="" selected=true disabled=true>{ t(props.lang, Text::ChooseValue) }</option>
                }
                { for props.choices.offered.iter().map(|c| option(c, true)) }
                { for props.choices.withheld.iter().filter(|c| !(asks && c.value.is_none())).map(|c| option(c, false)) }
                if !known {
                    <option value={current.clone()} selected=true>{ current.clone() }</option>
                }
            </select>
            if let Some(auto) = &props.auto {
                <p class="auto" data-auto={name}>{ auto.clone() }</p>
            }
            if let Some(note) = props.choices.note {
                <p class="note">{ if props.field == Field::BackupMethod { t(props.lang, Text::SnapshotSentAsPhysical) } else { note } }</p>
            }
            <ul class="withheld">
                { for props.choices.withheld.iter().filter(|c| c.value.is_some()).map(|c| html! {
                    <li>{ c.why.as_ref().map(|r| crate::reasons::say(props.lang, r)).or_else(|| c.reason.clone()).unwrap_or_default() }</li>
                }) }
            </ul>
            <Problems id={problems_id} marks={props.marks.clone()} />
        </div>
    }
}

/// Props of [`TextField`].
#[derive(Properties, PartialEq)]
pub struct TextFieldProps {
    /// The field.
    pub field: Field,
    /// The label.
    pub label: AttrValue,
    /// The value.
    pub value: AttrValue,
    /// A hint under the control.
    #[prop_or_default]
    pub hint: Option<AttrValue>,
    /// Problems to mark.
    #[prop_or_default]
    pub marks: Marks,
    /// Suggestions (a datalist id).
    #[prop_or_default]
    pub list: Option<AttrValue>,
    /// `inputmode`/`type` for numbers.
    #[prop_or_default]
    pub numeric: bool,
    /// Typing.
    pub oninput: Callback<String>,
}

/// A text input with a visible label, its hint and its problems.
#[function_component(TextField)]
pub fn text_field(props: &TextFieldProps) -> Html {
    let name = props.field.as_str();
    let id = format!("f-{name}");
    let problems_id = format!("p-{name}");
    let oninput = {
        let cb = props.oninput.clone();
        Callback::from(move |e: InputEvent| {
            cb.emit(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    html! {
        <div class="field">
            <label for={id.clone()}>{ props.label.clone() }</label>
            <input id={id} name={name} type="text" value={props.value.clone()} {oninput}
                list={props.list.clone()} autocomplete="off" spellcheck="false"
                inputmode={if props.numeric { "numeric" } else { "text" }}
                aria-invalid={(!props.marks.is_empty()).to_string()} aria-describedby={problems_id.clone()} />
            if let Some(hint) = &props.hint {
                <p class="hint">{ hint.clone() }</p>
            }
            <Problems id={problems_id} marks={props.marks.clone()} />
        </div>
    }
}
