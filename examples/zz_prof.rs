#![allow(missing_docs, clippy::unwrap_used)]
fn main() {
    use radfee::*;
    let s = Schedules::builtin().unwrap();
    let app = Application::new("Đồng Nai", Procedure::Renewal, "2025-09-15".parse().unwrap())
        .with_channel(Channel::Online)
        .with_device(DeviceClass::XrayCt, 1)
        .with_device(DeviceClass::XrayGeneral, 2)
        .with_device(DeviceClass::XrayMobile, 1)
        .with_device(DeviceClass::XrayDentalPanoramic, 3)
        .with_device(DeviceClass::XrayMammography, 1);
    for _ in 0..200_000 {
        std::hint::black_box(s.total(std::hint::black_box(&app)).unwrap());
    }
}
