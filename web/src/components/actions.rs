//! The form's buttons: send, export, import, reset; and an import's error.

use crate::browser;
use crate::i18n::{Lang, Text, t};
use crate::state::{Action, Form, History};
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Props of [`Actions`].
#[derive(Properties, PartialEq)]
pub struct ActionsProps {
    /// The console's language.
    pub lang: Lang,
    /// The form (exported as it is; reset keeps its region).
    pub form: Form,
    /// True when the request may be sent now.
    pub can_send: bool,
    /// True while a send is on its way.
    pub sending: bool,
    /// True when no proxy answered: the console composes only.
    pub offline: bool,
    /// Why the last import failed.
    pub import_error: Option<String>,
    /// Send the request.
    pub onsend: Callback<MouseEvent>,
    /// An imported file read (`Err`: why it is not a form).
    pub onimport: Callback<Result<Form, String>>,
    /// The form's changes.
    pub dispatch: Callback<Action>,
}

/// The buttons under the form.
#[function_component(Actions)]
pub fn actions(p: &ActionsProps) -> Html {
    let l = p.lang;
    let export = {
        let json = p.form.to_json();
        Callback::from(move |_: MouseEvent| browser::download("rds-backup-request.json", &json))
    };
    let import = {
        let cb = p.onimport.clone();
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            let cb = cb.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let text = gloo::file::futures::read_as_text(&gloo::file::File::from(file))
                    .await
                    .map_err(|e| e.to_string());
                cb.emit(text.and_then(|t| Form::from_json(&t)));
            });
        })
    };
    let reset = {
        let region = p.form.region.clone();
        p.dispatch.reform(move |_: MouseEvent| {
            let fresh = Form {
                region: region.clone(),
                ..Form::default()
            };
            Action::Load(fresh, History::Push)
        })
    };
    html! {
        <>
            <div class="actions">
                <button type="button" class="primary" name="send" disabled={!p.can_send} onclick={p.onsend.clone()}>
                    { t(l, if p.sending { Text::Sending } else { Text::Send }) }
                </button>
                if p.offline { <p class="hint">{ t(l, Text::SendNeedsProxy) }</p> }
                <button type="button" name="export" onclick={export}>{ t(l, Text::Export) }</button>
                <label class="button">
                    { t(l, Text::Import) }
                    <input type="file" name="import" accept="application/json,.json" class="visually-hidden" onchange={import} />
                </label>
                <button type="button" name="reset" onclick={reset}>{ t(l, Text::Reset) }</button>
            </div>
            if let Some(e) = &p.import_error {
                <p class="problems" role="alert">{ format!("{} {e}", t(l, Text::ImportFailed)) }</p>
            }
        </>
    }
}
