//! Which provider this project's credential chain picks, and the key id it gets (for the
//! comparison with the official Python library; the key id is not a secret).
//!
//!     chain-probe   -> {"provider": "cli-profile default/AK", "kind": "cli-profile", "access_key_id": "..."}
//!                      or {"error": "..."}
#![forbid(unsafe_code)]

use rds_backup_credentials::{Env, Options, http_client, resolve};

fn main() {
    let Ok(rt) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        return;
    };
    let out = rt.block_on(async {
        let http = match http_client() {
            Ok(h) => h,
            Err(e) => return serde_json::json!({"error": e.to_string()}),
        };
        match resolve(&Env::from_process(), &Options::default(), &http).await {
            Ok((p, f)) => serde_json::json!({
                "provider": p.name,
                "kind": p.kind.as_str(),
                "access_key_id": f.credentials.access_key_id,
            }),
            Err(e) => serde_json::json!({"error": e.to_string()}),
        }
    });
    println!("{out}");
}
