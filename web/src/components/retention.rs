//! `BackupRetentionPeriod`: days, or kept for good (`-1`).

use crate::fields::{Marks, Problems};
use crate::i18n::{Lang, Text, t};
use crate::state::Action;
use rds_backup_core::Field;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// The value that keeps a backup for good.
const LONG_TERM: &str = "-1";

/// Props of [`Retention`].
#[derive(Properties, PartialEq)]
pub struct RetentionProps {
    /// The console's language.
    pub lang: Lang,
    /// The value as typed (`-1`: for good).
    pub value: AttrValue,
    /// The field's problems.
    pub marks: Marks,
    /// The form's changes.
    pub dispatch: Callback<Action>,
}

/// A number of days with a "keep for good" checkbox beside it.
#[function_component(Retention)]
pub fn retention(p: &RetentionProps) -> Html {
    let l = p.lang;
    let field = Field::BackupRetentionPeriod;
    let long_term = p.value == LONG_TERM;
    let invalid = !p.marks.is_empty();
    let oninput = p.dispatch.reform(move |e: InputEvent| {
        Action::Type(field, e.target_unchecked_into::<HtmlInputElement>().value())
    });
    let onchange = p.dispatch.reform(move |e: Event| {
        let keep = e.target_unchecked_into::<HtmlInputElement>().checked();
        Action::Choose(
            field,
            if keep {
                LONG_TERM.to_owned()
            } else {
                String::new()
            },
        )
    });
    // Not a whole number: the service's own code, said before core is asked.
    let not_whole = !p.value.is_empty() && p.value.trim().parse::<i64>().is_err();
    html! {
        <div class="field">
            <label for="f-BackupRetentionPeriod">{ t(l, Text::Retention) }</label>
            <div class="retention">
                <input id="f-BackupRetentionPeriod" name="BackupRetentionPeriod" type="number" min="7" max="730" step="1"
                    value={if long_term { AttrValue::default() } else { p.value.clone() }}
                    disabled={long_term}
                    aria-invalid={invalid.to_string()} aria-describedby="p-BackupRetentionPeriod"
                    {oninput} />
                <span>{ t(l, Text::RetentionDays) }</span>
                <label class="check"><input type="checkbox" name="LongTerm" checked={long_term} {onchange} />
                    { t(l, Text::LongTerm) }</label>
            </div>
            if not_whole {
                <div role="alert"><ul class="problems" id="p-BackupRetentionPeriod"><li><code>{ "Parameters.Invalid" }</code>{ " " }{ t(l, Text::RetentionWhole) }</li></ul></div>
            } else {
                <Problems id="p-BackupRetentionPeriod" marks={p.marks.clone()} />
            }
        </div>
    }
}
