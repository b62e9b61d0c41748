//! Who the proxy says the caller is, or how to sign in.

use crate::api::{self, ApiError, Config};
use crate::i18n::{Lang, Text, t};
use yew::prelude::*;

/// Props of [`CallerView`].
#[derive(Properties, PartialEq)]
pub struct CallerProps {
    /// The console's language.
    pub lang: Lang,
    /// The proxy's configuration (its auth mode, the caller it saw).
    pub config: Config,
    /// The proxy's last refusal of the caller's credential, if any.
    pub problem: Option<ApiError>,
    /// True when the embedding host provides the token.
    pub host_token: bool,
    /// A token was typed in or forgotten: the console asks again.
    pub on_sign_in: Callback<()>,
}

/// The caller, or how to sign in: a token to paste (`--auth tokens`), the portal's
/// sign-in (a host-provided token), the auth proxy's (a reload).
#[function_component(CallerView)]
pub fn caller_view(p: &CallerProps) -> Html {
    let l = p.lang;
    let token_ref = use_node_ref();
    let bump = {
        let cb = p.on_sign_in.clone();
        move || cb.emit(())
    };
    if let (Some(user), None) = (&p.config.user, &p.problem) {
        let sign_out = (p.config.auth == "tokens" && !p.host_token).then(|| {
            let bump = bump.clone();
            Callback::from(move |_: MouseEvent| {
                api::set_typed_token("");
                bump();
            })
        });
        return html! {
            <p class="caller" role="status">{ t(l, Text::SignedInAs) }{ " " }<strong class="user">{ user.clone() }</strong>
                if let Some(cb) = sign_out { { " " }<button type="button" name="sign-out" onclick={cb}>{ t(l, Text::ForgetToken) }</button> }
            </p>
        };
    }
    if !p.config.needs_sign_in() && p.problem.is_none() {
        return html! {};
    }
    if p.config.auth == "tokens" && !p.host_token {
        let onsubmit = {
            let token_ref = token_ref.clone();
            Callback::from(move |e: SubmitEvent| {
                e.prevent_default();
                if let Some(input) = token_ref.cast::<web_sys::HtmlInputElement>() {
                    api::set_typed_token(&input.value());
                    input.set_value("");
                }
                bump();
            })
        };
        let refused = p.problem.is_some() || p.config.sign_in_error.is_some();
        return html! {
            <form class="sign-in" {onsubmit} aria-labelledby="h-sign-in">
                <p id="h-sign-in" role="alert">{ t(l, if refused { Text::TokenRefused } else { Text::SignInToken }) }</p>
                <label for="f-token">{ t(l, Text::TokenLabel) }</label>
                <input ref={token_ref} id="f-token" name="token" type="password" autocomplete="off" required=true />
                <button type="submit" name="use-token">{ t(l, Text::UseToken) }</button>
            </form>
        };
    }
    let text = if p.host_token || p.config.auth == "oidc" {
        Text::SignInPortal
    } else {
        Text::SignInProxy
    };
    html! { <p class="sign-in" role="alert">{ t(l, text) }</p> }
}
