//! A semantic diff of fee schedules, and what it does to sample applications.
//!
//! ```text
//! # two versions of one folder (default: the shipped schedules)
//! cargo run --example diff-schedules -- --from vn-287-2016 --to vn-287-2016-a63-2023
//! # the versions in force on a date in two folders (e.g. before and after an edit)
//! cargo run --example diff-schedules -- --old fee-schedules --new my-edit --date 2026-06-01
//! # a province against the national schedule on a date
//! cargo run --example diff-schedules -- --province "Hà Nội" --date 2026-06-01
//! ```
//!
//! Lists rows added, removed and re-priced, classes re-mapped, procedure factors, adjustments
//! (factors, channels, windows), charges, rounding and dates in force that changed, and what no
//! quote prints (a legal reference's date and link; every value, when nothing else differs);
//! with `--old`/`--new`, each province's facts too. Then prices every application in `--apps`
//! (default: examples/applications) under both: old total → new total.

#![deny(clippy::print_stdout, clippy::print_stderr)] // output goes through common::emit

mod common;

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use common::{in_lang, in_line};
use radfee::schedule::{Version, diff};
use radfee::{Application, Date, DeviceClass, Law};

/// Compare two fee-schedule versions.
#[derive(Parser, Debug)]
#[command(name = "diff-schedules", version)]
struct Args {
    /// Old version id (with --to).
    #[arg(long, requires = "to")]
    from: Option<String>,
    /// New version id (with --from).
    #[arg(long, requires = "from")]
    to: Option<String>,
    /// The folder holding --from/--to or --province (default: the compiled-in schedules).
    #[arg(long, value_name = "DIR")]
    schedules: Option<PathBuf>,
    /// Old folder (with --new and --date).
    #[arg(long, value_name = "DIR", requires_all = ["new", "date"])]
    old: Option<PathBuf>,
    /// New folder (with --old and --date).
    #[arg(long, value_name = "DIR", requires = "old")]
    new: Option<PathBuf>,
    /// A province to compare with the national schedule (with --date).
    #[arg(long, requires = "date")]
    province: Option<String>,
    /// The date whose versions are compared (DD/MM/YYYY or YYYY-MM-DD).
    #[arg(long)]
    date: Option<String>,
    /// A folder of application files to price under both versions (default: the crate's
    /// sample applications, compiled in, wherever the tool is run from).
    #[arg(long, value_name = "DIR")]
    apps: Option<PathBuf>,
    /// Language of messages: vi (Vietnamese, the default), en or both.
    #[arg(long, value_name = "vi|en|both")]
    lang: Option<String>,
}

/// A refusal of the tool, in Vietnamese and in English.
type Refusal = (String, String);

/// A library error as a refusal, in both languages.
fn refusal(e: &radfee::Error) -> Refusal {
    (e.display_in(radfee::error::Lang::Vi), e.display_in(radfee::error::Lang::En))
}

fn load(dir: Option<&PathBuf>) -> Result<&'static Law, Refusal> {
    match dir {
        Some(d) => Law::from_dir(d).map(|law| &*Box::leak(Box::new(law))),
        None => Law::builtin(),
    }
    .map_err(|e| refusal(&e))
}

/// The crate's sample applications (examples/applications/), compiled in.
const SAMPLES: &[(&str, &str)] = &[
    ("binh-duong-described-device.toml", include_str!("applications/binh-duong-described-device.toml")),
    ("dong-nai-renewal-online.toml", include_str!("applications/dong-nai-renewal-online.toml")),
    ("hanoi-new-general-ct.toml", include_str!("applications/hanoi-new-general-ct.toml")),
    ("nghe-an-renewal-after-window.toml", include_str!("applications/nghe-an-renewal-after-window.toml")),
];

/// The applications to price: the `.toml` files of `dir`, or the compiled-in samples.
fn samples(dir: Option<&std::path::Path>) -> Result<Vec<(String, String)>, Refusal> {
    let Some(dir) = dir else {
        return Ok(SAMPLES.iter().map(|(n, t)| ((*n).to_owned(), (*t).to_owned())).collect());
    };
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| {
            (
                format!("không đọc được thư mục {}: {}", dir.display(), common::io_vi(&e)),
                format!("cannot read {}: {e}", dir.display()),
            )
        })?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    entries.sort();
    entries
        .into_iter()
        .map(|path| {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            radfee::application::read_text_file(
                &path,
                radfee::application::MAX_APPLICATION_BYTES as u64,
                "an application",
            )
            .map(|t| (name, t))
            .map_err(|e| refusal(&e))
        })
        .collect()
}

fn version<'a>(s: &'a Law, id: &str) -> Result<&'a Version, Refusal> {
    s.versions().iter().find(|v| v.id() == id).ok_or_else(|| {
        let known = s.versions().iter().map(Version::id).collect::<Vec<&str>>().join(", ");
        (
            format!("không có phiên bản biểu phí `{id}`; các phiên bản là: {known}"),
            format!("no version `{id}`; the versions are: {known}"),
        )
    })
}

fn in_force<'a>(s: &'a Law, date: Date, what: (&str, &str)) -> Result<&'a Version, Refusal> {
    s.version_on(date).ok_or_else(|| {
        (
            format!("{}: không có phiên bản biểu phí nào có hiệu lực vào ngày {}", what.0, date.day_first()),
            format!("{}: no version is in force on {date}", what.1),
        )
    })
}

fn run(args: &Args) -> Result<String, Refusal> {
    let mut o = String::new();
    let date = args
        .date
        .as_deref()
        .map(Date::from_form)
        .transpose()
        .map_err(|e| (format!("--date: {}", e.message_vi()), format!("--date: {e}")))?;
    // The law and the version of the old and new side.
    let (old_s, new_s): (&Law, &Law);
    let (old_v, new_v, province): (&Version, &Version, Option<&str>);
    let whole = args.old.is_some();
    if let (Some(from), Some(to)) = (&args.from, &args.to) {
        old_s = load(args.schedules.as_ref())?;
        new_s = old_s;
        old_v = version(old_s, from).map_err(|(vi, en)| (format!("--from: {vi}"), format!("--from: {en}")))?;
        new_v = version(old_s, to).map_err(|(vi, en)| (format!("--to: {vi}"), format!("--to: {en}")))?;
        province = None;
    } else if let (Some(o), Some(n), Some(d)) = (&args.old, &args.new, date) {
        old_s = load(Some(o))?;
        new_s = load(Some(n))?;
        let (o, n) = (o.display().to_string(), n.display().to_string());
        old_v = in_force(old_s, d, (&o, &o))?;
        new_v = in_force(new_s, d, (&n, &n))?;
        province = None;
    } else if let (Some(p), Some(d)) = (&args.province, date) {
        old_s = load(args.schedules.as_ref())?;
        new_s = old_s;
        let national = in_force(old_s, d, ("biểu phí quốc gia", "national schedule"))?;
        let (_, prov) = old_s
            .provinces()
            .resolve(p, d)
            .map_err(|e| (format!("--province: {}", e.message_vi()), format!("--province: {e}")))?;
        old_v = national;
        new_v = prov.version_applied(national, d);
        province = Some(p);
    } else {
        return Err((
            "hãy cho --from và --to, hoặc --old, --new và --date, hoặc --province và --date".to_owned(),
            "give --from and --to, or --old, --new and --date, or --province and --date".to_owned(),
        ));
    }
    let (a, b) =
        (format!("{} ({})", old_v.id(), old_v.fingerprint()), format!("{} ({})", new_v.id(), new_v.fingerprint()));
    let _ = writeln!(o, "{}", in_line(&format!("So sánh {a} → {b}"), &format!("Comparing {a} → {b}")));
    let differences = diff(old_v, new_v);
    if differences.is_empty() {
        let _ = writeln!(
            o,
            "  {}",
            in_line("biểu phí quốc gia không có gì khác", "no difference in the national schedule")
        );
    }
    for d in &differences {
        let _ = writeln!(o, "  {}", d.display_in(common::lang()));
    }
    if let (true, Some(day)) = (whole, date) {
        whole_law(&mut o, old_s, new_s, day);
    }
    if let (Some(old_dir), Some(new_dir)) = (&args.old, &args.new) {
        files_that_differ(&mut o, old_dir, new_dir)?;
    }
    // Each sample is priced as an application received on the date compared: a total someone
    // would really be charged under the old files and under the new ones.
    let (old_day, new_day) = match (date, args.from.is_some()) {
        (Some(d), _) => (d, d),
        (None, _) => (old_v.effective_from(), new_v.effective_from()),
    };
    let samples = samples(args.apps.as_deref())?;
    let n = samples.len();
    let folder = args.apps.as_ref().map(|d| d.display().to_string());
    let (ov, nv) = (old_v.id(), new_v.id());
    let vi = format!(
        "Ảnh hưởng tới {n} hồ sơ ({}), mỗi hồ sơ coi như được tiếp nhận vào ngày {}:",
        folder.clone().unwrap_or_else(|| "các hồ sơ mẫu kèm chương trình".to_owned()),
        if old_day == new_day {
            old_day.day_first()
        } else {
            format!("{} theo {ov} và ngày {} theo {nv}", old_day.day_first(), new_day.day_first())
        }
    );
    let en = format!(
        "Effect on {n} application(s) ({}), each as received on {}:",
        folder.unwrap_or_else(|| "the crate's samples".to_owned()),
        if old_day == new_day {
            old_day.to_string()
        } else {
            format!("{old_day} under {ov} and on {new_day} under {nv}")
        }
    );
    let _ = writeln!(o, "\n{}", in_lang(&vi, &en));
    let place =
        province.map_or_else(String::new, |p| in_line(&format!(" (nộp tại {p})"), &format!(" (as filed in {p})")));
    for (name, text) in samples {
        let app = Application::from_toml(&name, &text).map_err(|e| refusal(&e))?;
        // Priced as received on the day compared (and, for --province, as filed there).
        let price = |s: &Law, v: &Version, day: Date| {
            let mut b = app.to_builder().received(day);
            if let Some(p) = province {
                b = b.province(p);
            }
            let priced = b.build().and_then(|app| if whole { s.quote(&app) } else { s.quote_with_version(&app, v) });
            priced.map(|q| q.total).map_err(|e| {
                let (head_vi, head_en) = if e.is_unpriceable() {
                    ("không tính được phí cho hồ sơ này", "cannot be priced as one application")
                } else {
                    ("lỗi", "error")
                };
                let (vi, en) = refusal(&e);
                in_line(
                    &format!("chưa tính được phí ({head_vi}: {})", vi.replace('\n', "; ")),
                    &format!("not priced ({head_en}: {})", en.replace('\n', "; ")),
                )
            })
        };
        let name = format!("{name}{place}");
        let old_total = price(old_s, old_v, old_day);
        let new_total = price(new_s, new_v, new_day);
        let _ = match (old_total, new_total) {
            (Ok(a), Ok(b)) if a == b => writeln!(o, "  {name}: {a} ({})", in_line("không đổi", "unchanged")),
            (Ok(a), Ok(b)) => {
                // The change with its sign: +1.500.000 ₫ or -900.000 ₫.
                let delta = b.checked_sub(a).map_or_else(String::new, |d| {
                    let d = d.to_string();
                    if d.starts_with('-') { format!(" ({d})") } else { format!(" (+{d})") }
                });
                writeln!(o, "  {name}: {a} → {b}{delta}")
            }
            (a, b) => writeln!(
                o,
                "  {name}: {} → {}",
                a.map_or_else(|e| e, |m| m.to_string()),
                b.map_or_else(|e| e, |m| m.to_string())
            ),
        };
    }
    Ok(o)
}

/// Every file of the two folders whose values differ (comments, layout and key order aside),
/// or that only one has: the tables the lines above have no words for (the authority table,
/// the classifier's rules, the nuclides, the catalogue) are then named at least, so no edit
/// goes unmentioned.
fn files_that_differ(o: &mut String, old: &std::path::Path, new: &std::path::Path) -> Result<(), Refusal> {
    // Each folder as it is read: a part it leaves out is the built-in one.
    let read = |dir: &std::path::Path| -> Result<std::collections::BTreeMap<String, Option<toml::Table>>, Refusal> {
        let files = Law::with_builtin_parts(Law::read_dir(dir).map_err(|e| refusal(&e))?);
        Ok(files.into_iter().filter(|f| f.is_read()).map(|f| (f.path, f.text.parse::<toml::Table>().ok())).collect())
    };
    let (a, b) = (read(old)?, read(new)?);
    let mut names: Vec<&String> = a.keys().chain(b.keys()).collect();
    names.sort();
    names.dedup();
    let differ: Vec<&str> = names.into_iter().filter(|n| a.get(*n) != b.get(*n)).map(String::as_str).collect();
    if !differ.is_empty() {
        let list = differ.join(", ");
        let _ = writeln!(
            o,
            "  {}",
            in_line(
                &format!("các tệp khác nhau (không kể ghi chú và cách trình bày): {list}"),
                &format!("files that differ (comments and layout aside): {list}")
            )
        );
    }
    Ok(())
}

/// A legal reference in full: what a quote prints, then its date of issue and link.
fn cited(b: &radfee::schedule::LegalRef) -> String {
    let mut out = b.to_string();
    if let Some(date) = b.date {
        let _ = write!(out, " ({date})");
    }
    if let Some(url) = &b.url {
        let _ = write!(out, " <{url}>");
    }
    out
}

/// What a province file says, fact by fact: (English, Vietnamese label, value).
fn province_facts(p: &radfee::province::Province) -> [(&'static str, &'static str, String); 7] {
    let c = p.collector();
    let former = p
        .former()
        .iter()
        .map(|f| format!("{} / {} ({}; {})", f.name.vi, f.name.en, f.slug, f.aliases.join(", ")))
        .collect::<Vec<_>>();
    [
        ("name", "tên", format!("{} / {}", p.name().vi, p.name().en)),
        ("kind", "loại đơn vị", format!("{:?}", p.kind())),
        ("aliases", "tên gọi khác", format!("[{}]", p.aliases().join(", "))),
        ("since", "hình thành từ ngày", p.since().to_string()),
        ("basis", "căn cứ", cited(p.basis())),
        ("former provinces", "tỉnh cũ", former.join("; ")),
        ("collector", "đơn vị thu phí", format!("{} / {}, {}", c.vi, c.en, cited(&c.basis))),
    ]
}

/// What else two folders say differently on `day`: each province's facts (names, aliases,
/// the body that collects…) and own version (its local deviations), provinces added or left
/// out, and the licensing authority of each class.
fn whole_law(o: &mut String, old: &Law, new: &Law, day: Date) {
    for p in old.provinces().all() {
        if new.provinces().by_slug(p.slug()).is_none() {
            let name = &p.name().vi;
            let _ = writeln!(
                o,
                "  {}",
                in_line(
                    &format!("{name}: không còn trong thư mục này"),
                    &format!("province {name}: not in this folder any more")
                )
            );
        }
    }
    for p in new.provinces().all() {
        let Some(before) = old.provinces().by_slug(p.slug()) else {
            let name = &p.name().vi;
            let _ = writeln!(
                o,
                "  {}",
                in_line(&format!("{name}: mới có trong thư mục này"), &format!("province {name}: new in this folder"))
            );
            continue;
        };
        for ((en, vi, a), (_, _, b)) in province_facts(before).into_iter().zip(province_facts(p)) {
            if a != b {
                let name = &p.name().vi;
                let _ = writeln!(
                    o,
                    "  {}",
                    in_line(&format!("{name}: {vi}: {a} → {b}"), &format!("province {name}: {en}: {a} → {b}"))
                );
            }
        }
    }
    let (Some(old_n), Some(new_n)) = (old.version_on(day), new.version_on(day)) else { return };
    // The national differences, worked out once, for the first province that deviates.
    let national = std::cell::OnceCell::new();
    for p in new.provinces().all() {
        let Some(before) = old.provinces().by_slug(p.slug()) else { continue };
        let (a, b) = (before.version_applied(old_n, day), p.version_applied(new_n, day));
        if a.deviation().is_none() && b.deviation().is_none() {
            continue;
        }
        let national = national.get_or_init(|| diff(old_n, new_n));
        let local: Vec<String> =
            diff(a, b).iter().filter(|d| !national.contains(d)).map(|d| d.display_in(common::lang())).collect();
        for d in local {
            let name = &p.name().vi;
            let _ = writeln!(
                o,
                "  {}",
                in_line(
                    &format!("{name} (quy định riêng của địa phương): {d}"),
                    &format!("province {name} (local deviation): {d}")
                )
            );
        }
    }
    for class in DeviceClass::ALL {
        let who = |law: &Law| law.authority().rule(*class, day).map(|(r, _)| r.authority.key());
        let (a, b) = (who(old), who(new));
        if a != b {
            let (a_vi, b_vi) = (a.unwrap_or("không cơ quan nào"), b.unwrap_or("không cơ quan nào"));
            let (a_en, b_en) = (a.unwrap_or("nobody"), b.unwrap_or("nobody"));
            let _ = writeln!(
                o,
                "  {}",
                in_line(
                    &format!("cơ quan cấp phép: `{class}` do {a_vi} → {b_vi} cấp phép vào ngày {}", day.day_first()),
                    &format!("authority: `{class}` is licensed by {a_en} → {b_en} on {day}"),
                )
            );
        }
    }
}

fn main() -> ExitCode {
    let args = match common::parse_args::<Args>(&[
        ("", "So sánh hai phiên bản biểu phí và ảnh hưởng tới các hồ sơ mẫu"),
        ("from", "Mã phiên bản cũ (dùng cùng --to)"),
        ("to", "Mã phiên bản mới (dùng cùng --from)"),
        ("schedules", "Thư mục chứa --from/--to hoặc --province (mặc định: biểu phí có sẵn trong chương trình)"),
        ("old", "Thư mục cũ (dùng cùng --new và --date)"),
        ("new", "Thư mục mới (dùng cùng --old và --date)"),
        ("province", "Tỉnh, thành phố so với biểu phí quốc gia (dùng cùng --date)"),
        ("date", "Ngày có hiệu lực của các phiên bản được so sánh (NGÀY/THÁNG/NĂM hoặc NĂM-THÁNG-NGÀY)"),
        (
            "apps",
            "Thư mục các tệp hồ sơ để tính phí theo cả hai phiên bản (mặc định: các hồ sơ mẫu có sẵn trong chương trình)",
        ),
        common::LANG_VI,
    ]) {
        Ok(a) => a,
        Err(code) => return code,
    };
    if let Err(code) = common::set_lang(args.lang.as_deref()) {
        return code;
    }
    match run(&args) {
        Ok(text) => common::emit(&text).map_or_else(|code| code, |()| ExitCode::SUCCESS),
        Err((vi, en)) => common::usage(&vi, &en),
    }
}
