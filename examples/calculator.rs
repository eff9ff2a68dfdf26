//! The officer's calculator: an application file in, an itemised quote out.
//!
//! ```text
//! cargo run --example calculator -- examples/applications/hanoi-new-general-ct.toml
//! cargo run --example calculator -- APPLICATION.toml --format json
//! cargo run --example calculator -- - < APPLICATION.toml          # read standard input
//! cargo run --example calculator -- APPLICATION.toml --schedules fee-schedules/
//! cargo run --example calculator -- --class xray_ct --count 2 --procedure renewal \
//!     --province "Đồng Nai" --date 2025-09-15 --channel online      # quick quote from flags
//! ```
//!
//! Exit codes: 0 priced; 1 understood but cannot be priced as one application (a class with no
//! fee row, devices falling to different authorities); 2 bad input or bad schedule.

#![deny(clippy::print_stdout, clippy::print_stderr)] // output goes through common::emit

mod common;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use common::{Format, emit, fail, usage};
use radfee::application::{DeviceEntry, FacilityKind};
use radfee::{Application, Channel, Date, DeviceClass, Procedure};

/// Compute the radiation-safety appraisal fee (phí thẩm định an toàn bức xạ) for an application.
#[derive(Parser, Debug)]
#[command(name = "calculator", version)]
struct Args {
    /// Application file (TOML, docs/application.md), or `-` for standard input. Leave it out to
    /// quote one device from the flags below (which cannot be combined with a file).
    application: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// A folder of schedule files to use instead of the compiled-in ones.
    #[arg(long, value_name = "DIR")]
    schedules: Option<PathBuf>,
    /// Also print how the fee was computed: every value, the version and date it came from,
    /// and its legal reference (in JSON: a `trace` array beside the quote's fields).
    #[arg(long)]
    explain: bool,
    /// Quick quote: device class key (e.g. xray_ct).
    #[arg(long)]
    class: Option<String>,
    /// Quick quote: number of devices, 1 to 1000000 [default: 1].
    #[arg(long)]
    count: Option<String>,
    /// Quick quote: procedure (new, renewal, supplement, amendment, reissue, declaration) [default: new].
    #[arg(long)]
    procedure: Option<String>,
    /// Quick quote: province, any spelling.
    #[arg(long)]
    province: Option<String>,
    /// Quick quote: date received, YYYY-MM-DD.
    #[arg(long)]
    date: Option<String>,
    /// Quick quote: online or in_person [default: in_person].
    #[arg(long)]
    channel: Option<String>,
    /// Quick quote: the kind of facility, for schedules that charge by it.
    #[arg(long)]
    facility_kind: Option<String>,
}

fn read_application(args: &Args) -> Result<Application, ExitCode> {
    let quick: Vec<&str> = [
        ("--class", args.class.is_some()),
        ("--count", args.count.is_some()),
        ("--procedure", args.procedure.is_some()),
        ("--province", args.province.is_some()),
        ("--date", args.date.is_some()),
        ("--channel", args.channel.is_some()),
        ("--facility-kind", args.facility_kind.is_some()),
    ]
    .into_iter()
    .filter_map(|(flag, given)| given.then_some(flag))
    .collect();
    if let Some(path) = &args.application {
        if !quick.is_empty() {
            return Err(usage(&format!(
                "{} describe a quick quote and cannot be combined with an application file: the file states its own province, procedure, date, channel and devices. Edit the file, or leave the file out",
                quick.join(", ")
            )));
        }
        let (name, text) =
            common::read_input(path, radfee::application::MAX_APPLICATION_BYTES as u64, "an application")?;
        return Application::from_toml(&name, &text).map_err(|e| fail(&e));
    }
    let Some(class) = &args.class else {
        return Err(usage("give an application file (or - for standard input), or --class with --province and --date"));
    };
    let class =
        DeviceClass::from_key(class).ok_or_else(|| usage(&format!("--class: unknown device class `{class}`")))?;
    let procedure = args.procedure.as_deref().unwrap_or("new");
    let procedure = Procedure::from_key(procedure)
        .ok_or_else(|| usage(&format!("--procedure: unknown procedure `{procedure}`")))?;
    let channel = args.channel.as_deref().unwrap_or("in_person");
    let channel = Channel::from_key(channel)
        .ok_or_else(|| usage(&format!("--channel: unknown channel `{channel}` (online or in_person)")))?;
    let province = args.province.clone().ok_or_else(|| usage("--province is required for a quick quote"))?;
    let date = args.date.as_deref().ok_or_else(|| usage("--date YYYY-MM-DD is required for a quick quote"))?;
    let date: Date = date.parse().map_err(|e| usage(&format!("--date: {e}")))?;
    let count = match &args.count {
        None => 1,
        Some(text) => radfee::application::parse_count(text).map_err(|e| {
            usage(&format!("--{}", e.findings().first().map_or_else(String::new, |f| f.message.clone())))
        })?,
    };
    let mut builder = Application::builder(province, procedure, date).channel(channel);
    if let Some(kind) = &args.facility_kind {
        let kind = FacilityKind::from_key(kind).ok_or_else(|| {
            let kinds: Vec<&str> = FacilityKind::ALL.iter().map(|k| k.key()).collect();
            usage(&format!("--facility-kind: unknown kind of facility `{kind}` (one of {})", kinds.join(", ")))
        })?;
        builder = builder.facility_kind(kind);
    }
    let device = DeviceEntry::of_class(class, count).map_err(|e| fail(&e))?;
    builder.device(device).build().map_err(|e| fail(&e))
}

/// The JSON of a quote or an explanation (a failure, which their types cannot cause, is said).
fn json<T: serde::Serialize>(value: &T) -> Result<String, ExitCode> {
    serde_json::to_string(value).map_err(|e| usage(&format!("cannot write the JSON: {e}")))
}

fn run() -> Result<(), ExitCode> {
    let args = common::parse_args::<Args>()?;
    let schedules = common::load_schedules(args.schedules.as_deref())?;
    let app = read_application(&args)?;
    if args.explain {
        let x = schedules.explain(&app).map_err(|e| fail(&e))?;
        return match args.format {
            Format::Text => emit(&format!("{}\n{}", x.quote.to_text(), x.to_text())),
            Format::Json => emit(&format!("{}\n", json(&x)?)),
        };
    }
    let quote = schedules.quote(&app).map_err(|e| fail(&e))?;
    match args.format {
        Format::Text => emit(&quote.to_text()),
        Format::Json => emit(&format!("{}\n", json(&quote)?)),
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => code,
    }
}
