//! The least-privilege RAM policy for the request.

use crate::components::copy_button::CopyButton;
use crate::i18n::{Lang, PanelText, tp};
use rds_backup_core::policy::least_privilege;
use rds_backup_core::{CreateBackup, Region};
use yew::prelude::*;

/// Props of [`PolicyPanel`].
#[derive(Properties, PartialEq)]
pub struct PolicyProps {
    /// The console's language.
    pub lang: Lang,
    /// The region.
    pub region: AttrValue,
    /// The valid request, if the form holds one.
    pub request: Option<CreateBackup>,
}

/// The policy panel.
#[function_component(PolicyPanel)]
pub fn policy_panel(p: &PolicyProps) -> Html {
    let l = p.lang;
    let body = match (&p.request, Region::new(&p.region)) {
        (Some(req), Ok(region)) => {
            let text =
                serde_json::to_string_pretty(&least_privilege(&region, req)).unwrap_or_default();
            html! {
                <>
                    <p class="hint">{ tp(l, PanelText::PolicyHint) }</p>
                    <CopyButton lang={l} name="copy-policy" what={tp(l, PanelText::Policy)} text={text.clone()} />
                    <pre class="ram-policy" tabindex="0" aria-label={tp(l, PanelText::Policy)}>{ text }</pre>
                </>
            }
        }
        _ => html! { <p class="hint">{ tp(l, PanelText::NotValidSeePreview) }</p> },
    };
    html! {
        <section class="policy" aria-labelledby="h-policy">
            <h2 id="h-policy">{ tp(l, PanelText::Policy) }</h2>
            { body }
        </section>
    }
}
