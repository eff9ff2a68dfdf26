//! The facade: [`Law`], the loaded body of law, and every operation on it in one place.
//!
//! A [`Law`] value holds what the files under `fee-schedules/` say: the national schedule's
//! versions (Circular 287/2016/TT-BTC and its amendments), the 34 provinces with their former
//! names and local deviations, the table of licensing authorities, the nuclide table and the
//! classifier's rules. It is immutable after loading, `Send` and `Sync`: load it once and share
//! it. The operations (quote, total, explain, classify, price a batch) are the methods below;
//! the concept modules ([`crate::quote`], [`crate::classify`], [`crate::batch`]) do the work.

mod load;

use std::io::Read;
use std::path::Path;

use crate::application::Application;
use crate::authority::AuthorityTable;
use crate::batch::{self, BatchReport};
use crate::classify::{Catalogue, Classification, ClassificationRules, Classifier, Outcome};
use crate::date::Date;
use crate::error::{Error, Finding};
use crate::nuclide::Nuclides;
use crate::province::Provinces;
use crate::quote::{Book, Explanation, Quote, Total};
use crate::schedule::Version;
use crate::vocab::Description;

pub use load::{MAX_FILE_BYTES, MAX_FILES, MAX_TOTAL_BYTES};

pub use crate::source::SourceFile;

/// The loaded body of law: schedule versions, provinces, authorities, nuclides and the
/// classifier's rules, checked together.
///
/// Load it once with [`Law::builtin`] (the official files compiled into the crate, parsed once
/// per process) or [`Law::from_dir`] (a folder of edited files), then call its operations from
/// any number of threads.
///
/// ```
/// use radfee::{Application, Law};
///
/// let law = Law::builtin()?;
/// let app = Application::from_toml("a.toml", r#"
///     province = "Hà Nội"
///     procedure = "new"
///     received = 2024-03-15
///     [[device]]
///     class = "xray_dental_intraoral"
/// "#)?;
/// assert_eq!(law.quote(&app)?.total.to_string(), "2.000.000 ₫");
/// # Ok::<(), radfee::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Law {
    versions: Vec<Version>,
    provinces: Provinces,
    authority: AuthorityTable,
    nuclides: Nuclides,
    rules: ClassificationRules,
    catalogue: crate::classify::LazyCatalogue,
    warnings: Vec<Finding>,
}

/// The former name of [`Law`], kept for one release.
#[deprecated(since = "0.2.0", note = "renamed `Law`: it holds the whole body of law, not only the schedules")]
pub type Schedules = Law;

impl Law {
    // ---- Loading -------------------------------------------------------------------------

    /// The official body of law compiled into the crate from `fee-schedules/`, parsed and
    /// checked once per process and shared (about 25 ms the first time, a pointer after).
    ///
    /// # Errors
    /// None in practice: the shipped files are checked by the test suite. Should they fail to
    /// load, the error lists every finding ([`crate::ErrorKind::Schedule`]).
    pub fn builtin() -> Result<&'static Law, Error> {
        static BUILTIN: std::sync::OnceLock<Result<Law, Error>> = std::sync::OnceLock::new();
        BUILTIN.get_or_init(|| Law::from_files(load::builtin_files())).as_ref().map_err(Clone::clone)
    }

    /// The files compiled into the crate, as [`Law::from_files`] reads them.
    pub fn builtin_files() -> Vec<SourceFile> {
        load::builtin_files()
    }

    /// The files a set is read as ([`Law::from_files`] reads them so): `files`, and the
    /// built-in files of each part they leave out (provinces, `authority.toml`,
    /// `nuclides.toml`, `classification.toml`, `catalogue/`). `diff-schedules` compares two
    /// folders so.
    pub fn with_builtin_parts(files: Vec<SourceFile>) -> Vec<SourceFile> {
        load::with_builtin_parts(files)
    }

    /// Loads a folder laid out like `fee-schedules/`: `provinces/*.toml` are province files,
    /// `authority.toml` the authority table, `nuclides.toml` the nuclide table,
    /// `classification.toml` the classifier's rules, `catalogue/*.toml` the catalogue of
    /// manufacturers and models, every other `*.toml` a schedule version.
    /// A folder without one of these parts uses the built-in one, so staff can try an edited
    /// national schedule alone. A file whose name looks like a schedule file but does not end
    /// in `.toml` (`x.toml.txt`, `x.TOML`, as some editors save) is not read, and a warning
    /// says so.
    ///
    /// # Errors
    /// The folder cannot be read or exceeds the limits ([`MAX_FILES`], [`MAX_FILE_BYTES`],
    /// [`MAX_TOTAL_BYTES`]): [`crate::ErrorKind::Io`] or [`crate::ErrorKind::Schedule`]; any
    /// error-level finding in the files: [`crate::ErrorKind::Schedule`], with every finding
    /// located (file, line, column, key).
    pub fn from_dir(dir: impl AsRef<Path>) -> Result<Law, Error> {
        Law::from_files(load::read_dir(dir.as_ref())?)
    }

    /// The schedule files of a folder (see [`Law::from_dir`] for the layout), unchecked; with
    /// them, without their text, the files not read for their names (`x.toml.txt`), which
    /// [`Law::from_files`] and [`Law::check_files`] warn of.
    ///
    /// # Errors
    /// As [`Law::from_dir`] for reading the folder.
    pub fn read_dir(dir: impl AsRef<Path>) -> Result<Vec<SourceFile>, Error> {
        load::read_dir(dir.as_ref())
    }

    /// Loads and checks a set of files. Any error-level finding refuses the whole set;
    /// warnings are kept in [`Law::warnings`]. A file whose path does not end in `.toml` is not
    /// read: a warning names it.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Schedule`] with every finding.
    pub fn from_files(files: Vec<SourceFile>) -> Result<Law, Error> {
        let (parts, findings) = load::load(files, false);
        match parts {
            Some(p) if !findings.iter().any(Finding::is_error) => Ok(Law {
                versions: p.versions,
                provinces: p.provinces,
                authority: p.authority,
                nuclides: p.nuclides,
                rules: p.rules,
                catalogue: p.catalogue,
                warnings: findings,
            }),
            _ => Err(Error::schedule(findings)),
        }
    }

    /// Checks a set of files and returns every finding, errors and warnings, without failing.
    pub fn check_files(files: Vec<SourceFile>) -> Vec<Finding> {
        load::load(files, true).1
    }

    // ---- What it holds -------------------------------------------------------------------

    /// Warnings found while loading (e.g. classes with no fee row).
    pub fn warnings(&self) -> &[Finding] {
        &self.warnings
    }

    /// Every national version, oldest first.
    pub fn versions(&self) -> &[Version] {
        &self.versions
    }

    /// The national version in force on `date`: the latest one started on or before it, unless
    /// its explicit end has passed.
    pub fn version_on(&self, date: Date) -> Option<&Version> {
        crate::schedule::version_on(&self.versions, date)
    }

    /// The provinces.
    pub fn provinces(&self) -> &Provinces {
        &self.provinces
    }

    /// The authority table.
    pub fn authority(&self) -> &AuthorityTable {
        &self.authority
    }

    /// The nuclide table (D-values, half-lives, exemption activities).
    pub fn nuclides(&self) -> &Nuclides {
        &self.nuclides
    }

    /// The classifier's rules (exemption, categories, inspection, safety officer).
    pub fn classification_rules(&self) -> &ClassificationRules {
        &self.rules
    }

    /// The catalogue of manufacturers and models the classifier reads names against
    /// (`fee-schedules/catalogue/*.toml`), each entry with its class and source.
    pub fn catalogue(&self) -> &Catalogue {
        self.catalogue.get()
    }

    // ---- Operations ----------------------------------------------------------------------

    /// Prices an application with the schedule in force on its `received` date, in its
    /// province: the itemised [`Quote`].
    ///
    /// # Errors
    /// An unknown province ([`crate::ErrorKind::UnknownProvince`], located at `province` when
    /// the application came from a file), a described device the description does not settle
    /// ([`crate::ErrorKind::UnsettledDevice`], with the candidates and the field that would
    /// decide), a condition or kind of facility the schedule in force does not know
    /// ([`crate::ErrorKind::Input`]), or an application that cannot be priced as one
    /// ([`Error::is_unpriceable`]: no schedule in force, a class with no fee row, devices that
    /// fall to different authorities, amounts too large to compute exactly).
    pub fn quote(&self, app: &Application) -> Result<Quote, Error> {
        crate::quote::quote(&self.book(), app)
    }

    /// Prices an application under a version chosen by the caller rather than the one in force
    /// on its date (to compare two versions on the same applications).
    ///
    /// # Errors
    /// As [`Law::quote`].
    pub fn quote_with_version(&self, app: &Application, version: &Version) -> Result<Quote, Error> {
        crate::quote::quote_with_version(&self.book(), app, version)
    }

    /// The amount due and the licensing authority, without the itemised lines: the same engine
    /// as [`Law::quote`], recording nothing.
    ///
    /// # Errors
    /// As [`Law::quote`], with the same messages.
    pub fn total(&self, app: &Application) -> Result<Total, Error> {
        self.book().total(app)
    }

    /// Prices an application and explains it: every value used, the version and effective
    /// date it came from, and its legal reference, in the order the engine applied them.
    ///
    /// # Errors
    /// As [`Law::quote`].
    pub fn explain(&self, app: &Application) -> Result<Explanation, Error> {
        crate::quote::explain(&self.book(), app)
    }

    /// Classifies a described device on `date` (which fixes the authority and the decay of its
    /// sources). An ambiguous description is not an error: the outcome lists the candidates
    /// and the field that would decide.
    ///
    /// # Errors
    /// An unreadable activity, an unknown nuclide or a description over the limits:
    /// [`crate::ErrorKind::Input`].
    pub fn classify(&self, description: &Description, date: Date) -> Result<Classification, Error> {
        self.classifier().classify(description, date)
    }

    /// Only the class a description settles (or the candidates): what [`Law::classify`]
    /// decides, without its reasons, exemption, authority or sources. For bulk work.
    ///
    /// # Errors
    /// As [`Law::classify`].
    pub fn class_of(&self, description: &Description) -> Result<Outcome, Error> {
        self.classifier().class_of(description)
    }

    /// Prices every application of a batch CSV (docs/batch.md) on both cores. `progress` is
    /// called with the number of rows read so far after each block of the file (4 MiB, some
    /// 50,000 rows of a usual batch), on the calling thread.
    ///
    /// # Errors
    /// Only when the file cannot be read as a batch at all (no header, a wrong header, an I/O
    /// error, a row that never ends); problems with rows are in the report.
    pub fn price_batch<R: Read + Send>(
        &self,
        input: R,
        options: &batch::Options,
        progress: impl FnMut(u64),
    ) -> Result<BatchReport, Error> {
        batch::price(&self.book(), input, options, progress)
    }

    /// Prices every application of one sheet of a workbook (.xlsx, .xls or .ods, as Excel or
    /// LibreOffice saves it): the first sheet, or the one named `sheet`. The header row may
    /// stand below a title block (it is the first row naming `application_id` and `class`);
    /// the columns, defaults and checks are the batch CSV's (docs/batch.md), cells holding
    /// dates (Excel serial numbers) are read as dates, and each problem names its cell
    /// (`Sheet1!D7`) in [`BatchProblem::cell`](crate::batch::BatchProblem::cell).
    ///
    /// # Errors
    /// [`crate::ErrorKind::Input`] when the bytes are not a workbook, the sheet does not exist
    /// (the message lists the sheets), no header row is found, or the file is over 64 MiB or
    /// would unpack to over 1 GiB; otherwise as [`Law::price_batch`], with the header's cell in
    /// the message.
    #[cfg(feature = "xlsx")]
    pub fn price_workbook(
        &self,
        workbook: &[u8],
        sheet: Option<&str>,
        options: &batch::Options,
        progress: impl FnMut(u64),
    ) -> Result<BatchReport, Error> {
        // The header row names the application and the class (by key or Vietnamese heading).
        let s =
            crate::sheet::workbook::read_sheet(workbook, sheet, &batch::is_batch_header, "application_id, …, class")
                .map_err(|m| Error::input(Finding::error(None, Some("workbook"), m.en).vi(m.vi)))?;
        let mut report = batch::price(&self.book(), s.csv.as_slice(), options, progress).map_err(|e| {
            if !e.is_input() {
                return e;
            }
            // The header's problems name CSV line 1: name the sheet's row instead.
            let Some(f) = e.findings().first() else { return e };
            let at = s.cell(1, None);
            let message = f.message.strip_prefix("line 1: ").map_or(f.message.clone(), |m| format!("{at}: {m}"));
            let vi =
                f.message_vi().map(|vi| vi.strip_prefix("dòng 1: ").map_or(vi.to_owned(), |m| format!("{at}: {m}")));
            Error::input(Finding::error(None, Some("header"), message).vi_opt(vi))
        })?;
        // A problem's column, found by the heading the reader took for it (`received` or
        // `Ngày tiếp nhận`).
        let heading = |key: &'static str| {
            move |h: &str| batch::BATCH_COLUMNS.iter().position(|k| *k == key) == batch::batch_column(h)
        };
        for p in &mut report.problems {
            let is_column = p.column.map(heading);
            p.cell = Some(s.cell(p.line, is_column.as_ref().map(|f| f as &dyn Fn(&str) -> bool)));
            // The other line a message names is a line of the CSV made from the sheet: name
            // the sheet's row instead.
            if let Some(other) = p.other_line {
                let row = s.cell(other, is_column.as_ref().map(|f| f as &dyn Fn(&str) -> bool));
                p.message = p.message.replace(&format!("on line {other}"), &format!("at {row}"));
                p.message_vi =
                    p.message_vi.take().map(|m| m.replace(&format!("ở dòng {other}"), &format!("ở ô {row}")));
            }
        }
        report.ignored_columns.extend(s.unnamed_columns());
        Ok(report)
    }

    // ---- The parts the engine reads -------------------------------------------------------

    fn classifier(&self) -> Classifier<'_> {
        Classifier {
            rules: &self.rules,
            authority: &self.authority,
            nuclides: &self.nuclides,
            versions: &self.versions,
            catalogue: &self.catalogue,
        }
    }

    pub(crate) fn book(&self) -> Book<'_> {
        Book {
            versions: &self.versions,
            provinces: &self.provinces,
            authority: &self.authority,
            classifier: self.classifier(),
        }
    }
}
