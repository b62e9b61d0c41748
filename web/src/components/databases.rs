//! The databases of a logical backup: typed, or ticked from the instance's own list.

use crate::fields::{Marks, TextField};
use crate::i18n::{Lang, Text, t};
use crate::state::Action;
use rds_backup_core::Field;
use yew::prelude::*;

/// Props of [`Databases`].
#[derive(Properties, PartialEq)]
pub struct DatabasesProps {
    /// The console's language.
    pub lang: Lang,
    /// `DBName` as typed.
    pub value: AttrValue,
    /// The names in `value`.
    pub chosen: Vec<String>,
    /// The picked instance's databases (empty: none known).
    pub known: Vec<String>,
    /// The field's problems.
    pub marks: Marks,
    /// The form's changes.
    pub dispatch: Callback<Action>,
}

/// `DBName`, and a checkbox per database the instance has.
#[function_component(Databases)]
pub fn databases(p: &DatabasesProps) -> Html {
    let l = p.lang;
    let oninput = p
        .dispatch
        .reform(|v: String| Action::Type(Field::DBName, v));
    html! {
        <>
            <TextField field={Field::DBName} label={t(l, Text::Databases)} value={p.value.clone()}
                hint={Some(AttrValue::from(t(l, Text::DatabasesHint)))} marks={p.marks.clone()} {oninput} />
            if !p.known.is_empty() {
                <fieldset class="dbs">
                    <legend>{ t(l, Text::PickDatabases) }</legend>
                    { for p.known.iter().map(|d| {
                        let checked = p.chosen.contains(d);
                        let name = d.clone();
                        let onchange = p.dispatch.reform(move |_: Event| Action::ToggleDb(name.clone()));
                        html! {
                            <label class="check"><input type="checkbox" name="db" value={d.clone()} {checked} {onchange} />{ d.clone() }</label>
                        }
                    }) }
                </fieldset>
            }
        </>
    }
}
