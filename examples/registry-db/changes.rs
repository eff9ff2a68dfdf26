//! One change from the command line's flags: register a facility or a device, update, move,
//! decommission or dispose of a device, issue or renew a licence. Each flag is checked on its
//! own, so a refusal names the flag.

use std::process::ExitCode;

use radfee::classify::Description;
use radfee::registry::{Change, Equipment, EquipmentStatus, Event, Facility, Licence};
use radfee::{Authority, Date, DeviceClass};

use crate::common::usage;
use crate::{Action, Args, day};

/// A flag the change needs.
fn need<'a>(value: Option<&'a String>, action: &str, flag: &str, example: &str) -> Result<&'a str, ExitCode> {
    value.map(String::as_str).filter(|v| !v.trim().is_empty()).ok_or_else(|| {
        usage(
            &format!("{action} cần {flag} (ví dụ {flag} {example})"),
            &format!("{action} needs {flag} (e.g. {flag} {example})"),
        )
    })
}

fn class(text: &str) -> Result<DeviceClass, ExitCode> {
    DeviceClass::from_written(text)
        .map_err(|e| usage(&format!("--class: {}", e.message_vi), &format!("--class: {}", e.message)))
}

fn authority(text: &str) -> Result<Authority, ExitCode> {
    [Authority::Province, Authority::Varans, Authority::Ministry].into_iter().find(|a| a.key() == text).ok_or_else(
        || {
            usage(
                &format!("--authority: không có cơ quan `{text}` (province, varans, ministry)"),
                &format!("--authority: no authority `{text}` (province, varans, ministry)"),
            )
        },
    )
}

/// The year of manufacture `--year` gives.
fn year(text: Option<&String>) -> Result<Option<u16>, ExitCode> {
    text.map(|y| {
        y.trim().parse::<u16>().map_err(|_| {
            usage(
                &format!("--year: `{y}` không phải là năm (ví dụ 2022)"),
                &format!("--year: `{y}` is not a year (e.g. 2022)"),
            )
        })
    })
    .transpose()
}

/// The change the flags describe, dated `date`.
pub(crate) fn from_flags(action: Action, args: &Args, date: Date) -> Result<Event, ExitCode> {
    let text = |v: &Option<String>| v.clone().filter(|t| !t.trim().is_empty());
    let change = match action {
        Action::RegisterFacility => {
            let a = "register-facility";
            let kind_text = need(args.kind.as_ref(), a, "--kind", "hospital")?;
            let kind = radfee::registry::FacilityKind::from_key(kind_text).ok_or_else(|| {
                usage(
                    &format!("--kind: không có loại cơ sở `{kind_text}` (hospital, clinic, dental_clinic, veterinary, industrial, research, security, other)"),
                    &format!("--kind: no facility kind `{kind_text}` (hospital, clinic, dental_clinic, veterinary, industrial, research, security, other)"),
                )
            })?;
            Change::RegisterFacility {
                facility: Facility {
                    id: need(args.id.as_ref(), a, "--id", "BV-DN-01")?.to_owned(),
                    name: need(args.name.as_ref(), a, "--name", "\"Bệnh viện Đa khoa Đồng Nai\"")?.to_owned(),
                    tax_code: text(&args.tax_code),
                    province: need(args.province.as_ref(), a, "--province", "\"Đồng Nai\"")?.to_owned(),
                    address: text(&args.address),
                    kind,
                },
            }
        }
        Action::Register => {
            let a = "register";
            let description = match text(&args.name) {
                Some(n) => Description::named(n).map_err(|e| {
                    usage(&format!("--name: {}", e.display_in(radfee::error::Lang::Vi)), &format!("--name: {e}"))
                })?,
                None => Description::default(),
            };
            let year = year(args.year.as_ref())?;
            Change::RegisterEquipment {
                equipment: Equipment {
                    id: need(args.id.as_ref(), a, "--id", "BV-DN-01-X1")?.to_owned(),
                    facility: need(args.facility.as_ref(), a, "--facility", "BV-DN-01")?.to_owned(),
                    description,
                    class: args.class.as_deref().map(class).transpose()?,
                    manufacturer: text(&args.manufacturer),
                    model: text(&args.model),
                    serial: text(&args.serial),
                    year,
                    location: text(&args.location),
                    mobile: args.mobile,
                    province: text(&args.province).unwrap_or_default(),
                    status: EquipmentStatus::InService,
                },
            }
        }
        Action::Update => {
            let status = match args.status.as_deref() {
                None => None,
                Some("in_service") => Some(EquipmentStatus::InService),
                Some("stored") => Some(EquipmentStatus::Stored),
                Some(other) => {
                    return Err(usage(
                        &format!(
                            "--status: update chỉ đặt in_service hoặc stored (`{other}`); để kết thúc sử dụng hãy dùng decommission hoặc dispose"
                        ),
                        &format!(
                            "--status: update sets in_service or stored only (`{other}`); use decommission or dispose to end a device's service"
                        ),
                    ));
                }
            };
            let description = match text(&args.name) {
                Some(n) => Some(Description::named(n).map_err(|e| {
                    usage(&format!("--name: {}", e.display_in(radfee::error::Lang::Vi)), &format!("--name: {e}"))
                })?),
                None => None,
            };
            let (class, location) = (args.class.as_deref().map(class).transpose()?, text(&args.location));
            let (manufacturer, model, serial) = (text(&args.manufacturer), text(&args.model), text(&args.serial));
            let year = year(args.year.as_ref())?;
            let fields = [description.is_some(), class.is_some(), location.is_some(), status.is_some()];
            let corrections = [manufacturer.is_some(), model.is_some(), serial.is_some(), year.is_some()];
            if !fields.iter().chain(&corrections).any(|x| *x) {
                return Err(usage(
                    "update cần ít nhất một thay đổi: --name, --class, --location, --status, --manufacturer, --model, --serial hoặc --year",
                    "update needs at least one change: --name, --class, --location, --status, --manufacturer, --model, --serial or --year",
                ));
            }
            let id = need(args.device.as_ref(), "update", "--device", "BV-DN-01-X1")?.to_owned();
            Change::UpdateEquipment { id, description, class, location, status, manufacturer, model, serial, year }
        }
        Action::Move => {
            let (to_facility, to_province) = (text(&args.to_facility), text(&args.to_province));
            if to_facility.is_none() && to_province.is_none() {
                return Err(usage(
                    "move cần --to-facility MÃ_CƠ_SỞ hoặc --to-province TỈNH",
                    "move needs --to-facility FACILITY_ID or --to-province PROVINCE",
                ));
            }
            let id = need(args.device.as_ref(), "move", "--device", "BV-DN-01-X1")?.to_owned();
            Change::MoveEquipment { id, to_facility, to_province, location: text(&args.location) }
        }
        Action::Decommission => Change::Decommission {
            id: need(args.device.as_ref(), "decommission", "--device", "BV-DN-01-X1")?.to_owned(),
        },
        Action::Dispose => {
            Change::Dispose { id: need(args.device.as_ref(), "dispose", "--device", "BV-DN-01-X1")?.to_owned() }
        }
        Action::Licence => {
            let a = "licence";
            match args.what.as_deref() {
                Some("issue") => {
                    let issued = match &args.issued {
                        Some(t) => day("--issued", t)?,
                        None => date,
                    };
                    let devices: Vec<String> = need(args.devices.as_ref(), "licence issue", "--devices", "X1,X2")?
                        .split([',', ';'])
                        .map(|d| d.trim().to_owned())
                        .filter(|d| !d.is_empty())
                        .collect();
                    Change::IssueLicence {
                        licence: Licence {
                            number: need(args.number.as_ref(), "licence issue", "--number", "123/GP-SKHCN")?.to_owned(),
                            facility: need(args.facility.as_ref(), "licence issue", "--facility", "BV-DN-01")?
                                .to_owned(),
                            authority: authority(need(
                                args.authority.as_ref(),
                                "licence issue",
                                "--authority",
                                "province",
                            )?)?,
                            issued,
                            expires: day(
                                "--expires",
                                need(args.expires.as_ref(), "licence issue", "--expires", "15/09/2028")?,
                            )?,
                            devices,
                        },
                    }
                }
                Some("renew") => Change::RenewLicence {
                    number: need(args.number.as_ref(), "licence renew", "--number", "123/GP-SKHCN")?.to_owned(),
                    expires: day(
                        "--expires",
                        need(args.expires.as_ref(), "licence renew", "--expires", "15/09/2031")?,
                    )?,
                },
                other => {
                    return Err(usage(
                        &format!(
                            "{a} cần `issue` (cấp) hoặc `renew` (gia hạn) ngay sau nó, không phải `{}`",
                            other.unwrap_or("")
                        ),
                        &format!("{a} needs `issue` or `renew` right after it, not `{}`", other.unwrap_or("")),
                    ));
                }
            }
        }
        _ => {
            return Err(usage("việc này không phải là một thay đổi", "this action is not a change"));
        }
    };
    Ok(Event { date, change })
}
