//! The shapes of the TOML files, exactly as policy staff write them. Every table refuses unknown
//! keys. Values that a later check must point at are kept with their byte span.

use std::fmt;

use schemars::JsonSchema;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use toml::Spanned;

pub(crate) use super::kinds::{AdjustmentKind, Aggregation, RoundAt, Unit, WarningLevel};
use crate::date::Date;
use crate::money::Rounding;
use crate::vocab::{Channel, Procedure};
use crate::vocab::{LegalRef, Text};

pub(crate) use crate::number::Number;

/// `[[index]]`: an indexed unit (e.g. a "fee unit") whose money value is set by date.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct IndexFile {
    #[schemars(with = "String")]
    pub(crate) id: Spanned<String>,
    pub(crate) name: Text,
    pub(crate) values: Vec<IndexValueFile>,
    pub(crate) basis: LegalRef,
}

/// One dated value of an indexed unit.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct IndexValueFile {
    pub(crate) from: Date,
    #[schemars(with = "Number")]
    pub(crate) value: Spanned<Number>,
}

/// `default_facility_kind = { kind = "other", basis = { … } }`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct FacilityDefaultFile {
    /// The kind assumed.
    pub(crate) kind: crate::vocab::FacilityKind,
    /// Why the schedule may assume it.
    pub(crate) basis: LegalRef,
}

/// `[[exempt]]`: a whole class exempt from the fee under this version.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ExemptFile {
    #[schemars(with = "String")]
    pub(crate) class: Spanned<String>,
    pub(crate) note: Text,
    pub(crate) basis: LegalRef,
}

impl JsonSchema for ClassMappingFile {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ClassMapping".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let classes: Vec<&str> = crate::vocab::DeviceClass::all_keys().collect();
        schemars::json_schema!({
            "description": "A device-class key (docs/device-classes.md), or a table for a class priced by analogy.",
            "anyOf": [
                { "type": "string", "enum": classes },
                {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["class"],
                    "properties": {
                        "class": { "type": "string", "enum": classes },
                        "by_analogy": { "type": "boolean", "description": "The law has no row for this class; priced like this row (an assumption shown on the quote)." },
                        "note": { "$ref": "#/$defs/Text" }
                    }
                }
            ]
        })
    }
}

/// `[rounding]`: how and where amounts are rounded.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RoundingFile {
    pub(crate) strategy: Rounding,
    #[schemars(with = "Number")]
    pub(crate) step: Spanned<Number>,
    pub(crate) at: RoundAt,
}

/// `[procedure.<name>]`: the factor applied to the new-licence fee for one procedure.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProcedureFile {
    #[schemars(with = "Number")]
    pub(crate) factor: Spanned<Number>,
    pub(crate) basis: LegalRef,
    #[serde(default)]
    pub(crate) assumption: Option<Text>,
}

/// The `[procedure]` table: one optional entry per procedure.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProceduresFile {
    pub(crate) new: Option<ProcedureFile>,
    pub(crate) renewal: Option<ProcedureFile>,
    pub(crate) supplement: Option<ProcedureFile>,
    pub(crate) amendment: Option<ProcedureFile>,
    pub(crate) reissue: Option<ProcedureFile>,
    pub(crate) declaration: Option<ProcedureFile>,
}

impl ProceduresFile {
    pub(crate) fn entries(&self) -> [(Procedure, Option<&ProcedureFile>); 6] {
        [
            (Procedure::New, self.new.as_ref()),
            (Procedure::Renewal, self.renewal.as_ref()),
            (Procedure::Supplement, self.supplement.as_ref()),
            (Procedure::Amendment, self.amendment.as_ref()),
            (Procedure::Reissue, self.reissue.as_ref()),
            (Procedure::Declaration, self.declaration.as_ref()),
        ]
    }
}

/// One entry of a row's `classes` list: a key, or `{ class = "…", by_analogy = true, note = … }`.
#[derive(Clone, Debug)]
pub(crate) struct ClassMappingFile {
    pub(crate) class: String,
    pub(crate) by_analogy: bool,
    pub(crate) note: Option<Text>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClassMappingTable {
    class: String,
    #[serde(default)]
    by_analogy: bool,
    #[serde(default)]
    note: Option<Text>,
}

impl<'de> Deserialize<'de> for ClassMappingFile {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<ClassMappingFile, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ClassMappingFile;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a device-class key in quotes, or a table { class = \"…\", by_analogy = true, note = { vi = \"…\", en = \"…\" } }")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<ClassMappingFile, E> {
                Ok(ClassMappingFile { class: s.to_owned(), by_analogy: false, note: None })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<ClassMappingFile, A::Error> {
                let t = ClassMappingTable::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(ClassMappingFile { class: t.class, by_analogy: t.by_analogy, note: t.note })
            }
        }
        d.deserialize_any(V)
    }
}

/// `[[row]]`: one line of the fee table.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RowFile {
    /// The circular's own row number, e.g. "1.4.4".
    #[schemars(with = "String")]
    pub(crate) id: Spanned<String>,
    /// What the row prices, in Vietnamese and English.
    pub(crate) name: Text,
    /// What one unit is: device, system, machine, facility, site, source, package, shipment, licence.
    pub(crate) unit: Unit,
    /// New-licence fee for one unit (integer, or quoted decimal).
    #[serde(default)]
    #[schemars(with = "Option<Number>")]
    pub(crate) amount: Option<Spanned<Number>>,
    /// Total for 1, 2, … units (a tier table), instead of `amount` per unit.
    /// Instead of amount: the total for 1, 2, 3 … units.
    #[serde(default)]
    #[schemars(with = "Option<Vec<Number>>")]
    pub(crate) tiers: Option<Spanned<Vec<Number>>>,
    /// With `tiers`: the fee for each unit beyond the last tier.
    /// With tiers: the fee for each unit beyond the last tier.
    #[serde(default)]
    #[schemars(with = "Option<Number>")]
    pub(crate) tail: Option<Spanned<Number>>,
    /// The amount is in this indexed unit (an `[[index]]` id), not in money.
    /// The amounts are in this indexed unit (an `[[index]]` id).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(crate) indexed: Option<Spanned<String>>,
    /// Legal reference of the figure.
    pub(crate) basis: LegalRef,
    /// The device classes this row prices.
    #[schemars(with = "Vec<ClassMappingFile>")]
    pub(crate) classes: Spanned<Vec<Spanned<ClassMappingFile>>>,
    /// Set when something about the row is an assumption; printed on the quote.
    #[serde(default)]
    pub(crate) assumption: Option<Text>,
}

/// `[[adjustment]]`: a dated, cited change to the running amount.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AdjustmentFile {
    /// Stable id.
    #[schemars(with = "String")]
    pub(crate) id: Spanned<String>,
    pub(crate) name: Text,
    /// factor, cap, floor, surcharge, volume_discount or site_surcharge.
    pub(crate) kind: AdjustmentKind,
    /// For factor and site_surcharge: e.g. "0.9".
    #[serde(default)]
    #[schemars(with = "Option<Number>")]
    pub(crate) factor: Option<Spanned<Number>>,
    /// For cap, floor and surcharge.
    #[serde(default)]
    #[schemars(with = "Option<Number>")]
    pub(crate) amount: Option<Spanned<Number>>,
    /// Only applications filed through this channel (online, in_person).
    #[serde(default)]
    pub(crate) channel: Option<Channel>,
    /// Only these procedures.
    #[serde(default)]
    pub(crate) procedures: Option<Vec<Procedure>>,
    /// First day of the window (applications received on or after).
    #[serde(default)]
    #[schemars(with = "Option<Date>")]
    pub(crate) from: Option<Spanned<Date>>,
    /// Last day of the window (inclusive).
    #[serde(default)]
    #[schemars(with = "Option<Date>")]
    pub(crate) until: Option<Spanned<Date>>,
    /// Only applications from these kinds of facility.
    #[serde(default)]
    pub(crate) facility_kinds: Option<Vec<crate::vocab::FacilityKind>>,
    /// Only applications that state this condition, e.g. "late".
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(crate) when: Option<Spanned<String>>,
    /// For volume_discount: [{ from = 2, to = 3, factor = "0.95" }, …].
    #[serde(default)]
    #[schemars(with = "Option<Vec<BandFile>>")]
    pub(crate) bands: Option<Vec<Spanned<BandFile>>>,
    /// Legal reference.
    pub(crate) basis: LegalRef,
    /// Set when the adjustment is an assumption.
    #[serde(default)]
    pub(crate) assumption: Option<Text>,
}

/// One count band of a volume discount: `{ from = 2, to = 3, factor = "0.95" }` (`to` open).
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct BandFile {
    pub(crate) from: u32,
    #[serde(default)]
    pub(crate) to: Option<u32>,
    pub(crate) factor: Number,
}

/// `[[charge]]`: a licence charge (lệ phí), added after the appraisal fee.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ChargeFile {
    #[schemars(with = "String")]
    pub(crate) id: Spanned<String>,
    pub(crate) name: Text,
    #[schemars(with = "Number")]
    pub(crate) amount: Spanned<Number>,
    #[serde(default)]
    pub(crate) procedures: Option<Vec<Procedure>>,
    #[serde(default)]
    #[schemars(with = "Option<Date>")]
    pub(crate) from: Option<Spanned<Date>>,
    #[serde(default)]
    #[schemars(with = "Option<Date>")]
    pub(crate) until: Option<Spanned<Date>>,
    pub(crate) basis: LegalRef,
}

/// `[[note]]`: a note printed on every quote made under the version.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NoteFile {
    /// An id, so that a later version can withdraw the note (`remove_notes`).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(crate) id: Option<Spanned<String>>,
    pub(crate) vi: String,
    pub(crate) en: String,
    #[serde(default)]
    pub(crate) assumption: bool,
    #[serde(default)]
    pub(crate) basis: Option<LegalRef>,
    #[serde(default)]
    pub(crate) from: Option<Date>,
    #[serde(default)]
    pub(crate) until: Option<Date>,
}

/// `[[warning]]`: something the officer must check before collecting, shown prominently on
/// every quote for a date in its window (e.g. a newer circular reported but not yet
/// confirmed). Data, not code: policy staff add one, narrow it (restate the same `id` with
/// another window) or withdraw it (`remove_warnings = ["id"]` in a later version).
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct WarningFile {
    /// Stable id, e.g. "reported-74-2026".
    #[schemars(with = "String")]
    pub(crate) id: Spanned<String>,
    /// `high` (at the top of the quote) or `notice`.
    pub(crate) level: WarningLevel,
    /// The warning in Vietnamese.
    pub(crate) vi: String,
    /// The warning in English.
    pub(crate) en: String,
    /// First day of applications it concerns (received on or after).
    #[serde(default)]
    #[schemars(with = "Option<Date>")]
    pub(crate) from: Option<Spanned<Date>>,
    /// Last day of applications it concerns (inclusive).
    #[serde(default)]
    #[schemars(with = "Option<Date>")]
    pub(crate) until: Option<Spanned<Date>>,
    /// Where the reason for the warning can be read.
    pub(crate) basis: LegalRef,
}

/// One schedule version file (national, or a test schedule).
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct VersionFile {
    /// Stable id of the version, e.g. "vn-287-2016".
    #[schemars(with = "String")]
    pub(crate) id: Spanned<String>,
    /// The id of the version this one amends: everything not restated here is inherited.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(crate) extends: Option<Spanned<String>>,
    /// Title in Vietnamese and English (inherited when extending).
    #[serde(default)]
    pub(crate) title: Option<Text>,
    /// Issuing body.
    #[serde(default)]
    pub(crate) issuer: Option<Text>,
    /// First day in force (TOML date). A newer version replaces this one from its own start.
    #[schemars(with = "Date")]
    pub(crate) effective_from: Spanned<Date>,
    /// Last day in force, if the law sets one.
    #[serde(default)]
    #[schemars(with = "Option<Date>")]
    pub(crate) effective_until: Option<Spanned<Date>>,
    /// The document this version rests on: document, article, date, url.
    pub(crate) legal_basis: LegalRef,
    /// Currency code (default VND).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(crate) currency: Option<Spanned<String>>,
    /// How and where amounts are rounded. Required unless extending.
    #[serde(default)]
    pub(crate) rounding: Option<RoundingFile>,
    /// "sum" (every device is charged) or "highest" (only the most expensive line, once).
    #[serde(default)]
    pub(crate) aggregation: Option<Aggregation>,
    /// The kind of facility assumed when an application does not state `facility_kind`, for
    /// adjustments limited to `facility_kinds` (printed on every quote it is used for).
    /// Without it, such an application is refused and asked for its kind of facility.
    #[serde(default)]
    pub(crate) default_facility_kind: Option<FacilityDefaultFile>,
    /// Indexed units (e.g. a fee unit) whose money value is set by date.
    #[serde(default, rename = "index")]
    pub(crate) indexes: Vec<IndexFile>,
    /// Whole classes exempt from the fee under this version.
    #[serde(default, rename = "exempt")]
    pub(crate) exempts: Vec<ExemptFile>,
    /// The factor per procedure (new, renewal, supplement, amendment, reissue, declaration).
    #[serde(default)]
    pub(crate) procedure: Option<ProceduresFile>,
    /// The fee rows.
    #[serde(default, rename = "row")]
    pub(crate) rows: Vec<RowFile>,
    /// Row ids of the amended version that no longer apply.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub(crate) remove_rows: Vec<Spanned<String>>,
    /// Dated adjustments, applied in order after the procedure factor.
    #[serde(default, rename = "adjustment")]
    pub(crate) adjustments: Vec<AdjustmentFile>,
    /// Licence charges (lệ phí).
    #[serde(default, rename = "charge")]
    pub(crate) charges: Vec<ChargeFile>,
    /// Notes printed on every quote made under this version.
    #[serde(default, rename = "note")]
    pub(crate) notes: Vec<NoteFile>,
    /// Warnings shown prominently on the quotes they concern.
    #[serde(default, rename = "warning")]
    pub(crate) warnings: Vec<WarningFile>,
    /// Ids of inherited warnings this version withdraws.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub(crate) remove_warnings: Vec<Spanned<String>>,
    /// Ids of inherited notes this version withdraws.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub(crate) remove_notes: Vec<Spanned<String>>,
    /// Ids of inherited adjustments that no longer apply.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub(crate) remove_adjustments: Vec<Spanned<String>>,
    /// Ids of inherited charges that no longer apply.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub(crate) remove_charges: Vec<Spanned<String>>,
}

/// A borrowed view of the patchable parts of a version or deviation.
#[derive(Clone, Copy)]
pub(crate) struct PatchRef<'a> {
    pub(crate) procedure: Option<&'a ProceduresFile>,
    pub(crate) rows: &'a [RowFile],
    pub(crate) remove_rows: &'a [Spanned<String>],
    pub(crate) adjustments: &'a [AdjustmentFile],
    pub(crate) charges: &'a [ChargeFile],
    pub(crate) notes: &'a [NoteFile],
    pub(crate) warnings: &'a [WarningFile],
    pub(crate) remove_warnings: &'a [Spanned<String>],
    pub(crate) remove_notes: &'a [Spanned<String>],
    pub(crate) remove_adjustments: &'a [Spanned<String>],
    pub(crate) remove_charges: &'a [Spanned<String>],
}

/// `[[deviation]]` in a province file: a local exception to the national schedule, with its own
/// legal basis and dates. Its body has the same shape as an amending version. The patchable
/// fields are repeated rather than shared through `#[serde(flatten)]`, because serde cannot
/// refuse unknown keys in a flattened struct, and refusing them is the point.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DeviationFile {
    #[schemars(with = "String")]
    pub(crate) id: Spanned<String>,
    pub(crate) name: Text,
    pub(crate) basis: LegalRef,
    #[schemars(with = "Date")]
    pub(crate) from: Spanned<Date>,
    #[serde(default)]
    #[schemars(with = "Option<Date>")]
    pub(crate) until: Option<Spanned<Date>>,
    #[serde(default)]
    pub(crate) procedure: Option<ProceduresFile>,
    #[serde(default, rename = "row")]
    pub(crate) rows: Vec<RowFile>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub(crate) remove_rows: Vec<Spanned<String>>,
    #[serde(default, rename = "adjustment")]
    pub(crate) adjustments: Vec<AdjustmentFile>,
    #[serde(default, rename = "charge")]
    pub(crate) charges: Vec<ChargeFile>,
    #[serde(default, rename = "note")]
    pub(crate) notes: Vec<NoteFile>,
    #[serde(default, rename = "warning")]
    pub(crate) warnings: Vec<WarningFile>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub(crate) remove_warnings: Vec<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub(crate) remove_notes: Vec<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub(crate) remove_adjustments: Vec<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub(crate) remove_charges: Vec<Spanned<String>>,
}

/// Versions and deviations carry the same patchable fields; one borrowed view serves both.
macro_rules! impl_patch {
    ($($t:ty),*) => {$(
        impl $t {
            pub(crate) fn patch(&self) -> PatchRef<'_> {
                PatchRef {
                    procedure: self.procedure.as_ref(),
                    rows: &self.rows,
                    remove_rows: &self.remove_rows,
                    adjustments: &self.adjustments,
                    charges: &self.charges,
                    notes: &self.notes,
                    warnings: &self.warnings,
                    remove_warnings: &self.remove_warnings,
                    remove_notes: &self.remove_notes,
                    remove_adjustments: &self.remove_adjustments,
                    remove_charges: &self.remove_charges,
                }
            }
        }
    )*};
}

impl_patch!(VersionFile, DeviationFile);
