//! The preview: the parameters and the HTTP request that will be sent, or what is wrong
//! (for fields the user touched) and what is still to choose.

use crate::browser;
use crate::components::copy_button::CopyButton;
use crate::i18n::{Lang, PanelText, Text, t, tp};
use crate::reasons::say;
use rds_backup_core::sign::{Method, SignatureVersion, preview};
use rds_backup_core::{CreateBackup, Endpoint, Problem, Region, UtcTime};
use yew::prelude::*;

/// Props of [`PreviewPanel`].
#[derive(Properties, PartialEq)]
pub struct PreviewProps {
    /// The console's language.
    pub lang: Lang,
    /// The region (it picks the endpoint).
    pub region: AttrValue,
    /// The valid request, if the form holds one.
    pub request: Option<CreateBackup>,
    /// Its problems otherwise (`None`: engine or storage not chosen).
    pub problems: Option<Vec<Problem>>,
    /// The fields the user changed.
    pub touched: crate::state::Fields,
}

/// The preview of the HTTP request: V3, placeholders for key id and signature.
pub fn http_preview(req: &CreateBackup, region: &str) -> String {
    let endpoint = Region::new(region)
        .map(|r| Endpoint::for_region(&r))
        .unwrap_or_else(|_| Endpoint {
            scheme: rds_backup_core::endpoint::Scheme::Https,
            host: rds_backup_core::endpoint::CENTRAL_HOST.into(),
        });
    let call = req.call(
        Method::Post,
        endpoint,
        UtcTime::from_unix(browser::now_secs()),
        "YourSignatureNonce".into(),
    );
    preview(&call, SignatureVersion::V3)
        .request
        .to_http()
        .replace("\r\n", "\n")
}

/// The preview panel.
#[function_component(PreviewPanel)]
pub fn preview_panel(p: &PreviewProps) -> Html {
    let l = p.lang;
    let body = match (&p.request, &p.problems) {
        (Some(req), _) => {
            let http = http_preview(req, &p.region);
            html! {
                <>
                    <h3>{ tp(l, PanelText::ParamsSent) }</h3>
                    <dl class="params">
                        { for req.params().pairs().map(|(k, v)| html! { <><dt>{ k }</dt><dd data-param={k}>{ v.to_owned() }</dd></> }) }
                    </dl>
                    <h3>{ tp(l, PanelText::HttpRequest) }</h3>
                    <CopyButton lang={l} name="copy-http" what={tp(l, PanelText::HttpRequest)} text={http.clone()} />
                    <pre class="http" tabindex="0" aria-label={tp(l, PanelText::HttpRequest)}>{ http }</pre>
                </>
            }
        }
        (None, Some(problems)) => {
            let (done, todo): (Vec<&Problem>, Vec<&Problem>) =
                problems.iter().partition(|x| p.touched.contains(x.field));
            html! {
                <>
                    <p>{ tp(l, PanelText::NotValidYet) }</p>
                    if !done.is_empty() {
                        <ul class="problems">
                            { for done.iter().map(|x| html! { <li><code>{ x.code.as_str() }</code>{ format!(" {}: {}", x.field, say(l, &x.reason)) }</li> }) }
                        </ul>
                    }
                    if !todo.is_empty() {
                        <p class="todo-title">{ tp(l, PanelText::Missing) }</p>
                        <ul class="todo">
                            { for todo.iter().map(|x| html! { <li><code>{ x.field.as_str() }</code>{ format!(" {}", say(l, &x.reason)) }</li> }) }
                        </ul>
                    }
                </>
            }
        }
        _ => html! { <p>{ t(l, Text::ChooseEngine) }{ " · " }{ t(l, Text::ChooseStorage) }</p> },
    };
    html! {
        <section class="preview" aria-labelledby="h-preview">
            <h2 id="h-preview">{ tp(l, PanelText::Preview) }</h2>
            { body }
        </section>
    }
}
