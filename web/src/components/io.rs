//! Export and import of the form as JSON (the request as the CLI and the proxy take it),
//! and an import's error. Part of the panels module: the buttons appear beside the form's
//! own once it has loaded.

use crate::browser;
use crate::i18n::{Lang, PanelText, tp};
use crate::state::Form;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Props of [`ExportImport`].
#[derive(Properties, PartialEq)]
pub struct IoProps {
    /// The console's language.
    pub lang: Lang,
    /// The form (exported as it is).
    pub form: Form,
    /// An imported form, to load.
    pub onload: Callback<Form>,
}

/// The buttons.
#[function_component(ExportImport)]
pub fn export_import(p: &IoProps) -> Html {
    let l = p.lang;
    let error = use_state(|| None::<String>);
    let export = {
        let json = p.form.to_json();
        Callback::from(move |_: MouseEvent| browser::download("rds-backup-request.json", &json))
    };
    let import = {
        let (onload, error) = (p.onload.clone(), error.clone());
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            let (onload, error) = (onload.clone(), error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let text = gloo::file::futures::read_as_text(&gloo::file::File::from(file))
                    .await
                    .map_err(|e| e.to_string());
                match text.and_then(|t| Form::from_json(&t)) {
                    Ok(f) => {
                        error.set(None);
                        onload.emit(f);
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    html! {
        <>
            <button type="button" name="export" onclick={export}>{ tp(l, PanelText::Export) }</button>
            <label class="button">
                { tp(l, PanelText::Import) }
                <input type="file" name="import" accept="application/json,.json" class="visually-hidden" onchange={import} />
            </label>
            if let Some(e) = &*error {
                <p class="problems import-error" role="alert">{ format!("{} {e}", tp(l, PanelText::ImportFailed)) }</p>
            }
        </>
    }
}
