//! Entry point of the console's wasm.
#![forbid(unsafe_code)]

fn main() {
    rds_backup_web::start();
}
