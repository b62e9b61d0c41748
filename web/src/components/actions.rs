//! The form's buttons: send and reset, and the slot where the panels module puts export
//! and import once it has loaded.

use crate::i18n::{Lang, Text, t};
use crate::state::{Action, Form, History};
use yew::prelude::*;

/// Props of [`Actions`].
#[derive(Properties, PartialEq)]
pub struct ActionsProps {
    /// The console's language.
    pub lang: Lang,
    /// The region (reset keeps it).
    pub region: AttrValue,
    /// True when the request may be sent now.
    pub can_send: bool,
    /// True while a send is on its way.
    pub sending: bool,
    /// True when no proxy answered: the console composes only.
    pub offline: bool,
    /// Send the request.
    pub onsend: Callback<MouseEvent>,
    /// The form's changes.
    pub dispatch: Callback<Action>,
}

/// The buttons under the form.
#[function_component(Actions)]
pub fn actions(p: &ActionsProps) -> Html {
    let l = p.lang;
    let reset = {
        let region = p.region.clone();
        p.dispatch.reform(move |_: MouseEvent| {
            let fresh = Form {
                region: region.to_string(),
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
                <button type="button" name="reset" onclick={reset}>{ t(l, Text::Reset) }</button>
                <div class="panels-io"></div>
            </div>
        </>
    }
}
