//! The file model of the device catalogue (`fee-schedules/catalogue/*.toml`): manufacturers
//! with the names and spellings that stand for them, and models with the patterns that
//! recognise them, their class (or candidate classes and the field that decides), and the
//! public record each is read from. Checked and indexed by `crate::classify` (the catalogue
//! is evidence for the classifier); this module only says what a file may hold, so that the
//! JSON Schema for editors is generated from it.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use toml::Spanned;

/// One catalogue file: any number of `[[manufacturer]]` and `[[model]]` tables.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CatalogueFile {
    /// Manufacturers (`[[manufacturer]]`).
    #[serde(default)]
    pub(crate) manufacturer: Vec<ManufacturerFile>,
    /// Models and product lines (`[[model]]`).
    #[serde(default)]
    pub(crate) model: Vec<ModelFile>,
}

/// A manufacturer: its id (what models name), its name, and the other names and spellings
/// that stand for it on a form (SIEMENS, Siemens Healthineers; GE, GE HealthCare, OEC…).
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ManufacturerFile {
    /// Lower-case id, e.g. `siemens-healthineers`.
    #[schemars(with = "String")]
    pub(crate) id: Spanned<String>,
    /// The name as the manufacturer writes it.
    #[schemars(with = "String")]
    pub(crate) name: Spanned<String>,
    /// Other names and spellings (former names, subsidiaries, upper case as on labels).
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub(crate) aliases: Vec<Spanned<String>>,
    /// The public record that names the manufacturer and these spellings.
    #[schemars(with = "CitationFile")]
    pub(crate) source: Spanned<CitationFile>,
}

/// A model or product line.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ModelFile {
    /// The manufacturer's id (a `[[manufacturer]]` of any catalogue file); absent when the
    /// cited record does not name it.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(crate) manufacturer: Option<Spanned<String>>,
    /// The model's name as the source writes it.
    #[schemars(with = "String")]
    pub(crate) name: Spanned<String>,
    /// The device class (a key of the classifier's vocabulary, e.g. `xray_ct`), when the
    /// model is of one class.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(crate) class: Option<Spanned<String>>,
    /// The candidate classes, when one name covers several (a chassis sold as panoramic,
    /// cephalometric or CBCT; an analyser with a tube or a sealed source). With `decided_by`.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub(crate) candidates: Vec<Spanned<String>>,
    /// The field that decides between the candidates: `modality`, `radiation` or `use`.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(crate) decided_by: Option<Spanned<String>>,
    /// Strings that recognise the model on their own (distinctive: at least five letters or
    /// digits, not a word of the classifier's vocabulary, not a bare number).
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub(crate) patterns: Vec<Spanned<String>>,
    /// Strings that recognise the model only when the manufacturer is named too (short or
    /// common words: "Edge", "Titan", "MX7", "go.Up").
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub(crate) with_brand: Vec<Spanned<String>>,
    /// The public record the class is read from.
    #[schemars(with = "CitationFile")]
    pub(crate) source: Spanned<CitationFile>,
    /// Why the entry may be wrong (a weak source, an assumption): shown as a warning when the
    /// entry is used.
    #[serde(default)]
    pub(crate) doubt: Option<String>,
    /// Anything else an officer should know.
    #[serde(default)]
    pub(crate) note: Option<String>,
}

/// The kind of public record an entry cites.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CitationKind {
    /// A US FDA 510(k) premarket notification (number `K` and six digits).
    #[serde(rename = "fda_510k")]
    Fda510k,
    /// A US FDA premarket approval (number `P` and six digits).
    FdaPma,
    /// The labelling of an FDA premarket approval.
    FdaPmaLabeling,
    /// An FDA recall notice.
    FdaRecall,
    /// A sheet of the US NRC Sealed Source and Device Registry.
    NrcSsd,
    /// A page of a regulator.
    RegulatorPage,
    /// A report of a regulator.
    RegulatorReport,
    /// The manufacturer's operating or service manual.
    Manual,
    /// The manufacturer's datasheet or brochure.
    Datasheet,
    /// A page of the manufacturer's web site.
    ManufacturerPage,
    /// Another document of the manufacturer (white paper…).
    ManufacturerDocument,
    /// Software documentation naming the device.
    SoftwareDocs,
    /// A journal article that names the instrument used.
    JournalArticle,
    /// A news or trade-press article.
    News,
    /// A mailing-list message.
    MailingList,
    /// Another web page (weaker: mark the entry with `doubt`).
    WebPage,
}

/// A citation: the public record an entry is read from.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CitationFile {
    /// The kind of record (required on models).
    #[serde(default)]
    pub(crate) kind: Option<CitationKind>,
    /// Its number (FDA `K123456` / `P123456`, an NRC registry sheet number…).
    #[serde(default)]
    pub(crate) number: Option<String>,
    /// FDA product code(s), three capital letters each, as the record shows them.
    #[serde(default)]
    pub(crate) product_code: Option<String>,
    /// The regulation the record cites (e.g. `21 CFR 892.1750`).
    #[serde(default)]
    pub(crate) regulation: Option<String>,
    /// The record's title, or what it says that establishes the class.
    pub(crate) title: String,
    /// Where a reader finds it (`https://…`).
    pub(crate) url: String,
}
