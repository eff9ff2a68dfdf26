//! A deterministic generator of batch CSV files, shared by `examples/gen_batch.rs` and the
//! benchmarks (which include this file by path).

use std::io::Write;

use radfee::{Date, Law};

/// A 64-bit linear congruential generator.
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

/// Writes a batch CSV of `rows` rows over `apps` applications, from `seed`: the same
/// arguments always give the same bytes. Every application's rows agree and fall to one
/// authority, so everything can be priced.
pub(crate) fn write_batch(schedules: &Law, mut w: impl Write, rows: u64, apps: u64, seed: u64) -> std::io::Result<()> {
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
    let apps = apps.max(1);
    let mut rng = Lcg(seed);
    writeln!(w, "application_id,province,procedure,received,channel,class,count")?;
    let start = Date::new(2017, 1, 1).expect("valid").to_days();
    for i in 0..rows {
        // Interleave: row i belongs to a pseudo-random application; the first `apps` rows
        // give every application at least one row.
        let app = if i < apps { i } else { rng.below(apps) };
        // Everything about an application derives from its number, so its rows agree.
        let mut a = Lcg(seed ^ app.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let province = &provinces[usize::try_from(a.below(provinces.len() as u64)).unwrap_or(0)];
        let prefix = PROVINCE_SPELLINGS[usize::try_from(a.below(6)).unwrap_or(0)];
        let procedure = procedures[usize::try_from(a.below(procedures.len() as u64)).unwrap_or(0)];
        let day = Date::from_days(start + i64::try_from(a.below(3650)).unwrap_or(0)).expect("in range");
        let channel = if a.below(2) == 0 { "online" } else { "in_person" };
        let family: &[&str] = if a.below(5) == 0 { &sources } else { &medical };
        let class = family[usize::try_from(rng.below(family.len() as u64)).unwrap_or(0)];
        let count = 1 + rng.below(3);
        let name =
            if province.contains('-') || prefix.is_empty() { province.clone() } else { format!("{prefix}{province}") };
        let quoted = if name.contains(',') { format!("\"{name}\"") } else { name };
        writeln!(w, "A-{app:07},{quoted},{procedure},{day},{channel},{class},{count}")?;
    }
    Ok(())
}
