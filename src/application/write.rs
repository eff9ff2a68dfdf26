//! An application written back as an application file (docs/application.md): what a printed
//! quote carries so that anyone can re-run it, and what a service saves.

use serde::Serialize;

use super::model::{Application, DeviceEntry};
use crate::vocab::{Description, FacilityKind};

#[derive(Serialize)]
struct ApplicationOut<'a> {
    province: &'a str,
    procedure: &'static str,
    received: Option<toml::value::Datetime>,
    channel: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    applicant: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    facility_kind: Option<FacilityKind>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sites: Option<u32>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    conditions: Vec<&'a str>,
    device: Vec<DeviceOut<'a>>,
}

#[derive(Serialize)]
struct DeviceOut<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    class: Option<&'static str>,
    count: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<&'a str>,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    description: Option<&'a Description>,
}

impl<'a> From<&'a DeviceEntry> for DeviceOut<'a> {
    fn from(d: &'a DeviceEntry) -> DeviceOut<'a> {
        DeviceOut {
            class: d.class.map(|c| c.key()),
            count: d.count,
            label: d.label.as_deref(),
            description: d.description.as_ref(),
        }
    }
}

impl Application {
    /// The application as an application file (TOML, docs/application.md), keys as the
    /// crate writes them: reading it back with [`Application::from_toml`] gives an equal
    /// application. Printed quotes carry it so that anyone can re-run the quote.
    ///
    /// # Errors
    /// None in practice (every value has a TOML form); a failure of the TOML writer is
    /// returned rather than hidden.
    pub fn to_toml(&self) -> Result<String, toml::ser::Error> {
        let out = ApplicationOut {
            province: &self.province,
            procedure: self.procedure.key(),
            received: self.received.to_string().parse().ok(),
            channel: self.channel.key(),
            applicant: self.applicant.as_deref(),
            facility_kind: self.facility_kind,
            sites: (self.sites != 1).then_some(self.sites),
            conditions: self.conditions.iter().map(|c| c.as_str()).collect(),
            device: self.devices.iter().map(DeviceOut::from).collect(),
        };
        toml::to_string(&out)
    }
}
