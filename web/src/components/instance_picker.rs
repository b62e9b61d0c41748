//! The instance picker: a text field that searches the region's instances in the proxy
//! as the user types (the ARIA combobox pattern: a listbox of results, the active one
//! named by `aria-activedescendant`, arrow keys, Enter, Escape), for fleets of thousands.
//! The search waits for a pause in typing, asks one page, drops answers to older
//! searches, and draws only the rows in view of a list that grows as it is scrolled.

use crate::api::{ApiError, Client, Instance};
use crate::fields::{Marks, Problems};
use crate::i18n::{Lang, Text, t};
use rds_backup_core::{Engine, Region};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlInputElement, KeyboardEvent};
use yew::prelude::*;

/// The height of one result row, in CSS pixels (the stylesheet's `.combo li`).
const ROW: i32 = 48;
/// Rows in view at once.
const IN_VIEW: i32 = 8;
/// Rows drawn beyond the view, each side.
const SPARE: i32 = 4;
/// How long typing must pause before a search, in milliseconds.
const PAUSE_MS: u32 = 120;

/// Props of [`InstancePicker`].
#[derive(Properties, PartialEq)]
pub struct InstancePickerProps {
    /// The console's language.
    pub lang: Lang,
    /// The proxy.
    pub client: Client,
    /// The region searched.
    pub region: AttrValue,
    /// Whether the proxy can be asked (ready, signed in).
    pub ready: bool,
    /// The field's value: what was typed or picked.
    pub value: AttrValue,
    /// The engines offered (an embedding page may narrow them).
    #[prop_or_default]
    pub engines: Option<Vec<Engine>>,
    /// Problems to mark.
    #[prop_or_default]
    pub marks: Marks,
    /// Typing.
    pub oninput: Callback<String>,
    /// An instance was picked (or the value typed is exactly one of the results).
    pub onpick: Callback<Instance>,
    /// The proxy refused the caller.
    pub onunauthorized: Callback<ApiError>,
}

/// What the list shows.
#[derive(Clone, Debug, Default, PartialEq)]
struct Results {
    /// The search they answer.
    query: String,
    /// The instances found so far.
    items: Vec<Instance>,
    /// The next page's token.
    next: String,
    /// A page is on its way.
    loading: bool,
}

/// The instance picker.
#[function_component(InstancePicker)]
pub fn instance_picker(p: &InstancePickerProps) -> Html {
    let l = p.lang;
    let results = use_state(Results::default);
    let loaded = use_state(|| false);
    let open = use_state(|| false);
    let active = use_state(|| None::<usize>);
    let scroll = use_state(|| 0i32);
    let list_ref = use_node_ref();
    // The latest search asked: older answers are dropped.
    let seq = use_mut_ref(|| 0u32);
    let timer = use_mut_ref(|| None::<gloo::timers::callback::Timeout>);
    // The value just picked: no search is made for it.
    let picked = use_mut_ref(|| None::<String>);
    // The region and the field's value as this render has them: an answer to a search for
    // anything else is dropped. (The effect that starts the next search runs after the
    // render, and Yew may yield to the browser in between, where an answer can come in.)
    let current = use_mut_ref(|| (String::new(), String::new()));
    *current.borrow_mut() = (p.region.to_string(), p.value.to_string());

    // Asks one page for `query` (after `token`), appending when `token` is given.
    let fetch: Rc<dyn Fn(String, String)> = {
        let (results, loaded, seq, current) = (
            results.clone(),
            loaded.clone(),
            seq.clone(),
            current.clone(),
        );
        let (client, region, engines) = (p.client.clone(), p.region.to_string(), p.engines.clone());
        let (onpick, onunauthorized) = (p.onpick.clone(), p.onunauthorized.clone());
        Rc::new(move |query: String, token: String| {
            *seq.borrow_mut() += 1;
            let mine = *seq.borrow();
            let (results, loaded, seq, current) = (
                results.clone(),
                loaded.clone(),
                seq.clone(),
                current.clone(),
            );
            let (client, region, engines) = (client.clone(), region.clone(), engines.clone());
            let (onpick, onunauthorized) = (onpick.clone(), onunauthorized.clone());
            let appending = !token.is_empty();
            results.set(Results {
                loading: true,
                ..(*results).clone()
            });
            wasm_bindgen_futures::spawn_local(async move {
                let page = client.instances(&region, &query, &token).await;
                let asked = (region.clone(), query.clone());
                if *seq.borrow() != mine || *current.borrow() != asked {
                    return;
                }
                loaded.set(true);
                match page {
                    Ok(page) => {
                        let allowed = |i: &Instance| {
                            engines.as_ref().is_none_or(|e| {
                                Engine::parse(&i.engine).is_some_and(|x| e.contains(&x))
                            })
                        };
                        let mut items = if appending {
                            results.items.clone()
                        } else {
                            Vec::new()
                        };
                        items.extend(page.instances.into_iter().filter(allowed));
                        if let Some(hit) = items.iter().find(|i| i.id == query.trim()) {
                            onpick.emit(hit.clone());
                        }
                        results.set(Results {
                            query,
                            items,
                            next: page.next_token,
                            loading: false,
                        });
                    }
                    Err(e) => {
                        if e.is_unauthorized() {
                            onunauthorized.emit(e);
                        }
                        results.set(Results {
                            query,
                            ..Results::default()
                        });
                    }
                }
            });
        })
    };

    // A search when the value, the region or the proxy changes: at once for the first
    // page of a region, after a pause while typing.
    {
        let (fetch, timer, picked, open, active, seq) = (
            fetch.clone(),
            timer.clone(),
            picked.clone(),
            open.clone(),
            active.clone(),
            seq.clone(),
        );
        let region_ok = Region::new(&p.region).is_ok();
        use_effect_with(
            (p.region.clone(), p.ready, p.value.clone()),
            move |(region, ready, value)| {
                let _ = region;
                // An answer still on its way is to an older value: dropped, not picked
                // (a reset right after a search would otherwise get the instance back).
                *seq.borrow_mut() += 1;
                let just_picked = picked.borrow().as_deref() == Some(value.as_str());
                if !just_picked {
                    *picked.borrow_mut() = None;
                }
                if *ready && region_ok && !just_picked {
                    let query = value.to_string();
                    *timer.borrow_mut() =
                        Some(gloo::timers::callback::Timeout::new(PAUSE_MS, move || {
                            fetch(query, String::new())
                        }));
                    active.set(None);
                } else if !*ready {
                    open.set(false);
                }
            },
        );
    }
    // Rows are placed through the CSSOM after each render: the page's CSP allows no
    // style attributes.
    {
        let list_ref = list_ref.clone();
        use_effect(move || place_rows(&list_ref));
    }
    // The active row stays in view.
    {
        let list_ref = list_ref.clone();
        use_effect_with(*active, move |active| {
            if let (Some(n), Some(list)) = (active, list_ref.cast::<HtmlElement>()) {
                let top = i32::try_from(*n).unwrap_or(0) * ROW;
                let (view_top, height) = (list.scroll_top(), list.client_height());
                if top < view_top {
                    list.set_scroll_top(top);
                } else if top + ROW > view_top + height {
                    list.set_scroll_top(top + ROW - height);
                }
            }
        });
    }

    let items = &results.items;
    let count = items.len();
    let more = |results: &UseStateHandle<Results>, fetch: &Rc<dyn Fn(String, String)>| {
        if !results.next.is_empty() && !results.loading {
            fetch(results.query.clone(), results.next.clone());
        }
    };
    let pick = {
        let (onpick, oninput, open, active, picked) = (
            p.onpick.clone(),
            p.oninput.clone(),
            open.clone(),
            active.clone(),
            picked.clone(),
        );
        Callback::from(move |i: Instance| {
            *picked.borrow_mut() = Some(i.id.clone());
            oninput.emit(i.id.clone());
            onpick.emit(i);
            open.set(false);
            active.set(None);
        })
    };
    let oninput = {
        let (cb, open, picked) = (p.oninput.clone(), open.clone(), picked.clone());
        Callback::from(move |e: InputEvent| {
            *picked.borrow_mut() = None;
            open.set(true);
            cb.emit(e.target_unchecked_into::<HtmlInputElement>().value());
        })
    };
    let onkeydown = {
        let (open, active, results, pick, fetch) = (
            open.clone(),
            active.clone(),
            results.clone(),
            pick.clone(),
            fetch.clone(),
        );
        Callback::from(move |e: KeyboardEvent| {
            let n = results.items.len();
            match e.key().as_str() {
                "ArrowDown" => {
                    e.prevent_default();
                    open.set(true);
                    let next = active.map_or(0, |a| (a + 1).min(n.saturating_sub(1)));
                    if n > 0 {
                        active.set(Some(next));
                    }
                    if next + 5 >= n {
                        more(&results, &fetch);
                    }
                }
                "ArrowUp" => {
                    e.prevent_default();
                    if let Some(a) = *active {
                        active.set(Some(a.saturating_sub(1)));
                    }
                }
                "Enter" if *open => {
                    if let Some(i) = active.and_then(|a| results.items.get(a)) {
                        e.prevent_default();
                        pick.emit(i.clone());
                    }
                }
                "Escape" if *open => {
                    e.prevent_default();
                    open.set(false);
                    active.set(None);
                }
                _ => {}
            }
        })
    };
    let onfocus = {
        let open = open.clone();
        Callback::from(move |_: FocusEvent| open.set(true))
    };
    let onblur = {
        let (open, active) = (open.clone(), active.clone());
        Callback::from(move |_: FocusEvent| {
            open.set(false);
            active.set(None);
        })
    };
    let onscroll = {
        let (scroll, list_ref, results, fetch) = (
            scroll.clone(),
            list_ref.clone(),
            results.clone(),
            fetch.clone(),
        );
        Callback::from(move |_: Event| {
            if let Some(list) = list_ref.cast::<HtmlElement>() {
                let top = list.scroll_top();
                scroll.set(top);
                let total = i32::try_from(results.items.len()).unwrap_or(i32::MAX) * ROW;
                if top + list.client_height() + 3 * ROW >= total {
                    more(&results, &fetch);
                }
            }
        })
    };

    let shown = *open && (count > 0 || results.loading || !results.query.is_empty());
    let first = usize::try_from((*scroll / ROW - SPARE).max(0)).unwrap_or(0);
    let last = (first + usize::try_from(IN_VIEW + 2 * SPARE).unwrap_or(16)).min(count);
    let status = if results.loading && count == 0 {
        t(l, Text::Searching).to_owned()
    } else if count == 0 {
        t(l, Text::InstanceNoMatch).to_owned()
    } else {
        t(l, Text::InstanceMatches).replace("{n}", &count.to_string())
    };
    let active_id = active
        .filter(|_| shown)
        .map(|a| AttrValue::from(format!("opt-{a}")));
    let invalid = !p.marks.is_empty();
    html! {
        <div class="field picker">
            <label for="f-DBInstanceId" id="l-DBInstanceId">{ t(l, Text::Instance) }</label>
            <div class="combo">
                <input id="f-DBInstanceId" name="DBInstanceId" type="text" role="combobox"
                    aria-autocomplete="list" aria-expanded={shown.to_string()} aria-controls="instances"
                    aria-activedescendant={active_id} aria-invalid={invalid.to_string()}
                    aria-describedby="h-DBInstanceId s-DBInstanceId p-DBInstanceId"
                    data-loaded={loaded.then_some("true")}
                    autocomplete="off" spellcheck="false" value={p.value.clone()}
                    {oninput} {onkeydown} {onfocus} {onblur} />
                if shown {
                    <div class="listbox" ref={list_ref} {onscroll}>
                        <ul id="instances" role="listbox" aria-labelledby="l-DBInstanceId" data-rows={count.to_string()}
                            data-query={results.query.clone()} data-loading={results.loading.then_some("true")}>
                            { for items.iter().enumerate().take(last).skip(first).map(|(n, i)| {
                                let chosen = *active == Some(n);
                                let onmousedown = {
                                    let (pick, i) = (pick.clone(), i.clone());
                                    Callback::from(move |e: MouseEvent| { e.prevent_default(); pick.emit(i.clone()); })
                                };
                                html! {
                                    <li id={format!("opt-{n}")} role="option" aria-selected={chosen.to_string()}
                                        aria-posinset={(n + 1).to_string()} aria-setsize={count.to_string()}
                                        data-id={i.id.clone()}
                                        data-row={n.to_string()} {onmousedown}>
                                        <span class="id">{ i.id.clone() }</span>
                                        <span class="meta">{ format!("{} · {} · {}{}", i.engine, i.storage, i.status,
                                            if i.description.is_empty() { String::new() } else { format!(" · {}", i.description) }) }</span>
                                    </li>
                                }
                            }) }
                        </ul>
                    </div>
                }
            </div>
            <p class="hint" id="h-DBInstanceId">{ t(l, Text::InstanceHint) }</p>
            <p class="visually-hidden" id="s-DBInstanceId" role="status" aria-live="polite">
                { if shown { status } else { String::new() } }
                if shown && !results.next.is_empty() { { " · " }{ t(l, Text::MoreBelow) } }
            </p>
            <Problems id="p-DBInstanceId" marks={p.marks.clone()} />
        </div>
    }
}

/// Sets the list's height and each drawn row's offset from their `data-rows`/`data-row`.
fn place_rows(list_ref: &NodeRef) {
    let Some(list) = list_ref.cast::<HtmlElement>() else {
        return;
    };
    let Some(ul) = list
        .first_element_child()
        .and_then(|e| e.dyn_into::<HtmlElement>().ok())
    else {
        return;
    };
    let px = |n: i32| format!("{}px", n * ROW);
    let rows = ul
        .get_attribute("data-rows")
        .and_then(|r| r.parse::<i32>().ok())
        .unwrap_or(0);
    let _ = ul.style().set_property("height", &px(rows));
    let children = ul.children();
    for i in 0..children.length() {
        let Some(li) = children
            .item(i)
            .and_then(|e| e.dyn_into::<HtmlElement>().ok())
        else {
            continue;
        };
        if let Some(n) = li
            .get_attribute("data-row")
            .and_then(|r| r.parse::<i32>().ok())
        {
            let _ = li.style().set_property("top", &px(n));
        }
    }
}
