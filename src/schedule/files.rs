//! The file model of the other files of a schedule folder: province files
//! (`provinces/*.toml`) and the authority table (`authority.toml`). Their version patches
//! (local deviations) are in the version file model.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::model::DeviationFile;
use crate::date::Date;
use crate::vocab::{Authority, LegalRef, Text};

/// A former province merged into this one (`[[former]]`).
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct FormerFile {
    #[schemars(with = "String")]
    pub(crate) slug: Spanned<String>,
    pub(crate) name: Text,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub(crate) aliases: Vec<Spanned<String>>,
}

/// A body that appraises and collects.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct BodyFile {
    pub(crate) vi: String,
    pub(crate) en: String,
    pub(crate) basis: LegalRef,
}

/// One province file.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProvinceFile {
    #[schemars(with = "String")]
    pub(crate) slug: Spanned<String>,
    pub(crate) name: Text,
    pub(crate) kind: ProvinceKind,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub(crate) aliases: Vec<Spanned<String>>,
    #[schemars(with = "Date")]
    pub(crate) since: Spanned<Date>,
    pub(crate) basis: LegalRef,
    #[serde(default)]
    pub(crate) former: Vec<FormerFile>,
    pub(crate) collector: BodyFile,
    #[schemars(with = "String")]
    pub(crate) schedule: Spanned<String>,
    #[serde(default, rename = "deviation")]
    pub(crate) deviations: Vec<DeviationFile>,
}

/// Whether a provincial-level unit is a province or a centrally-run city.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ProvinceKind {
    /// Tỉnh.
    Province,
    /// Thành phố trực thuộc trung ương.
    City,
}

/// `alternative = { authority = "…", basis = { … } }` on a rule of a contested period: who
/// licenses these classes under the period's other reading.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AlternativeFile {
    #[schemars(with = "Authority")]
    pub(crate) authority: Spanned<Authority>,
    pub(crate) basis: LegalRef,
}

/// `[period.contest]`: the period's question is contested; its rules give the default reading,
/// and `alternative` on a rule gives the other one.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ContestFile {
    /// What is contested.
    pub(crate) question: Text,
    /// The reading the rules' `authority` follows.
    pub(crate) default: Text,
    /// The other reading, followed by the rules' `alternative`.
    pub(crate) alternative: Text,
    /// Why the default reading was chosen.
    pub(crate) why: Text,
}

/// `[[period.rule]]` in authority.toml.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AuthorityRuleFile {
    pub(crate) authority: Authority,
    /// In a contested period: the authority under the other reading.
    #[serde(default)]
    pub(crate) alternative: Option<AlternativeFile>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub(crate) families: Vec<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub(crate) classes: Vec<Spanned<String>>,
    pub(crate) basis: LegalRef,
    #[serde(default)]
    pub(crate) assumption: Option<Text>,
}

/// `[[period]]` in authority.toml.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AuthorityPeriodFile {
    #[schemars(with = "Date")]
    pub(crate) from: Spanned<Date>,
    #[serde(default)]
    #[schemars(with = "Option<Date>")]
    pub(crate) until: Option<Spanned<Date>>,
    #[serde(default)]
    pub(crate) assumption: Option<Text>,
    /// When who licenses some classes during the period is contested: both readings.
    #[serde(default)]
    pub(crate) contest: Option<ContestFile>,
    #[serde(rename = "rule")]
    pub(crate) rules: Vec<AuthorityRuleFile>,
}

/// The bodies named for national authorities, in authority.toml.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NationalBodiesFile {
    pub(crate) varans: BodyFile,
    pub(crate) ministry: BodyFile,
}

/// authority.toml.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AuthorityFile {
    pub(crate) bodies: NationalBodiesFile,
    #[serde(rename = "period")]
    pub(crate) periods: Vec<AuthorityPeriodFile>,
}
