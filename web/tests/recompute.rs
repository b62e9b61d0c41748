//! One keystroke's recompute as the console does it, in wasm in headless Chromium:
//! choices, validate, the HTTP preview and the selected snippet for the form's draft.
//! A benchmark, run by `scripts/bench-web.sh` with `RDS_BENCH=1` in the console's
//! profile (`--profile web-release`); without it the test only checks that it runs.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, missing_docs)]

use rds_backup_core::snippet::{self, Target};
use rds_backup_core::{Context, Draft, Engine, Region, StorageType, choices, validate};
use rds_backup_web::components::preview::http_preview;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// What the console recomputes after the user typed into the form; returns bytes made.
fn recompute(i: u32) -> usize {
    let ctx = Context::new(Engine::MySql, StorageType::LocalSsd);
    let draft = Draft {
        db_instance_id: Some("rm-uf6wjk5xxxxxxx".into()),
        backup_method: Some("Logical".into()),
        backup_strategy: Some("db".into()),
        db_name: Some(if i.is_multiple_of(2) {
            vec!["orders".into()]
        } else {
            vec!["orders".into(), "users".into()]
        }),
        backup_retention_period: Some(7 + i64::from(i % 700)),
        ..Draft::default()
    };
    let region = Region::new("cn-hangzhou").unwrap();
    let fields = choices(&ctx, &draft);
    let Ok(request) = validate(&ctx, &draft) else {
        return fields.len();
    };
    let http = http_preview(&request, region.as_str());
    let code = snippet::snippet(&request, &Target::new(region), snippet::SnippetLang::Python);
    fields.len() + http.len() + code.len()
}

#[wasm_bindgen_test]
fn one_keystroke_recompute() {
    let bench = option_env!("RDS_BENCH").is_some();
    let (batches, per_batch) = if bench { (41, 2_000) } else { (1, 10) };
    let mut made = 0usize;
    for i in 0..500 {
        made += recompute(i);
    }
    let mut per_call_us: Vec<f64> = Vec::new();
    for b in 0..batches {
        let start = js_sys::Date::now();
        for i in 0..per_batch {
            made += recompute(b * per_batch + i);
        }
        per_call_us.push((js_sys::Date::now() - start) * 1000.0 / f64::from(per_batch));
    }
    assert!(made > 0);
    per_call_us.sort_by(f64::total_cmp);
    let at = |q: f64| per_call_us[((per_call_us.len() - 1) as f64 * q) as usize];
    console_log!(
        "{{\"recompute\":\"choices + validate + HTTP preview + python snippet, in wasm\",\"median_us\":{:.1},\"p95_us\":{:.1},\"batches\":{batches},\"per_batch\":{per_batch}}}",
        at(0.5),
        at(0.95)
    );
}
