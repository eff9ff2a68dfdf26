//! What the registry records: facilities, equipment, licences, the changes to them
//! ([`Change`]) with their dates ([`Event`]), and the state they build.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::vocab::{Authority, Description, DeviceClass, FacilityKind};

/// A licensee's site.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Facility {
    /// Stable id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Tax code (mã số thuế).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_code: Option<String>,
    /// Province: any spelling when registering; stored as the current province's slug.
    pub province: String,
    /// Address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Kind.
    pub kind: FacilityKind,
}

/// Where a device stands in its life.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum EquipmentStatus {
    /// In use.
    #[default]
    InService,
    /// Kept but not used.
    Stored,
    /// Moved out of the facility's keeping (e.g. transferred away).
    Moved,
    /// Taken out of service for good.
    Decommissioned,
    /// Disposed of (returned, scrapped, sent to waste).
    Disposed,
}

impl EquipmentStatus {
    /// The key used in files: `in_service`, `stored`, `moved`, `decommissioned`, `disposed`.
    pub fn key(self) -> &'static str {
        match self {
            EquipmentStatus::InService => "in_service",
            EquipmentStatus::Stored => "stored",
            EquipmentStatus::Moved => "moved",
            EquipmentStatus::Decommissioned => "decommissioned",
            EquipmentStatus::Disposed => "disposed",
        }
    }

    /// The status a key names (`in_service`…), as [`EquipmentStatus::key`] writes it.
    pub fn from_key(key: &str) -> Option<EquipmentStatus> {
        [
            EquipmentStatus::InService,
            EquipmentStatus::Stored,
            EquipmentStatus::Moved,
            EquipmentStatus::Decommissioned,
            EquipmentStatus::Disposed,
        ]
        .into_iter()
        .find(|s| s.key() == key)
    }

    /// The status in Vietnamese, as a message says it ("đã thải bỏ").
    pub(crate) fn name_vi(self) -> &'static str {
        match self {
            EquipmentStatus::InService => "đang sử dụng",
            EquipmentStatus::Stored => "đang lưu kho",
            EquipmentStatus::Moved => "đã chuyển đi",
            EquipmentStatus::Decommissioned => "đã ngừng sử dụng",
            EquipmentStatus::Disposed => "đã thải bỏ",
        }
    }

    /// Whether the device can still be moved, updated or licensed.
    pub fn is_active(self) -> bool {
        matches!(self, EquipmentStatus::InService | EquipmentStatus::Stored)
    }
}

/// A device record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Equipment {
    /// Stable id.
    pub id: String,
    /// The facility that holds it.
    pub facility: String,
    /// The description the classifier reads.
    #[serde(default, skip_serializing_if = "Description::is_empty")]
    pub description: Description,
    /// The class (given, or resolved by the classifier when registered).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<DeviceClass>,
    /// Manufacturer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manufacturer: Option<String>,
    /// Model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Serial number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial: Option<String>,
    /// Year of manufacture (1900 to 9999; in a file `2022`, `2022.0` or `"2022"`).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::number::deserialize_year")]
    pub year: Option<u16>,
    /// Room or site.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Used at more than one place (licensed by the head office's province).
    #[serde(default)]
    pub mobile: bool,
    /// The province it is licensed in (slug); set by the registry.
    #[serde(default)]
    pub province: String,
    /// Status.
    #[serde(default)]
    pub status: EquipmentStatus,
}

impl Equipment {
    /// Takes the manufacturer, model and serial an update corrects (those given).
    pub(super) fn correct(&mut self, manufacturer: &Option<String>, model: &Option<String>, serial: &Option<String>) {
        for (field, value) in
            [(&mut self.manufacturer, manufacturer), (&mut self.model, model), (&mut self.serial, serial)]
        {
            if value.is_some() {
                field.clone_from(value);
            }
        }
    }
}

/// A licence to conduct radiation work.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Licence {
    /// Licence number.
    pub number: String,
    /// The licensee facility.
    pub facility: String,
    /// Who issued it.
    pub authority: Authority,
    /// Issue date.
    pub issued: Date,
    /// Last day of validity.
    pub expires: Date,
    /// The devices it covers (equipment ids).
    pub devices: Vec<String>,
}

/// One change to the registry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Change {
    /// A new facility.
    RegisterFacility {
        /// The facility.
        facility: Facility,
    },
    /// A new device at a facility.
    RegisterEquipment {
        /// The device.
        equipment: Equipment,
    },
    /// Corrected or completed details of a device (only the fields given change).
    UpdateEquipment {
        /// The device.
        id: String,
        /// New description.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        description: Option<Description>,
        /// New class.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        class: Option<DeviceClass>,
        /// New location.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        location: Option<String>,
        /// New status (in service or stored).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        status: Option<EquipmentStatus>,
        /// Corrected manufacturer.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        manufacturer: Option<String>,
        /// Corrected model.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        model: Option<String>,
        /// Corrected serial number (refused if another device has it).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        serial: Option<String>,
        /// Corrected year of manufacture.
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "crate::number::deserialize_year"
        )]
        year: Option<u16>,
    },
    /// A device moves: to another facility, or (fixed devices) to another province.
    MoveEquipment {
        /// The device.
        id: String,
        /// The facility that holds it from now on (same facility if absent).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to_facility: Option<String>,
        /// The province it now stands in (for a fixed device; any spelling).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to_province: Option<String>,
        /// Its new room or site.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        location: Option<String>,
    },
    /// A device leaves service for good.
    Decommission {
        /// The device.
        id: String,
    },
    /// A decommissioned device is disposed of.
    Dispose {
        /// The device.
        id: String,
    },
    /// A licence is issued.
    IssueLicence {
        /// The licence.
        licence: Licence,
    },
    /// A licence is renewed to a new expiry date.
    RenewLicence {
        /// Licence number.
        number: String,
        /// New last day of validity.
        expires: Date,
    },
}

impl Change {
    /// The kind of change, as a file's `change` key writes it (`register_equipment`…).
    pub fn key(&self) -> &'static str {
        match self {
            Change::RegisterFacility { .. } => "register_facility",
            Change::RegisterEquipment { .. } => "register_equipment",
            Change::UpdateEquipment { .. } => "update_equipment",
            Change::MoveEquipment { .. } => "move_equipment",
            Change::Decommission { .. } => "decommission",
            Change::Dispose { .. } => "dispose",
            Change::IssueLicence { .. } => "issue_licence",
            Change::RenewLicence { .. } => "renew_licence",
        }
    }
}

/// A dated change. In a file: its `date`, its `change` (the kind, e.g. `"decommission"`) and
/// that change's keys, all in one table; a key the change does not have is refused (never
/// dropped).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Event {
    /// The day it took effect.
    pub date: Date,
    /// What changed.
    #[serde(flatten)]
    pub change: Change,
}

impl<'de> Deserialize<'de> for Event {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Event, D::Error> {
        // `flatten` cannot refuse unknown keys, so the event is read as one internally tagged
        // table whose variants carry the date: a mistyped key (`reson`, `to_facilty`) is
        // refused at its place instead of silently dropped.
        #[derive(Deserialize)]
        #[serde(tag = "change", rename_all = "snake_case", deny_unknown_fields)]
        enum Dated {
            RegisterFacility {
                date: Date,
                facility: Facility,
            },
            RegisterEquipment {
                date: Date,
                equipment: Equipment,
            },
            UpdateEquipment {
                date: Date,
                id: String,
                #[serde(default)]
                description: Option<Description>,
                #[serde(default)]
                class: Option<DeviceClass>,
                #[serde(default)]
                location: Option<String>,
                #[serde(default)]
                status: Option<EquipmentStatus>,
                #[serde(default)]
                manufacturer: Option<String>,
                #[serde(default)]
                model: Option<String>,
                #[serde(default)]
                serial: Option<String>,
                #[serde(default, deserialize_with = "crate::number::deserialize_year")]
                year: Option<u16>,
            },
            MoveEquipment {
                date: Date,
                id: String,
                #[serde(default)]
                to_facility: Option<String>,
                #[serde(default)]
                to_province: Option<String>,
                #[serde(default)]
                location: Option<String>,
            },
            Decommission {
                date: Date,
                id: String,
            },
            Dispose {
                date: Date,
                id: String,
            },
            IssueLicence {
                date: Date,
                licence: Licence,
            },
            RenewLicence {
                date: Date,
                number: String,
                expires: Date,
            },
        }
        let (date, change) = match Dated::deserialize(deserializer)? {
            Dated::RegisterFacility { date, facility } => (date, Change::RegisterFacility { facility }),
            Dated::RegisterEquipment { date, equipment } => (date, Change::RegisterEquipment { equipment }),
            Dated::UpdateEquipment {
                date,
                id,
                description,
                class,
                location,
                status,
                manufacturer,
                model,
                serial,
                year,
            } => (
                date,
                Change::UpdateEquipment { id, description, class, location, status, manufacturer, model, serial, year },
            ),
            Dated::MoveEquipment { date, id, to_facility, to_province, location } => {
                (date, Change::MoveEquipment { id, to_facility, to_province, location })
            }
            Dated::Decommission { date, id } => (date, Change::Decommission { id }),
            Dated::Dispose { date, id } => (date, Change::Dispose { id }),
            Dated::IssueLicence { date, licence } => (date, Change::IssueLicence { licence }),
            Dated::RenewLicence { date, number, expires } => (date, Change::RenewLicence { number, expires }),
        };
        Ok(Event { date, change })
    }
}

/// Every free text of an event in the form it is kept: Unicode NFC, Đ look-alikes as Đ.
fn nfc_opt(text: &mut Option<String>) {
    if let Some(t) = text {
        *t = crate::text::nfc(t);
    }
}

impl Event {
    pub(super) fn normalise(&mut self) {
        let nfc = |t: &mut String| *t = crate::text::nfc(t);
        // Ids and numbers as they read: NFC, Đ look-alikes as Đ, no spaces around (a typed
        // " DN01-CT" or an NFD "MÁY-1" names the device already registered, not a new one).
        let id = |t: &mut String| *t = crate::text::nfc(t.trim());
        match &mut self.change {
            Change::RegisterFacility { facility } => id(&mut facility.id),
            Change::RegisterEquipment { equipment } => {
                id(&mut equipment.id);
                id(&mut equipment.facility);
            }
            Change::UpdateEquipment { id: x, .. } | Change::Decommission { id: x } | Change::Dispose { id: x } => id(x),
            Change::MoveEquipment { id: x, to_facility, .. } => {
                id(x);
                if let Some(f) = to_facility {
                    id(f);
                }
            }
            Change::IssueLicence { licence } => {
                id(&mut licence.number);
                id(&mut licence.facility);
                licence.devices.iter_mut().for_each(id);
            }
            Change::RenewLicence { number, .. } => id(number),
        }
        match &mut self.change {
            Change::RegisterFacility { facility } => {
                nfc(&mut facility.name);
                nfc(&mut facility.province);
                nfc_opt(&mut facility.address);
                nfc_opt(&mut facility.tax_code);
            }
            Change::RegisterEquipment { equipment } => {
                nfc_opt(&mut equipment.description.name);
                nfc_opt(&mut equipment.manufacturer);
                nfc_opt(&mut equipment.model);
                nfc_opt(&mut equipment.serial);
                nfc_opt(&mut equipment.location);
                nfc(&mut equipment.province);
            }
            Change::UpdateEquipment { description, location, manufacturer, model, serial, .. } => {
                if let Some(d) = description {
                    nfc_opt(&mut d.name);
                }
                nfc_opt(location);
                nfc_opt(manufacturer);
                nfc_opt(model);
                nfc_opt(serial);
            }
            Change::MoveEquipment { to_province, location, .. } => {
                nfc_opt(to_province);
                nfc_opt(location);
            }
            Change::Decommission { .. }
            | Change::Dispose { .. }
            | Change::IssueLicence { .. }
            | Change::RenewLicence { .. } => {}
        }
    }
}

/// The registry's contents at one moment.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct State {
    /// Facilities by id.
    #[serde(default)]
    pub facilities: BTreeMap<String, Facility>,
    /// Equipment by id.
    #[serde(default)]
    pub equipment: BTreeMap<String, Equipment>,
    /// Licences by number.
    #[serde(default)]
    pub licences: BTreeMap<String, Licence>,
}
