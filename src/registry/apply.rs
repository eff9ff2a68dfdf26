//! The registry's rules: what makes a change valid against the state (provinces resolved,
//! devices classified, licences issued by the authority the law names), and replaying a
//! recorded history.

use super::model::{Change, EquipmentStatus, Event, State};
use crate::date::Date;
use crate::error::{Error, Finding};
use crate::law::Law;

/// Applies an already-validated event (replay).
pub(super) fn apply_recorded(state: &mut State, e: &Event) {
    // Events in a registry's history were valid when recorded, so replay cannot fail; a
    // schedule-independent replay repeats exactly what `apply_to` did.
    match &e.change {
        Change::RegisterFacility { facility } => {
            state.facilities.insert(facility.id.clone(), facility.clone());
        }
        Change::RegisterEquipment { equipment } => {
            state.equipment.insert(equipment.id.clone(), equipment.clone());
        }
        Change::UpdateEquipment { id, description, class, location, status, manufacturer, model, serial, year } => {
            if let Some(eq) = state.equipment.get_mut(id) {
                eq.correct(manufacturer, model, serial);
                if year.is_some() {
                    eq.year = *year;
                }
                if let Some(d) = description {
                    eq.description = d.clone();
                }
                if class.is_some() {
                    eq.class = *class;
                }
                if location.is_some() {
                    eq.location.clone_from(location);
                }
                if let Some(s) = status {
                    eq.status = *s;
                }
            }
        }
        Change::MoveEquipment { id, to_facility, to_province, location } => {
            let head = to_facility.as_ref().and_then(|f| state.facilities.get(f)).map(|f| f.province.clone());
            if let Some(eq) = state.equipment.get_mut(id) {
                if let Some(f) = to_facility {
                    eq.facility.clone_from(f);
                }
                if location.is_some() {
                    eq.location.clone_from(location);
                }
                // Recorded events carry the resolved slug.
                eq.province = match (eq.mobile, to_province, head) {
                    (false, Some(p), _) => p.clone(),
                    (_, _, Some(h)) => h,
                    _ => eq.province.clone(),
                };
            }
        }
        Change::Decommission { id } => {
            if let Some(eq) = state.equipment.get_mut(id) {
                eq.status = EquipmentStatus::Decommissioned;
            }
        }
        Change::Dispose { id } => {
            if let Some(eq) = state.equipment.get_mut(id) {
                eq.status = EquipmentStatus::Disposed;
            }
        }
        Change::IssueLicence { licence } => {
            state.licences.insert(licence.number.clone(), licence.clone());
        }
        Change::RenewLicence { number, expires } => {
            if let Some(l) = state.licences.get_mut(number) {
                l.expires = *expires;
            }
        }
    }
}

fn province_slug(law: &Law, name: &str, date: Date) -> Result<String, Error> {
    let (r, current) = law.provinces().resolve(name, date).map_err(|e| refuse(date, e.to_string(), e.message_vi()))?;
    Ok(if r.historical { current.slug().to_owned() } else { r.slug })
}

/// Validates `event` against `state`, normalises it (province slugs, classes), applies it, and
/// returns the event as recorded.
pub(super) fn apply_to(state: &mut State, law: &Law, mut event: Event) -> Result<Event, Error> {
    let date = event.date;
    let active = |state: &State, id: &str| -> Result<(), Error> {
        match state.equipment.get(id) {
            None => Err(refuse(
                date,
                format!("no device with id `{id}` is registered"),
                format!("chưa có thiết bị mã `{id}` trong sổ đăng ký"),
            )),
            Some(e) if !e.status.is_active() => Err(refuse(
                date,
                format!("device `{id}` is {} and cannot change any more", e.status.key()),
                format!("thiết bị `{id}` {} nên không thể thay đổi được nữa", e.status.name_vi()),
            )),
            Some(_) => Ok(()),
        }
    };
    match &mut event.change {
        Change::RegisterFacility { facility } => {
            if facility.id.trim().is_empty() {
                return Err(refuse(date, "a facility needs an id", "cơ sở phải có mã (`id`)"));
            }
            if state.facilities.contains_key(&facility.id) {
                return Err(refuse(
                    date,
                    format!("a facility with id `{}` is already registered", facility.id),
                    format!("cơ sở mã `{}` đã có trong sổ đăng ký", facility.id),
                ));
            }
            facility.province = province_slug(law, &facility.province, date)?;
        }
        Change::RegisterEquipment { equipment } => {
            if equipment.id.trim().is_empty() {
                return Err(refuse(date, "a device needs an id", "thiết bị phải có mã (`id`)"));
            }
            if let Some(year) = equipment.year.filter(|y| *y < 1900 || *y > date.year()) {
                return Err(refuse(
                    date,
                    format!(
                        "device `{}`: year of manufacture {year} is not from 1900 to the year of this change ({}): check the year",
                        equipment.id,
                        date.year()
                    ),
                    format!(
                        "thiết bị `{}`: năm sản xuất {year} không nằm trong khoảng từ 1900 đến năm của thay đổi này ({}): hãy kiểm tra lại năm",
                        equipment.id,
                        date.year()
                    ),
                ));
            }
            let Some(facility) = state.facilities.get(&equipment.facility) else {
                return Err(refuse(
                    date,
                    format!("device `{}`: no facility with id `{}` is registered", equipment.id, equipment.facility),
                    format!("thiết bị `{}`: chưa có cơ sở mã `{}` trong sổ đăng ký", equipment.id, equipment.facility),
                ));
            };
            if equipment.class.is_none() && !equipment.description.is_empty() {
                let c = law.classify(&equipment.description, date)?;
                equipment.class = c.class();
            }
            if equipment.class.is_none() {
                return Err(refuse(
                    date,
                    format!("device `{}`: give its class, or a description the classifier can settle", equipment.id),
                    format!(
                        "thiết bị `{}`: hãy ghi loại thiết bị (`class`), hoặc mô tả đủ rõ để xác định được loại",
                        equipment.id
                    ),
                ));
            }
            equipment.province = match (equipment.mobile, equipment.province.trim()) {
                (_, "") => facility.province.clone(),
                (false, p) => province_slug(law, p, date)?,
                // A mobile device is licensed by the province of its head office: a different
                // province written for it is a mistake to say, not to replace silently.
                (true, p) => {
                    let slug = province_slug(law, p, date)?;
                    if slug != facility.province {
                        return Err(refuse(
                            date,
                            format!(
                                "device `{}` is mobile: it is licensed by the province of its facility's head office (`{}`), not `{p}`; leave its province out",
                                equipment.id, facility.province
                            ),
                            format!(
                                "thiết bị `{}` là thiết bị di động: giấy phép do tỉnh nơi đặt trụ sở chính của cơ sở cấp (`{}`), không phải `{p}`; hãy bỏ trống tỉnh của thiết bị",
                                equipment.id, facility.province
                            ),
                        ));
                    }
                    slug
                }
            };
            equipment.status = EquipmentStatus::InService;
            // One descent of the device map both refuses a duplicate id and records the device
            // (the insert `apply_recorded` makes on replay): on a national registry, a second
            // descent was a third of the time of a registration.
            match state.equipment.entry(equipment.id.clone()) {
                std::collections::btree_map::Entry::Occupied(_) => {
                    return Err(refuse(
                        date,
                        format!("a device with id `{}` is already registered", equipment.id),
                        format!("thiết bị mã `{}` đã có trong sổ đăng ký", equipment.id),
                    ));
                }
                std::collections::btree_map::Entry::Vacant(v) => {
                    v.insert(equipment.clone());
                }
            }
            return Ok(event);
        }
        Change::UpdateEquipment { id, status, year, .. } => {
            active(state, id)?;
            if let Some(y) = year.filter(|y| *y < 1900 || *y > date.year()) {
                return Err(refuse(
                    date,
                    format!(
                        "device `{id}`: year of manufacture {y} is not from 1900 to the year of this change ({})",
                        date.year()
                    ),
                    format!(
                        "thiết bị `{id}`: năm sản xuất {y} không nằm trong khoảng từ 1900 đến năm của thay đổi này ({})",
                        date.year()
                    ),
                ));
            }
            if status.is_some_and(|s| !s.is_active()) {
                return Err(refuse(
                    date,
                    "use decommission or dispose to end a device's service",
                    "để kết thúc việc sử dụng thiết bị, hãy dùng `decommission` (ngừng sử dụng) hoặc `dispose` (thải bỏ)",
                ));
            }
        }
        Change::MoveEquipment { id, to_facility, to_province, location } => {
            active(state, id)?;
            if let Some(f) = to_facility
                && !state.facilities.contains_key(f)
            {
                return Err(refuse(
                    date,
                    format!("no facility with id `{f}` is registered"),
                    format!("chưa có cơ sở mã `{f}` trong sổ đăng ký"),
                ));
            }
            let mobile = state.equipment.get(id).is_some_and(|e| e.mobile);
            if let Some(p) = to_province {
                if mobile {
                    return Err(refuse(
                        date,
                        format!(
                            "device `{id}` is mobile: it stays licensed by the province of its head office; move it to another facility instead"
                        ),
                        format!(
                            "thiết bị `{id}` là thiết bị di động: giấy phép vẫn do tỉnh nơi đặt trụ sở chính cấp; hãy chuyển thiết bị sang cơ sở khác thay vì đổi tỉnh"
                        ),
                    ));
                }
                *p = province_slug(law, p, date)?;
            }
            // A move that moves nothing is a mistake to say, not an event to keep.
            if let Some(e) = state.equipment.get(id.as_str()) {
                // A province given is kept as a move even when its current slug is the same
                // (Bình Dương to Hồ Chí Minh City before their 2025 merger).
                let same_facility = to_facility.as_ref().is_none_or(|f| *f == e.facility);
                let same_location = location.is_none() || *location == e.location;
                if same_facility && to_province.is_none() && same_location {
                    return Err(refuse(
                        date,
                        format!(
                            "device `{id}` is already at facility `{}` in `{}`: this move changes nothing",
                            e.facility, e.province
                        ),
                        format!(
                            "thiết bị `{id}` đã ở cơ sở `{}`, tỉnh `{}`: việc chuyển này không thay đổi gì",
                            e.facility, e.province
                        ),
                    ));
                }
            }
        }
        Change::Decommission { id } => active(state, id)?,
        Change::Dispose { id } => match state.equipment.get(id) {
            None => {
                return Err(refuse(
                    date,
                    format!("no device with id `{id}` is registered"),
                    format!("chưa có thiết bị mã `{id}` trong sổ đăng ký"),
                ));
            }
            Some(e) if e.status == EquipmentStatus::Disposed => {
                return Err(refuse(
                    date,
                    format!("device `{id}` is already disposed of"),
                    format!("thiết bị `{id}` đã được thải bỏ"),
                ));
            }
            Some(_) => {}
        },
        Change::IssueLicence { licence } => {
            if state.licences.contains_key(&licence.number) {
                return Err(refuse(
                    date,
                    format!("licence `{}` already exists", licence.number),
                    format!("giấy phép `{}` đã có trong sổ đăng ký", licence.number),
                ));
            }
            if !state.facilities.contains_key(&licence.facility) {
                return Err(refuse(
                    date,
                    format!("licence `{}`: no facility with id `{}`", licence.number, licence.facility),
                    format!("giấy phép `{}`: không có cơ sở mã `{}`", licence.number, licence.facility),
                ));
            }
            if licence.expires <= licence.issued {
                return Err(refuse(
                    date,
                    format!(
                        "licence `{}` expires on {} but is issued on {}",
                        licence.number, licence.expires, licence.issued
                    ),
                    format!(
                        "giấy phép `{}` hết hạn ngày {} nhưng lại được cấp ngày {}",
                        licence.number,
                        licence.expires.day_first(),
                        licence.issued.day_first()
                    ),
                ));
            }
            if licence.issued > date {
                return Err(refuse(
                    date,
                    format!(
                        "licence `{}` is issued on {}, after the day this change records ({date}); record it on or after its issue date",
                        licence.number, licence.issued
                    ),
                    format!(
                        "giấy phép `{}` được cấp ngày {}, sau ngày ghi nhận thay đổi này ({}); hãy ghi nhận vào hoặc sau ngày cấp",
                        licence.number,
                        licence.issued.day_first(),
                        date.day_first()
                    ),
                ));
            }
            if licence.devices.is_empty() {
                return Err(refuse(
                    date,
                    format!("licence `{}` names no device", licence.number),
                    format!("giấy phép `{}` không ghi thiết bị nào", licence.number),
                ));
            }
            let mut seen = std::collections::BTreeSet::new();
            for d in &licence.devices {
                if !seen.insert(d.as_str()) {
                    return Err(refuse(
                        date,
                        format!(
                            "licence `{}` names device `{d}` more than once; a device is licensed once (it would be priced twice at renewal)",
                            licence.number
                        ),
                        format!(
                            "giấy phép `{}` ghi thiết bị `{d}` nhiều lần; mỗi thiết bị chỉ được cấp phép một lần (nếu không sẽ bị tính phí hai lần khi gia hạn)",
                            licence.number
                        ),
                    ));
                }
                active(state, d)?;
                if let Some(class) = state.equipment.get(d).and_then(|e| e.class) {
                    match law.authority().rule(class, licence.issued) {
                        Some((rule, _)) if rule.authority != licence.authority => {
                            return Err(refuse(
                                date,
                                format!(
                                    "licence `{}` is issued by {} but device `{d}` ({class}) falls to {} on {}; the licence must come from the authority that licenses its devices",
                                    licence.number,
                                    licence.authority.key(),
                                    rule.authority.key(),
                                    licence.issued
                                ),
                                format!(
                                    "giấy phép `{}` do {} cấp nhưng vào ngày {} thiết bị `{d}` ({}) thuộc thẩm quyền cấp phép của {}; giấy phép phải do cơ quan có thẩm quyền cấp phép cho các thiết bị đó cấp",
                                    licence.number,
                                    licence.authority.names().0,
                                    licence.issued.day_first(),
                                    class.name_vi(),
                                    rule.authority.names().0
                                ),
                            ));
                        }
                        _ => {}
                    }
                }
                if state.equipment.get(d).is_some_and(|e| e.facility != licence.facility) {
                    return Err(refuse(
                        date,
                        format!("licence `{}`: device `{d}` belongs to another facility", licence.number),
                        format!("giấy phép `{}`: thiết bị `{d}` thuộc cơ sở khác", licence.number),
                    ));
                }
            }
        }
        Change::RenewLicence { number, expires } => match state.licences.get(number.as_str()) {
            None => {
                return Err(refuse(
                    date,
                    format!("no licence numbered `{number}`"),
                    format!("không có giấy phép số `{number}`"),
                ));
            }
            Some(l) if date > l.expires => {
                return Err(refuse(
                    date,
                    format!(
                        "licence `{number}` expired on {}: an expired licence is not renewed (a renewal is filed before expiry); issue a new licence",
                        l.expires
                    ),
                    format!(
                        "giấy phép `{number}` đã hết hạn ngày {}: giấy phép đã hết hạn không được gia hạn (hồ sơ gia hạn nộp trước khi hết hạn); hãy cấp giấy phép mới",
                        l.expires.day_first()
                    ),
                ));
            }
            Some(l) if *expires <= l.expires => {
                return Err(refuse(
                    date,
                    format!("licence `{number}` already runs until {}; a renewal must extend it", l.expires),
                    format!(
                        "giấy phép `{number}` đã có hiệu lực đến ngày {}; gia hạn phải kéo dài thời hạn này",
                        l.expires.day_first()
                    ),
                ));
            }
            Some(_) => {}
        },
    }
    apply_recorded(state, &event);
    Ok(event)
}

/// A refused change: its date and what is wrong, in English and in Vietnamese.
pub(super) fn refuse(date: Date, message: impl Into<String>, message_vi: impl Into<String>) -> Error {
    Error::input(Finding::error(None, None, format!("{date}: {}", message.into())).vi(format!(
        "{}: {}",
        date.day_first(),
        message_vi.into()
    )))
}
