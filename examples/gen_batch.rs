//! A deterministic generator of batch CSV files (spec/batch.md), for tests and benchmarks.
//!
//! ```text
//! cargo run --release --example gen_batch -- --rows 1000000 --seed 42 > batch.csv
//! ```
//!
//! The same `--rows`, `--applications` and `--seed` always give the same bytes. Every
//! application's rows agree on province, procedure, date and channel, and its classes fall to
//! one authority, so every application can be priced. Rows are interleaved across
//! applications, as in real exports.

#![allow(clippy::print_stdout, clippy::print_stderr)] // a command-line tool prints

use std::io::{BufWriter, Write as _};

use clap::Parser;
use radfee::Schedules;

/// Generate a batch CSV file on standard output.
#[derive(Parser, Debug)]
#[command(name = "gen_batch")]
struct Args {
    /// Number of data rows.
    #[arg(long, default_value_t = 1_000_000)]
    rows: u64,
    /// Number of applications (default: rows / 2.5).
    #[arg(long)]
    applications: Option<u64>,
    /// Seed.
    #[arg(long, default_value_t = 42)]
    seed: u64,
}

struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

const PROVINCE_SPELLINGS: [&str; 6] = ["", "Tỉnh ", "Thành phố ", "TP. ", "", ""];

fn main() -> std::process::ExitCode {
    let args = match Args::try_parse() {
        Ok(a) => a,
        Err(e) => {
            let _ = e.print();
            return std::process::ExitCode::from(2);
        }
    };
    let schedules = Schedules::builtin().expect("the shipped schedules load");
    let provinces: Vec<String> = schedules
        .provinces()
        .all()
        .iter()
        .flat_map(|p| {
            let short = p.name().vi.trim_start_matches("Tỉnh ").trim_start_matches("Thành phố ").to_owned();
            let mut names = vec![p.slug().to_owned(), short];
            names.extend(p.former().iter().map(|f| f.name.vi.clone()));
            names
        })
        .collect();
    // Classes grouped so that one application never mixes authorities: medical X-ray only
    // (province at every date) or sealed-source devices only (VARANS at every date).
    let medical = [
        "xray_general",
        "xray_ct",
        "xray_mammography",
        "xray_mobile",
        "xray_dental_panoramic",
        "xray_dental_intraoral",
        "xray_fluoroscopy",
        "xray_c_arm",
        "xray_bone_densitometry",
        "xray_veterinary",
    ];
    let sources = ["nuclear_gauge", "well_logging", "gamma_radiography", "static_eliminator", "xrf_analyzer_source"];
    let procedures = ["new", "renewal", "renewal", "renewal", "supplement", "declaration", "amendment", "reissue"];
    let apps = args.applications.unwrap_or((args.rows * 2 / 5).max(1));
    let mut rng = Lcg(args.seed);
    let out = std::io::stdout();
    let mut w = BufWriter::with_capacity(1 << 20, out.lock());
    let _ = writeln!(w, "application_id,province,procedure,received,channel,class,count");
    let start = radfee::Date::new(2017, 1, 1).expect("valid").to_days();
    for i in 0..args.rows {
        // Interleave: row i belongs to a pseudo-random application; the first `apps` rows
        // give every application at least one row.
        let app = if i < apps { i } else { rng.below(apps) };
        // Everything about an application derives from its number, so its rows agree.
        let mut a = Lcg(args.seed ^ app.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let province = &provinces[usize::try_from(a.below(provinces.len() as u64)).unwrap_or(0)];
        let prefix = PROVINCE_SPELLINGS[usize::try_from(a.below(6)).unwrap_or(0)];
        let procedure = procedures[usize::try_from(a.below(procedures.len() as u64)).unwrap_or(0)];
        let day = radfee::Date::from_days(start + i64::try_from(a.below(3650)).unwrap_or(0)).expect("in range");
        let channel = if a.below(2) == 0 { "online" } else { "in_person" };
        let family: &[&str] = if a.below(5) == 0 { &sources } else { &medical };
        let class = family[usize::try_from(rng.below(family.len() as u64)).unwrap_or(0)];
        let count = 1 + rng.below(3);
        let name =
            if province.contains('-') || prefix.is_empty() { province.clone() } else { format!("{prefix}{province}") };
        let quoted = if name.contains(',') { format!("\"{name}\"") } else { name };
        let _ = writeln!(w, "A-{app:07},{quoted},{procedure},{day},{channel},{class},{count}");
    }
    let _ = w.flush();
    std::process::ExitCode::SUCCESS
}
