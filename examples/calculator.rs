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

#![allow(clippy::print_stdout, clippy::print_stderr)] // a command-line tool prints

mod common;

use std::io::Read as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use common::Format;
use radfee::{Application, Channel, Date, DeviceClass, Error, Procedure};

/// Compute the radiation-safety appraisal fee (phí thẩm định an toàn bức xạ) for an application.
#[derive(Parser, Debug)]
#[command(name = "calculator", version)]
struct Args {
    /// Application file (TOML, spec/application.md), or `-` for standard input. Leave it out to
    /// quote one device from the flags below.
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
    /// Quick quote: number of devices.
    #[arg(long, default_value_t = 1)]
    count: u32,
    /// Quick quote: procedure (new, renewal, supplement, amendment, reissue, declaration).
    #[arg(long, default_value = "new")]
    procedure: String,
    /// Quick quote: province, any spelling.
    #[arg(long)]
    province: Option<String>,
    /// Quick quote: date received, YYYY-MM-DD.
    #[arg(long)]
    date: Option<String>,
    /// Quick quote: online or in_person.
    #[arg(long, default_value = "in_person")]
    channel: String,
}

fn fail(err: &Error) -> ExitCode {
    eprintln!("{}", if err.is_unpriceable() { "cannot be priced as one application:" } else { "error:" });
    eprintln!("{err}");
    ExitCode::from(u8::try_from(err.exit_code()).unwrap_or(2))
}

fn usage(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

fn read_application(args: &Args) -> Result<Application, ExitCode> {
    if let Some(path) = &args.application {
        let (name, text) = if path == "-" {
            let mut text = String::new();
            std::io::stdin()
                .take(radfee::MAX_APPLICATION_BYTES as u64 + 1)
                .read_to_string(&mut text)
                .map_err(|e| usage(&format!("cannot read the application from standard input: {e}")))?;
            ("<stdin>".to_owned(), text)
        } else {
            let meta = std::fs::metadata(path).map_err(|e| usage(&format!("cannot read {path}: {e}")))?;
            if meta.len() > radfee::MAX_APPLICATION_BYTES as u64 {
                return Err(usage(&format!(
                    "{path}: the file is {} bytes; an application may be at most {} bytes",
                    meta.len(),
                    radfee::MAX_APPLICATION_BYTES
                )));
            }
            let text = std::fs::read_to_string(path)
                .map_err(|e| usage(&format!("cannot read {path}: {e} (application files must be UTF-8 text)")))?;
            (path.clone(), text)
        };
        return Application::from_toml(&name, &text).map_err(|e| fail(&e));
    }
    let Some(class) = &args.class else {
        return Err(usage("give an application file (or - for standard input), or --class with --province and --date"));
    };
    let class =
        DeviceClass::from_key(class).ok_or_else(|| usage(&format!("--class: unknown device class `{class}`")))?;
    let procedure = Procedure::from_key(&args.procedure)
        .ok_or_else(|| usage(&format!("--procedure: unknown procedure `{}`", args.procedure)))?;
    let channel = Channel::from_key(&args.channel)
        .ok_or_else(|| usage(&format!("--channel: unknown channel `{}` (online or in_person)", args.channel)))?;
    let province = args.province.clone().ok_or_else(|| usage("--province is required for a quick quote"))?;
    let date = args.date.as_deref().ok_or_else(|| usage("--date YYYY-MM-DD is required for a quick quote"))?;
    let date: Date = date.parse().map_err(|e| usage(&format!("--date: {e}")))?;
    if args.count == 0 {
        return Err(usage("--count must be at least 1"));
    }
    Ok(Application::new(province, procedure, date).with_channel(channel).with_device(class, args.count))
}

fn main() -> ExitCode {
    let args = match common::parse_args::<Args>() {
        Ok(a) => a,
        Err(code) => return code,
    };
    let schedules = match common::load_schedules(args.schedules.as_deref()) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let app = match read_application(&args) {
        Ok(a) => a,
        Err(code) => return code,
    };
    if args.explain {
        return match schedules.explain(&app) {
            Ok(x) => {
                match args.format {
                    Format::Text => print!("{}\n{}", x.quote.to_text(), x.to_text()),
                    Format::Json => println!("{}", serde_json::to_string(&x).unwrap_or_default()),
                }
                ExitCode::SUCCESS
            }
            Err(e) => fail(&e),
        };
    }
    match schedules.quote(&app) {
        Ok(quote) => {
            match args.format {
                Format::Text => print!("{}", quote.to_text()),
                Format::Json => println!("{}", quote.to_json()),
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
    }
}
