//! The officer's calculator: an application file in, an itemised quote out.
//!
//! ```text
//! cargo run --example calculator -- examples/applications/hanoi-new-general-ct.toml
//! cargo run --example calculator -- APPLICATION.toml --format json
//! cargo run --example calculator -- - < APPLICATION.toml          # read standard input
//! cargo run --example calculator -- APPLICATION.toml --schedules fee-schedules/
//! cargo run --example calculator -- --class xray_ct --count 2 --procedure renewal \
//!     --province "Đồng Nai" --date 2025-09-15 --channel online      # quick quote from flags
//! cargo run --example calculator -- --name "Máy X-quang di động" --procedure "gia hạn" \
//!     --province "Đồng Nai" --date 15/09/2025 --channel "trực tuyến"   # as the form says
//! cargo run --example calculator -- --device xray_ct:2 --device "Máy X-quang răng toàn cảnh" \
//!     --province "Huế" --date 2026-03-02                               # several devices
//! ```
//!
//! Exit codes: 0 priced; 1 understood but cannot be priced as one application (a class with no
//! fee row, devices falling to different authorities); 2 bad input or bad schedule.

#![deny(clippy::print_stdout, clippy::print_stderr)] // output goes through common::emit

mod common;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use common::{emit, fail, usage};
use radfee::application::{DeviceEntry, FacilityKind};
use radfee::{Application, Channel, Date, DeviceClass, Procedure};

/// Compute the radiation-safety appraisal fee (phí thẩm định an toàn bức xạ) for an application.
#[derive(Parser, Debug)]
#[command(name = "calculator", version)]
struct Args {
    /// Application file (TOML, docs/application.md), or `-` for standard input. Leave it out to
    /// quote one device from the flags below (which cannot be combined with a file).
    application: Option<String>,
    /// Output format: text, json, or html (one printable A4 page to sign, with the inputs to
    /// re-run it; open it in a browser and print).
    #[arg(long, value_enum, default_value = "text")]
    format: QuoteFormat,
    /// A folder of schedule files to use instead of the compiled-in ones.
    #[arg(long, value_name = "DIR")]
    schedules: Option<PathBuf>,
    /// Also print how the fee was computed: every value, the version and date it came from,
    /// and its legal reference (in JSON: a `trace` array beside the quote's fields).
    #[arg(long)]
    explain: bool,
    /// Quick quote: one device by its class key (e.g. xray_ct), `--count` of them (not with
    /// --name).
    #[arg(long)]
    class: Option<String>,
    /// Quick quote: one device by its name as written on the form (e.g. "Máy X-quang di
    /// động"), classified as the file form classifies `name`; `--count` of them. It may begin
    /// with `-` ("- Máy X-quang", copied from a list).
    #[arg(long, allow_hyphen_values = true)]
    name: Option<String>,
    /// Quick quote: number of devices of `--class` or `--name`, 1 to 1000000 [default: 1].
    #[arg(long)]
    count: Option<String>,
    /// Quick quote: one more device, as a class key or a name as written, with `:N` for N of
    /// them (e.g. `--device xray_ct:2 --device "Máy X-quang răng toàn cảnh"`). Repeatable.
    #[arg(long, value_name = "CLASS_OR_NAME[:N]", allow_hyphen_values = true)]
    device: Vec<String>,
    /// Quick quote: procedure: new (cấp mới), renewal (gia hạn), supplement (bổ sung), amendment
    /// (sửa đổi), reissue (cấp lại), declaration (khai báo). Required: it changes the fee.
    #[arg(long)]
    procedure: Option<String>,
    /// Quick quote: province, any spelling.
    #[arg(long)]
    province: Option<String>,
    /// Quick quote: date received, DD/MM/YYYY or YYYY-MM-DD.
    #[arg(long)]
    date: Option<String>,
    /// Quick quote: online (trực tuyến) or in_person (trực tiếp) [default: in_person].
    #[arg(long)]
    channel: Option<String>,
    /// Quick quote: the applicant (organisation or person), printed on the quote.
    #[arg(long)]
    applicant: Option<String>,
    /// Quick quote: the kind of facility, for schedules that charge by it.
    #[arg(long)]
    facility_kind: Option<String>,
    /// Language of messages: vi (Vietnamese, the default), en or both.
    #[arg(long, value_name = "vi|en|both")]
    lang: Option<String>,
}

fn read_application(args: &Args) -> Result<Application, ExitCode> {
    // First: a name or device left out takes the next option as its value, and what follows
    // would be read as something else (a file).
    if let Some(name) = &args.name {
        common::name_value(("--name", "--name"), name)?;
    }
    for spec in &args.device {
        common::name_value(("--device", "--device"), spec)?;
    }
    if args.class.is_some() && args.name.is_some() {
        return Err(usage(
            "--class không dùng cùng với --name: ghi mã loại hoặc tên, hoặc thêm thiết bị bằng --device",
            "--class cannot be used with --name: give the class key or the name, or add devices with --device",
        ));
    }
    let quick: Vec<&str> = [
        ("--class", args.class.is_some()),
        ("--name", args.name.is_some()),
        ("--device", !args.device.is_empty()),
        ("--count", args.count.is_some()),
        ("--procedure", args.procedure.is_some()),
        ("--province", args.province.is_some()),
        ("--date", args.date.is_some()),
        ("--channel", args.channel.is_some()),
        ("--facility-kind", args.facility_kind.is_some()),
        ("--applicant", args.applicant.is_some()),
    ]
    .into_iter()
    .filter_map(|(flag, given)| given.then_some(flag))
    .collect();
    if let Some(path) = &args.application {
        if !quick.is_empty() {
            let flags = quick.join(", ");
            return Err(usage(
                &format!(
                    "{flags} dùng cho lệnh tính nhanh, không dùng cùng tệp hồ sơ: tệp đã ghi tỉnh, thủ tục, ngày, hình thức nộp và thiết bị. Hãy sửa tệp, hoặc bỏ tệp"
                ),
                &format!(
                    "{flags} {} a quick quote and cannot be combined with an application file: the file states its own province, procedure, date, channel and devices. Edit the file, or leave the file out",
                    if quick.len() == 1 { "describes" } else { "describe" }
                ),
            ));
        }
        let (name, text) =
            common::read_input(path, radfee::application::MAX_APPLICATION_BYTES as u64, "an application")?;
        let app = Application::from_toml(&name, &text).map_err(|e| fail(&e))?;
        not_after_today(app.received(), &format!("{name}: received"), args.schedules.is_some())?;
        return Ok(app);
    }
    if args.class.is_none() && args.name.is_none() && args.device.is_empty() {
        return Err(usage(
            "hãy cho tệp hồ sơ (hoặc - để đọc từ đầu vào chuẩn), hoặc --class, --name hay --device cùng với --procedure, --province và --date; xem `calculator --help`",
            "give an application file (or - for standard input), or --class, --name or --device with --procedure, --province and --date; see `calculator --help`",
        ));
    }
    // The procedure changes the fee (a renewal is 75 % of a new licence): never assumed.
    let procedure = match args.procedure.as_deref() {
        None => {
            return Err(usage(
                "lệnh tính nhanh cần --procedure (thủ tục): cấp mới, gia hạn, bổ sung, sửa đổi, cấp lại hoặc khai báo",
                "--procedure is required for a quick quote: new, renewal, supplement, amendment, reissue or declaration",
            ));
        }
        Some(p) => Procedure::from_written(p)
            .map_err(|e| usage(&format!("--procedure: {}", e.message_vi), &format!("--procedure: {}", e.message)))?,
    };
    let channel = match args.channel.as_deref() {
        None => Channel::InPerson,
        Some(c) => Channel::from_written(c)
            .map_err(|e| usage(&format!("--channel: {}", e.message_vi), &format!("--channel: {}", e.message)))?,
    };
    let province = args.province.clone().ok_or_else(|| {
        usage("lệnh tính nhanh cần --province (tỉnh, thành phố)", "--province is required for a quick quote")
    })?;
    let date = args.date.as_deref().ok_or_else(|| {
        usage(
            "lệnh tính nhanh cần --date NGÀY/THÁNG/NĂM (ngày tiếp nhận)",
            "--date DD/MM/YYYY is required for a quick quote",
        )
    })?;
    let date =
        Date::from_form(date).map_err(|e| usage(&format!("--date: {}", e.message_vi()), &format!("--date: {e}")))?;
    not_after_today(date, "--date", args.schedules.is_some())?;
    let count = match &args.count {
        None => 1,
        Some(text) => parse_count(text, "--count")?,
    };
    if args.count.is_some() && args.class.is_none() && args.name.is_none() {
        return Err(usage(
            "--count là số thiết bị của --class hoặc --name; với --device hãy ghi `:N` sau tên",
            "--count gives the number of devices of --class or --name; with --device write `:N` after it",
        ));
    }
    let mut builder = Application::builder(province, procedure, date).channel(channel);
    if let Some(a) = &args.applicant {
        builder = builder.applicant(a.as_str());
    }
    if let Some(kind) = &args.facility_kind {
        let kind = FacilityKind::from_key(kind).ok_or_else(|| {
            let kinds: Vec<&str> = FacilityKind::ALL.iter().map(|k| k.key()).collect();
            usage(
                &format!("--facility-kind: không có loại cơ sở `{kind}` (một trong {})", kinds.join(", ")),
                &format!("--facility-kind: unknown kind of facility `{kind}` (one of {})", kinds.join(", ")),
            )
        })?;
        builder = builder.facility_kind(kind);
    }
    if let Some(class) = &args.class {
        let class = DeviceClass::from_written(class).map_err(|e| {
            usage(
                &format!("--class: {}; hoặc ghi tên thiết bị như trên hồ sơ với --name", e.message_vi),
                &format!("--class: {}; or give the name as written with --name", e.message),
            )
        })?;
        builder = builder.device(DeviceEntry::of_class(class, count).map_err(|e| fail(&e))?);
    }
    if let Some(name) = &args.name {
        no_count_in_name(name, "--name")?;
        builder = builder.device(named(name, count)?);
    }
    for spec in &args.device {
        // `WHAT:N`: whatever follows the last `:` is the count, read by the number rule (`2`,
        // `2.0`); a count that is not one (`Máy CT:hai`) is refused, never read as part of the
        // name or as one device. A name holding a `:` is given with --name.
        let (what, n) = match spec.rsplit_once(':').map(|(what, n)| (what.trim(), n.trim())) {
            Some((_, "")) => {
                return Err(usage(
                    &format!(
                        "--device `{spec}`: ghi số thiết bị sau dấu `:` (ví dụ xray_ct:2), hoặc bỏ `:` nếu chỉ có một"
                    ),
                    &format!(
                        "--device `{spec}`: write the number of devices after `:` (e.g. xray_ct:2), or leave `:` out for one"
                    ),
                ));
            }
            Some((what, n)) => match radfee::application::parse_count(n) {
                Ok(n) => (what, n),
                Err(_) if n.chars().any(char::is_alphabetic) => {
                    return Err(usage(
                        &format!(
                            "--device `{spec}`: sau dấu `:` phải là số thiết bị viết bằng chữ số, ví dụ `{what}:2`; tên thiết bị có dấu `:` thì ghi bằng --name"
                        ),
                        &format!(
                            "--device `{spec}`: after `:` comes the number of devices in digits, e.g. `{what}:2`; give a name holding `:` with --name"
                        ),
                    ));
                }
                Err(_) => (what, parse_count(n, &format!("--device `{spec}`"))?),
            },
            None => (spec.trim(), 1),
        };
        no_count_in_name(what, "--device")?;
        let entry = match DeviceClass::from_key(what) {
            Some(class) => DeviceEntry::of_class(class, n).map_err(|e| fail(&e))?,
            // Written like a class key (`xray_ctt`): a mistyped key, answered as --class is.
            None if looks_like_key(what) => {
                let class = DeviceClass::from_written(what)
                    .map_err(|e| usage(&format!("--device: {}", e.message_vi), &format!("--device: {}", e.message)))?;
                DeviceEntry::of_class(class, n).map_err(|e| fail(&e))?
            }
            None => named(what, n)?,
        };
        builder = builder.device(entry);
    }
    builder.build().map_err(|e| fail_flag(&e))
}

/// [`fail`], and for a quick quote whose device name does not settle a class, how to say it
/// with the flags (a quick quote cannot give `modality`).
fn fail_quick(e: &radfee::Error, quick: bool) -> ExitCode {
    let code = if quick { fail_flag(e) } else { fail(e) };
    if let (true, true, radfee::ErrorKind::UnsettledDevice { classes, .. }) =
        (quick, common::json_errors_on(), e.kind())
        && !classes.is_empty()
    {
        let keys = classes.iter().map(|c| c.key()).collect::<Vec<_>>().join(", ");
        common::warn(&format!(
            "{}\n",
            common::in_lang(
                &format!("gợi ý: với lệnh tính nhanh, ghi loại thiết bị bằng --class (một trong: {keys})"),
                &format!("hint: in a quick quote, give the class with --class (one of: {keys})"),
            )
        ));
    }
    code
}

/// Refuses a received date after today (in Vietnam): an application cannot have been received
/// in the future, so such a date is a typing mistake (a year, day and month swapped). With
/// `--schedules` (policy staff previewing edited schedules, which may start in the future) a
/// future date is the point, and is allowed.
fn not_after_today(date: Date, what: &str, preview: bool) -> Result<(), ExitCode> {
    if preview {
        return Ok(());
    }
    date.received_by_today()
        .map(|_| ())
        .map_err(|e| usage(&format!("{what}: {}", e.message_vi()), &format!("{what}: {e}")))
}

/// Whether a text is written like a class key (`xray_ct`): lower-case ASCII letters, digits
/// and `_`, with at least one `_`.
fn looks_like_key(text: &str) -> bool {
    text.contains('_') && text.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Refuses a count written inside a name (`2 Máy CT`, `hai máy CT`, `Máy CT x2`, `Máy CT x 2`,
/// `Máy CT (x2)`, `Máy CT *2`, `Máy CT 2 cái`, `Máy CT - 2 máy`): it would be read as one
/// device named so. The count is said with `:N` (--device) or --count. A bare number at the end
/// (`Máy CT 64`, a 64-slice scanner) is part of the name.
fn no_count_in_name(name: &str, flag: &str) -> Result<(), ExitCode> {
    let words: Vec<String> = name
        .split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | '-' | ',' | '–'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let digits = |w: &str| !w.is_empty() && w.chars().all(|c| c.is_ascii_digit());
    let times = |w: &str| matches!(w, "x" | "×" | "*");
    let with_times = |w: &str| w.strip_prefix(['x', '×', '*']).is_some_and(digits);
    let unit = |w: &str| matches!(w, "cái" | "máy" | "chiếc" | "bộ" | "thiết" | "hệ");
    let number_word =
        |w: &str| matches!(w, "một" | "hai" | "ba" | "bốn" | "năm" | "sáu" | "bảy" | "tám" | "chín" | "mười" | "mấy");
    let n = words.len();
    let first = n > 1 && (digits(&words[0]) || (number_word(&words[0]) && unit(&words[1])));
    let last = n > 1
        && (with_times(&words[n - 1])
            || (n > 2 && times(&words[n - 2]) && digits(&words[n - 1]))
            || (n > 2 && digits(&words[n - 2]) && unit(&words[n - 1])));
    if !first && !last {
        return Ok(());
    }
    let how_vi = if flag == "--name" {
        "ghi số lượng bằng --count"
    } else {
        "ghi số lượng sau dấu `:`, ví dụ `Máy CT:2`"
    };
    let how_en =
        if flag == "--name" { "give the count with --count" } else { "give the count after `:`, e.g. `Máy CT:2`" };
    Err(usage(
        &format!("{flag} `{name}`: có vẻ tên có kèm số lượng; {how_vi}"),
        &format!("{flag} `{name}`: the name seems to hold a count; {how_en}"),
    ))
}

/// [`fail`] for a quick quote: each finding named by the flag it came from (`--province`),
/// not by the key of a file the officer never wrote; JSON errors and refusals that are not an
/// input's (split authorities, no fee row) as [`fail`] says them.
fn fail_flag(e: &radfee::Error) -> ExitCode {
    if common::json_errors_on() || !e.is_input() {
        return fail(e);
    }
    let flag = |key: Option<&str>| match key {
        Some("province") => "--province",
        Some("received") => "--date",
        Some("procedure") => "--procedure",
        Some("channel") => "--channel",
        Some("applicant") => "--applicant",
        Some("facility_kind") => "--facility-kind",
        _ => "--class/--name/--device",
    };
    // A name that does not settle a class: said with the flags a quick quote has (a file would
    // give `modality` or `class = …`, which flags cannot).
    if let radfee::ErrorKind::UnsettledDevice { device, classes, .. } = e.kind() {
        let keys = classes.iter().map(|c| format!("{} ({})", c.key(), c.name_vi())).collect::<Vec<_>>().join(", ");
        let keys_en = classes.iter().map(|c| c.key()).collect::<Vec<_>>().join(", ");
        let (vi, en) = if classes.is_empty() {
            (
                format!(
                    "--class/--name/--device: thiết bị {device}: tên chưa cho biết loại thiết bị; ghi rõ hơn (ví dụ \"Máy X-quang răng toàn cảnh\") hoặc ghi mã loại bằng --class"
                ),
                format!(
                    "--class/--name/--device: device {device}: the name does not say what the device is; write it more fully or give the class key with --class"
                ),
            )
        } else {
            (
                format!(
                    "--class/--name/--device: thiết bị {device}: tên có thể là nhiều loại thiết bị: {keys}; ghi rõ loại trong tên hoặc ghi mã loại, ví dụ --device {}",
                    classes[0].key()
                ),
                format!(
                    "--class/--name/--device: device {device}: the name fits several classes: {keys_en}; say which in the name or give the class key, e.g. --device {}",
                    classes[0].key()
                ),
            )
        };
        usage(&vi, &en);
        return ExitCode::from(common::exit_code(e));
    }
    let (mut vi, mut en) = (Vec::new(), Vec::new());
    for f in e.findings() {
        let at = flag(f.key.as_deref());
        let hint = |h: Option<&str>, word: &str| h.map(|h| format!("\n  {word}: {h}")).unwrap_or_default();
        vi.push(format!(
            "{at}: {}{}",
            f.message_vi().unwrap_or(&f.message),
            hint(f.hint_vi().or(f.hint.as_deref()), "gợi ý")
        ));
        en.push(format!("{at}: {}{}", f.message, hint(f.hint.as_deref(), "hint")));
    }
    usage(&vi.join("\n"), &en.join("\n"));
    ExitCode::from(common::exit_code(e))
}

/// A device given by its name as written, to be classified.
fn named(name: &str, count: u32) -> Result<DeviceEntry, ExitCode> {
    let description = radfee::classify::Description::named(name).map_err(|e| fail(&e))?;
    DeviceEntry::described(description, count).map_err(|e| fail(&e))
}

/// A count flag (or the `:N` of `--device`), checked as the file form checks `count`.
fn parse_count(text: &str, flag: &str) -> Result<u32, ExitCode> {
    radfee::application::parse_count(text).map_err(|e| {
        let (vi, en) = common::message(&e);
        let en = en.strip_prefix("count: ").or_else(|| en.strip_prefix("count ")).unwrap_or(&en);
        let vi = vi.strip_prefix("số lượng (count): ").unwrap_or(&vi);
        usage(&format!("{flag}: {vi}"), &format!("{flag}: {en}"))
    })
}

/// What the calculator writes.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum QuoteFormat {
    /// The bilingual text quote.
    Text,
    /// The quote as JSON (docs/quote-json.md).
    Json,
    /// One self-contained A4 HTML page to print and sign.
    Html,
}

/// The JSON of a quote or an explanation (a failure, which their types cannot cause, is said).
fn json<T: serde::Serialize>(value: &T) -> Result<String, ExitCode> {
    serde_json::to_string(value)
        .map_err(|e| usage(&format!("không viết được JSON: {e}"), &format!("cannot write the JSON: {e}")))
}

fn run() -> Result<(), ExitCode> {
    let args = common::parse_args::<Args>(&[
        ("", "Tính phí thẩm định an toàn bức xạ cho một hồ sơ"),
        (
            "application",
            "Tệp hồ sơ (TOML, docs/application.md), hoặc `-` để đọc từ đầu vào chuẩn. Bỏ trống để tính nhanh cho thiết bị ghi bằng các tùy chọn dưới đây (không dùng cùng tệp hồ sơ)",
        ),
        (
            "format",
            "Dạng kết quả: text (văn bản), json, hoặc html (một trang A4 để in và ký, kèm dữ liệu đầu vào để tính lại; mở bằng trình duyệt rồi in) [mặc định: text]",
        ),
        common::SCHEDULES_VI,
        (
            "explain",
            "In thêm cách tính: từng giá trị, phiên bản và ngày áp dụng, căn cứ pháp lý (trong JSON: mảng `trace` bên cạnh các trường của bảng tính phí)",
        ),
        (
            "class",
            "Tính nhanh: một thiết bị theo mã loại (ví dụ xray_ct), số lượng ghi ở `--count` (không dùng cùng --name)",
        ),
        (
            "name",
            "Tính nhanh: một thiết bị theo tên ghi trên hồ sơ (ví dụ \"Máy X-quang di động\"), được phân loại như trường `name` của tệp hồ sơ; số lượng ghi ở `--count`",
        ),
        ("count", "Tính nhanh: số thiết bị của `--class` hoặc `--name`, từ 1 đến 1000000 [mặc định: 1]"),
        (
            "device",
            "Tính nhanh: thêm một thiết bị, ghi mã loại hoặc tên như trên hồ sơ, thêm `:N` nếu có N thiết bị (ví dụ `--device xray_ct:2 --device \"Máy X-quang răng toàn cảnh\"`). Có thể ghi nhiều lần",
        ),
        (
            "procedure",
            "Tính nhanh: thủ tục: cấp mới, gia hạn, bổ sung, sửa đổi, cấp lại, khai báo (hoặc new, renewal, supplement, amendment, reissue, declaration); bắt buộc, vì thủ tục làm thay đổi mức phí",
        ),
        ("province", "Tính nhanh: tỉnh, thành phố, viết cách nào cũng được (có dấu, không dấu, tên cũ)"),
        ("date", "Tính nhanh: ngày tiếp nhận hồ sơ, NGÀY/THÁNG/NĂM (ví dụ 15/09/2025) hoặc NĂM-THÁNG-NGÀY"),
        ("channel", "Tính nhanh: hình thức nộp: trực tuyến hoặc trực tiếp (online, in_person) [mặc định: trực tiếp]"),
        ("applicant", "Tính nhanh: tổ chức, cá nhân đề nghị cấp phép, in trên bảng tính phí"),
        ("facility_kind", "Tính nhanh: loại cơ sở, cho biểu phí thu theo loại cơ sở"),
        common::LANG_VI,
    ])?;
    common::set_lang(args.lang.as_deref())?;
    if args.format == QuoteFormat::Json {
        common::json_errors();
    }
    let schedules = common::load_schedules(args.schedules.as_deref())?;
    let app = read_application(&args)?;
    if args.explain {
        let x = schedules.explain(&app).map_err(|e| fail_quick(&e, args.application.is_none()))?;
        return match args.format {
            QuoteFormat::Text => emit(&format!("{}\n{}", x.quote.to_text(), x.to_text())),
            QuoteFormat::Json => emit(&format!("{}\n", json(&x)?)),
            QuoteFormat::Html => Err(usage(
                "--explain không in được dạng HTML; dùng --format text hoặc json",
                "--explain is not printed in HTML; use --format text or json",
            )),
        };
    }
    let quote = schedules.quote(&app).map_err(|e| fail_quick(&e, args.application.is_none()))?;
    match args.format {
        QuoteFormat::Text => emit(&quote.to_text()),
        QuoteFormat::Json => emit(&format!("{}\n", json(&quote)?)),
        QuoteFormat::Html => emit(&quote.to_html(&app)),
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => code,
    }
}
