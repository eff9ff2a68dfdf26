//! Speed and memory targets of issue 7, measured with criterion (never in timed tests).
//!
//! `cargo bench` runs them; `cargo bench -- --test` runs each once (CI does, so they never
//! rot). Groups: quote (engine vs a hand-written calculator), load, batch, classify, registry.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use radfee::application::{DeviceEntry, FacilityKind};
use radfee::batch::{Keep, Options};
use radfee::classify::{Modality, Radiation, Use};
use radfee::registry::{Change, Equipment, EquipmentStatus, Event, Facility, Licence, Registry};
use radfee::{Application, Authority, Channel, Date, Description, DeviceClass, Law, Procedure};

/// The batch generator the tools use (`gen_batch`), included by path.
#[path = "../examples/common/generate.rs"]
#[allow(dead_code, unreachable_pub)]
mod generate;
use rust_decimal::Decimal;

/// A typical application: renewal, online, five lines of mixed classes.
fn typical() -> Application {
    let mut b =
        Application::builder("Đồng Nai", Procedure::Renewal, "2025-09-15".parse().unwrap()).channel(Channel::Online);
    for (class, count) in [
        (DeviceClass::XrayCt, 1),
        (DeviceClass::XrayGeneral, 2),
        (DeviceClass::XrayMobile, 1),
        (DeviceClass::XrayDentalPanoramic, 3),
        (DeviceClass::XrayMammography, 1),
    ] {
        b = b.device(DeviceEntry::of_class(class, count).unwrap());
    }
    b.build().unwrap()
}

/// The same 287/2016 rules written by hand: fees in match arms, the procedure factor and the
/// 2023-12-01..2025-12-31 online reduction, in Decimal.
fn hardcoded(app: &Application) -> Option<Decimal> {
    let mut subtotal = Decimal::ZERO;
    for d in app.devices() {
        let fee: i64 = match d.class()? {
            DeviceClass::XrayDentalIntraoral
            | DeviceClass::XrayDentalPanoramic
            | DeviceClass::XrayDentalCephalometric
            | DeviceClass::XrayDentalCbct
            | DeviceClass::XrayMammography
            | DeviceClass::XrayMobile => 2_000_000,
            DeviceClass::XrayGeneral | DeviceClass::XrayVeterinary | DeviceClass::XrayBoneDensitometry => 3_000_000,
            DeviceClass::XrayFluoroscopy | DeviceClass::XrayCArm | DeviceClass::XrayAngiography => 5_000_000,
            DeviceClass::XrayCt => 8_000_000,
            DeviceClass::PetCt | DeviceClass::SpectCt => 16_000_000,
            _ => return None,
        };
        subtotal += Decimal::from(fee) * Decimal::from(d.count());
    }
    let factor = match app.procedure() {
        Procedure::New | Procedure::Supplement => Decimal::ONE,
        Procedure::Renewal => Decimal::new(75, 2),
        _ => Decimal::ZERO,
    };
    let mut total = subtotal * factor;
    let from = Date::new(2023, 12, 1).unwrap();
    let until = Date::new(2025, 12, 31).unwrap();
    if app.channel() == Channel::Online && app.received() >= from && app.received() <= until {
        total *= Decimal::new(9, 1);
    }
    Some(total.round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero))
}

fn quote(c: &mut Criterion) {
    let s = Law::builtin().unwrap();
    let app = typical();
    assert_eq!(s.quote(&app).unwrap().total.amount(), hardcoded(&app).unwrap(), "the two agree");
    let mut g = c.benchmark_group("quote");
    g.throughput(Throughput::Elements(1));
    assert_eq!(s.total(&app).unwrap().amount.amount(), hardcoded(&app).unwrap());
    // The engine's total (Law::total): the same plan and core as the quote, recording nothing.
    g.bench_function("engine", |b| b.iter(|| black_box(s.total(black_box(&app)).unwrap())));
    g.bench_function("hardcoded", |b| b.iter(|| black_box(hardcoded(black_box(&app)).unwrap())));
    // The full itemised, bilingual, cited quote.
    g.bench_function("itemised", |b| b.iter(|| black_box(s.quote(black_box(&app)).unwrap())));
    g.finish();
}

fn load(c: &mut Criterion) {
    // Parsing and checking every shipped file (what Law::builtin does once per process).
    let files = Law::builtin_files();
    c.bench_function("load/builtin", |b| b.iter(|| black_box(Law::from_files(files.clone()).unwrap())));
    // The shipped catalogue is read when a first name is classified: loading, then that.
    c.bench_function("load/builtin_then_catalogue", |b| {
        b.iter(|| {
            let law = Law::from_files(files.clone()).unwrap();
            black_box(law.catalogue().entries().len())
        })
    });
    // The same without the catalogue of manufacturers and models (an empty catalogue file), so
    // the difference is what the catalogue costs to parse, check and index.
    let mut without: Vec<_> = files.iter().filter(|f| !f.path.starts_with("catalogue/")).cloned().collect();
    without.push(radfee::law::SourceFile::new("catalogue/empty.toml", "catalogue/empty.toml", ""));
    c.bench_function("load/builtin_without_catalogue", |b| {
        b.iter(|| black_box(Law::from_files(without.clone()).unwrap()))
    });
    // Law::builtin after the first call: the cached value.
    c.bench_function("load/builtin_cached", |b| b.iter(|| black_box(Law::builtin().unwrap())));
}

fn batch(c: &mut Criterion) {
    let s = Law::builtin().unwrap();
    let rows = 1_000_000u64;
    let path = std::env::temp_dir().join("radfee-bench-1m.csv");
    let mut g = c.benchmark_group("batch");
    g.sample_size(10);
    g.throughput(Throughput::Elements(rows));
    g.bench_function("1m_rows_file", |b| {
        // Written only when this benchmark is selected; the same bytes as
        // `cargo run --release --example gen_batch -- --rows 1000000 --seed 42`.
        let mut csv = Vec::with_capacity(70 << 20);
        generate::write_batch(s, &mut csv, rows, rows * 2 / 5, 42).unwrap();
        std::fs::write(&path, &csv).unwrap();
        b.iter(|| {
            let f = std::io::BufReader::with_capacity(1 << 20, std::fs::File::open(&path).unwrap());
            // As the batch tool runs when it writes no file: the three figures only.
            black_box(s.price_batch(f, &Options::default().keep(Keep::Figures), |_| {}).unwrap())
        })
    });
    g.finish();
}

const NAMES: &[&str] = &[
    "CT 64 lát",
    "may chup cat lop 64 lat",
    "Máy C-arm di động",
    "Máy X-quang di động",
    "Máy chụp nhũ ảnh",
    "Máy X-quang răng toàn cảnh",
    "CBCT nha khoa",
    "Máy soi hành lý",
    "huỳnh quang tia X",
    "Máy cộng hưởng từ MRI 1.5T",
    "Máy siêu âm",
    "Thiết bị đo mức",
    "Máy X-quang răng",
    "PET/CT",
    "Linac",
    "Máy gia tốc soi container",
];

/// Brand and model names (issue 18), with and without generic words.
const CATALOGUE_NAMES: &[&str] = &[
    "Philips Incisive CT",
    "Ziehm Vision RFD",
    "Sirona Orthophos XG",
    "Fujifilm FDR Go PLUS",
    "Varian Halcyon",
    "Hitachi X-MET8000",
    "Máy chụp CT Siemens SOMATOM go.Up",
    "Máy X-quang di động Shimadzu MobileDaRt Evolution",
];

fn classify(c: &mut Criterion) {
    let s = Law::builtin().unwrap();
    let date = Date::new(2026, 3, 1).unwrap();
    let named: Vec<Description> = NAMES.iter().map(|n| Description::named(*n).unwrap()).collect();
    let structured: Vec<Description> = [
        (Radiation::XRay, Use::Medical, "ct"),
        (Radiation::XRay, Use::Dental, "panoramic"),
        (Radiation::XRay, Use::Security, "security_screening"),
        (Radiation::SealedSource, Use::Industrial, "gauge"),
    ]
    .iter()
    .map(|(r, u, m)| {
        Description::builder().radiation(*r).use_(*u).modality(Modality::from_key(m).unwrap()).build().unwrap()
    })
    .collect();
    let mut g = c.benchmark_group("classify");
    g.throughput(Throughput::Elements(named.len() as u64));
    g.bench_function("names", |b| b.iter(|| named.iter().for_each(|d| drop(black_box(s.classify(d, date))))));
    // The class alone (Schedules::class_of), as bulk work needs it.
    g.bench_function("names_class_of", |b| b.iter(|| named.iter().for_each(|d| drop(black_box(s.class_of(d))))));
    // Brand and model names as copied from forms, read against the catalogue.
    let models: Vec<Description> = CATALOGUE_NAMES.iter().map(|n| Description::named(*n).unwrap()).collect();
    g.throughput(Throughput::Elements(models.len() as u64));
    g.bench_function("catalogue_names_class_of", |b| {
        b.iter(|| models.iter().for_each(|d| drop(black_box(s.class_of(d)))))
    });
    g.throughput(Throughput::Elements(structured.len() as u64));
    g.bench_function("structured", |b| b.iter(|| structured.iter().for_each(|d| drop(black_box(s.classify(d, date))))));
    g.bench_function("structured_class_of", |b| {
        b.iter(|| structured.iter().for_each(|d| drop(black_box(s.class_of(d)))))
    });
    g.finish();
}

/// The events that register `devices` devices in 1,000 facilities, one licence per facility.
fn registry_events(s: &Law, devices: usize) -> Vec<Event> {
    let day = Date::new(2024, 1, 1).unwrap();
    let provinces: Vec<String> = s.provinces().all().iter().map(|p| p.slug().to_owned()).collect();
    let facilities = 1000;
    let mut events = Vec::with_capacity(devices + 2 * facilities);
    for f in 0..facilities {
        let facility = Facility {
            id: format!("F{f}"),
            name: format!("Facility {f}"),
            tax_code: None,
            province: provinces[f % provinces.len()].clone(),
            address: None,
            kind: FacilityKind::Hospital,
        };
        events.push(Event { date: day, change: Change::RegisterFacility { facility } });
    }
    let classes =
        [DeviceClass::XrayCt, DeviceClass::XrayGeneral, DeviceClass::XrayMobile, DeviceClass::XrayMammography];
    for d in 0..devices {
        let equipment = Equipment {
            id: format!("D{d}"),
            facility: format!("F{}", d % facilities),
            description: Description::default(),
            class: Some(classes[d % classes.len()]),
            manufacturer: Some("Acme".into()),
            model: Some("X".into()),
            serial: Some(format!("S{d}")),
            year: None,
            location: None,
            mobile: false,
            province: String::new(),
            status: EquipmentStatus::InService,
        };
        events.push(Event { date: day, change: Change::RegisterEquipment { equipment } });
    }
    for f in 0..facilities {
        let licence = Licence {
            number: format!("L{f}"),
            facility: format!("F{f}"),
            authority: Authority::Province,
            issued: day,
            expires: Date::from_days(day.to_days() + 700 + i64::try_from(f % 365).unwrap()).unwrap(),
            devices: (0..5).map(|k| format!("D{}", f + k * facilities)).collect(),
        };
        events.push(Event { date: day, change: Change::IssueLicence { licence } });
    }
    events
}

/// A registry built from `events`.
fn build(s: &Law, events: Vec<Event>) -> Registry {
    let mut r = Registry::new();
    for e in events {
        r.apply(s, e).unwrap();
    }
    r
}

fn registry(c: &mut Criterion) {
    let s = Law::builtin().unwrap();
    let mut g = c.benchmark_group("registry");
    g.sample_size(10);
    for devices in [100_000usize, 1_000_000] {
        g.bench_with_input(BenchmarkId::new("build", devices), &devices, |b, &n| {
            // Applying the registration events is measured; making them (the caller's input)
            // and dropping the registry are not.
            b.iter_batched(|| registry_events(s, n), |events| build(s, events), BatchSize::PerIteration)
        });
    }
    let from = Date::new(2025, 12, 1).unwrap();
    let to = Date::new(2026, 2, 28).unwrap();
    g.bench_function("renewals_due_1m", |b| {
        // Built only when this benchmark is selected.
        let r = build(s, registry_events(s, 1_000_000));
        b.iter(|| black_box(r.renewals_due(s, from, to)))
    });
    g.finish();
}

criterion_group!(benches, quote, load, batch, classify, registry);
criterion_main!(benches);
