//! The commands: each turns its input into one JSON document and an exit status.

use clap::Args;
use rds_backup_core::{
    Context, CreateBackup, Draft, Engine, ErrorItem, Field, FieldChoices, Input, InputError,
    Report, StorageType,
};
use serde::Serialize;
use serde_json::json;
use std::io::Read;
use std::process::ExitCode;

/// What a command prints, and how it exits.
pub struct Outcome {
    /// The JSON document for stdout, pretty-printed.
    pub body: String,
    /// 0 ok, 1 refused, 2 unusable input.
    pub status: u8,
}

impl Outcome {
    /// Any serializable body (key order kept as the type declares it).
    pub fn of(body: &impl Serialize, status: u8) -> Outcome {
        match serde_json::to_string_pretty(body) {
            Ok(body) => Outcome { body, status },
            Err(e) => Outcome {
                body: json!({"ok": false, "errors": [{"code": "Internal", "field": "", "message": e.to_string()}]})
                    .to_string(),
                status: 2,
            },
        }
    }

    /// Plain text (a request rendered as HTTP, curl or a URL).
    pub fn text(body: String, status: u8) -> Outcome {
        Outcome { body, status }
    }

    /// Prints the body and returns the exit code. A reader that went away (`| head`) is
    /// not an error of ours: the output stops, the status stays.
    pub fn print(self) -> ExitCode {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        match writeln!(out, "{}", self.body).and_then(|()| out.flush()) {
            Ok(()) => ExitCode::from(self.status),
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::from(self.status),
            Err(e) => {
                eprintln!("rds-backup: cannot write the output: {e}");
                ExitCode::from(2)
            }
        }
    }

    fn unusable(errors: &[InputError]) -> Outcome {
        let items: Vec<ErrorItem> = errors.iter().map(InputError::report).collect();
        Outcome::of(&Report::refused(items), 2)
    }
}

/// Reads all of stdin; bytes that are not UTF-8 become a JSON error later.
pub fn read_stdin() -> Result<String, String> {
    let mut buf = Vec::new();
    std::io::stdin()
        .read_to_end(&mut buf)
        .map_err(|e| format!("cannot read stdin: {e}"))?;
    String::from_utf8(buf).map_err(|_| "stdin is not UTF-8 text".to_owned())
}

/// Reads the request on stdin and validates it: the input and the checked request,
/// or what to print instead (exit 2 for unusable input, the `check` report and exit 1
/// for a refused request).
pub fn read_request(stdin: &Result<String, String>) -> Result<(Input, CreateBackup), Outcome> {
    let text = stdin
        .as_ref()
        .map_err(|e| Outcome::unusable(&[InputError::NotJson(e.clone())]))?;
    let input = Input::from_json(text).map_err(|errors| Outcome::unusable(&errors))?;
    let ctx = input
        .context()
        .map_err(|errors| Outcome::unusable(&errors))?;
    match rds_backup_core::validate(&ctx, &input.draft) {
        Ok(request) => Ok((input, request)),
        Err(_) => Err(Outcome::of(&Report::check(&ctx, &input.draft), 1)),
    }
}

/// `check`: one JSON object in, the verdict out.
pub fn check(stdin: &Result<String, String>) -> Outcome {
    match read_request(stdin) {
        Ok((_, request)) => Outcome::of(&Report::accepted(&request), 0),
        Err(outcome) => outcome,
    }
}

/// Arguments of `options`.
#[derive(Args)]
pub struct OptionsArgs {
    /// The engine: MySQL, PostgreSQL, SQLServer or MariaDB.
    #[arg(long)]
    engine: String,
    /// The storage type, e.g. local_ssd or cloud_essd.
    #[arg(long)]
    storage: String,
    /// A field already chosen, as NAME=VALUE (repeatable), e.g. BackupMethod=Logical.
    #[arg(long = "set", value_name = "NAME=VALUE")]
    set: Vec<String>,
}

/// `options`: the choices for every field given the context and the fields set.
pub fn options(args: &OptionsArgs) -> Outcome {
    let mut errors = Vec::new();
    let engine = Engine::parse(&args.engine);
    if engine.is_none() {
        errors.push(unknown(
            Field::Engine,
            &args.engine,
            Engine::ALL.iter().map(|e| e.as_str()),
        ));
    }
    let storage = StorageType::parse(&args.storage);
    if storage.is_none() {
        errors.push(unknown(
            Field::StorageType,
            &args.storage,
            StorageType::ALL.iter().map(|s| s.as_str()),
        ));
    }
    let mut draft = Draft::default();
    for item in &args.set {
        let Some((name, value)) = item.split_once('=') else {
            errors.push(ErrorItem {
                code: "InvalidInput.WrongType".into(),
                field: item.clone(),
                message: format!("--set takes NAME=VALUE, not '{item}'"),
            });
            continue;
        };
        let (code, message) = match Field::parse(name) {
            None => (
                "InvalidInput.UnknownField",
                format!("unknown field '{name}'"),
            ),
            Some(f) => match draft.set(f, value) {
                Ok(()) => continue,
                Err(m) => ("InvalidInput.WrongType", m),
            },
        };
        errors.push(ErrorItem {
            code: code.into(),
            field: name.to_owned(),
            message,
        });
    }
    let (Some(engine), Some(storage), true) = (engine, storage, errors.is_empty()) else {
        return Outcome::of(&Report::refused(errors), 2);
    };
    let ctx = Context::new(engine, storage);
    let report = OptionsReport {
        ok: true,
        context: ctx,
        set: draft.clone(),
        fields: rds_backup_core::choices(&ctx, &draft),
    };
    Outcome::of(&report, 0)
}

/// What `options` prints.
#[derive(Serialize)]
struct OptionsReport {
    ok: bool,
    #[serde(flatten)]
    context: Context,
    set: Draft,
    fields: Vec<FieldChoices>,
}

fn unknown<'a>(field: Field, value: &str, valid: impl Iterator<Item = &'a str>) -> ErrorItem {
    ErrorItem {
        code: "InvalidInput.UnknownValue".into(),
        field: field.as_str().into(),
        message: format!(
            "'{value}' is not a valid {field}: use {}",
            valid.collect::<Vec<_>>().join(", ")
        ),
    }
}
