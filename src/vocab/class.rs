//! The device-class vocabulary shared by the classifier and the fee schedules
//! (docs/device-classes.md). Keys are stable: never renamed once shipped.

use std::fmt;

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};

/// A family of classes. The family drives licensing authority and other rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Family {
    /// Medical diagnostic X-ray (Decree 142/2020/ND-CP Art. 3(4)), including veterinary X-ray.
    MedicalXray,
    /// PET/CT and SPECT/CT, excluded from "medical diagnostic X-ray" by Decree 142/2020.
    HybridImaging,
    /// Non-medical X-ray used in industry and security: radiography, screening, inspection.
    IndustrialXray,
    /// X-ray analysers: fluorescence, diffraction, electron microscopes.
    AnalyticalXray,
    /// Accelerators, radiotherapy units and irradiators without a radioactive source.
    Accelerator,
    /// Devices holding sealed radioactive sources.
    SealedSourceDevice,
    /// Not ionising-radiation equipment: no licence, no fee.
    NotIonizing,
    /// Not a device: facilities, spent sources and shipments priced by the schedule
    /// (Circular 287/2016 sections 4 to 9). An extension of the spec's vocabulary.
    OtherPractice,
}

impl Family {
    /// Every family, in vocabulary order.
    pub const ALL: [Family; 8] = [
        Family::MedicalXray,
        Family::HybridImaging,
        Family::IndustrialXray,
        Family::AnalyticalXray,
        Family::Accelerator,
        Family::SealedSourceDevice,
        Family::NotIonizing,
        Family::OtherPractice,
    ];

    /// The stable key, e.g. `medical_xray`.
    pub fn key(self) -> &'static str {
        match self {
            Family::MedicalXray => "medical_xray",
            Family::HybridImaging => "hybrid_imaging",
            Family::IndustrialXray => "industrial_xray",
            Family::AnalyticalXray => "analytical_xray",
            Family::Accelerator => "accelerator",
            Family::SealedSourceDevice => "sealed_source_device",
            Family::NotIonizing => "not_ionizing",
            Family::OtherPractice => "other_practice",
        }
    }

    /// The family for a key.
    pub fn from_key(key: &str) -> Option<Family> {
        Family::ALL.into_iter().find(|f| f.key() == key)
    }

    /// Vietnamese and English names, for lists and sentences (Decree 142/2020/NĐ-CP's terms for
    /// medical diagnostic X-ray).
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            Family::MedicalXray => ("X-quang chẩn đoán trong y tế", "Medical diagnostic X-ray"),
            Family::HybridImaging => ("PET/CT, SPECT/CT", "PET/CT, SPECT/CT"),
            Family::IndustrialXray => ("X-quang công nghiệp, soi chiếu an ninh", "Industrial and security X-ray"),
            Family::AnalyticalXray => ("Thiết bị phân tích dùng tia X", "X-ray analysers"),
            Family::Accelerator => ("Máy gia tốc, xạ trị, chiếu xạ", "Accelerators, radiotherapy, irradiators"),
            Family::SealedSourceDevice => ("Thiết bị chứa nguồn phóng xạ kín", "Sealed-source devices"),
            Family::NotIonizing => ("Không phát bức xạ ion hóa", "Not ionising radiation"),
            Family::OtherPractice => ("Cơ sở, nguồn, vận chuyển", "Facilities, sources, shipments"),
        }
    }

    /// Whether devices of this family are "X-ray emitting devices" in the sense of the 2025–2026
    /// provincial procedures.
    pub fn is_x_ray_emitting(self) -> bool {
        matches!(self, Family::MedicalXray | Family::HybridImaging | Family::IndustrialXray | Family::AnalyticalXray)
    }
}

macro_rules! classes {
    ($( $(#[$doc:meta])* $variant:ident = $key:literal, $family:ident, $vi:literal, $en:literal; )*) => {
        /// A device class (or, in family [`Family::OtherPractice`], a non-device item a fee row
        /// prices). Serialised as its stable snake_case key.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum DeviceClass {
            $( $(#[$doc])* $variant, )*
        }

        impl DeviceClass {
            /// Every class, in vocabulary order.
            pub const ALL: &'static [DeviceClass] = &[ $( DeviceClass::$variant, )* ];

            /// The stable key, e.g. `xray_ct`.
            pub fn key(self) -> &'static str {
                match self { $( DeviceClass::$variant => $key, )* }
            }

            /// The class's family.
            #[inline]
            pub fn family(self) -> Family {
                match self { $( DeviceClass::$variant => Family::$family, )* }
            }

            /// The Vietnamese name.
            pub fn name_vi(self) -> &'static str {
                match self { $( DeviceClass::$variant => $vi, )* }
            }

            /// The English name.
            pub fn name_en(self) -> &'static str {
                match self { $( DeviceClass::$variant => $en, )* }
            }
        }
    };
}

classes! {
    /// General (fixed) radiography.
    XrayGeneral = "xray_general", MedicalXray, "X-quang chẩn đoán thông thường", "General diagnostic X-ray";
    /// Fluoroscopy, combined radiography–fluoroscopy.
    XrayFluoroscopy = "xray_fluoroscopy", MedicalXray, "X-quang tăng sáng truyền hình", "Fluoroscopy X-ray";
    /// Mobile C-arm fluoroscopy.
    XrayCArm = "xray_c_arm", MedicalXray, "X-quang C-arm", "C-arm fluoroscopy";
    /// Angiography / interventional.
    XrayAngiography = "xray_angiography", MedicalXray, "X-quang can thiệp, chụp mạch", "Angiography / interventional X-ray";
    /// Computed tomography.
    XrayCt = "xray_ct", MedicalXray, "X-quang chụp cắt lớp vi tính (CT)", "Computed tomography (CT)";
    /// Mammography.
    XrayMammography = "xray_mammography", MedicalXray, "X-quang chụp vú (nhũ ảnh)", "Mammography";
    /// Mobile radiography (no fluoroscopy).
    XrayMobile = "xray_mobile", MedicalXray, "X-quang di động", "Mobile X-ray";
    /// Dental intraoral.
    XrayDentalIntraoral = "xray_dental_intraoral", MedicalXray, "X-quang răng (phim đặt trong miệng)", "Dental intraoral X-ray";
    /// Dental panoramic.
    XrayDentalPanoramic = "xray_dental_panoramic", MedicalXray, "X-quang răng toàn cảnh (panorama)", "Dental panoramic X-ray";
    /// Cephalometric (skull).
    XrayDentalCephalometric = "xray_dental_cephalometric", MedicalXray, "X-quang sọ mặt (cephalometric)", "Cephalometric X-ray";
    /// Dental cone-beam CT.
    XrayDentalCbct = "xray_dental_cbct", MedicalXray, "CT chùm tia hình nón (CBCT) nha khoa", "Dental cone-beam CT (CBCT)";
    /// Bone densitometry (DEXA).
    XrayBoneDensitometry = "xray_bone_densitometry", MedicalXray, "Thiết bị đo mật độ xương", "Bone densitometer (DEXA)";
    /// Veterinary X-ray.
    XrayVeterinary = "xray_veterinary", MedicalXray, "X-quang thú y", "Veterinary X-ray";
    /// PET/CT system.
    PetCt = "pet_ct", HybridImaging, "Hệ thiết bị PET/CT", "PET/CT system";
    /// SPECT/CT system.
    SpectCt = "spect_ct", HybridImaging, "Hệ thiết bị SPECT/CT", "SPECT/CT system";
    /// Baggage / parcel / body security screening.
    XraySecurityScreening = "xray_security_screening", IndustrialXray, "Thiết bị phát tia X soi chiếu an ninh", "Security-screening X-ray";
    /// Circuit-board inspection.
    XrayPcbInspection = "xray_pcb_inspection", IndustrialXray, "Thiết bị phát tia X soi kiểm tra bo mạch", "PCB-inspection X-ray";
    /// X-ray fluorescence analyser with an X-ray tube.
    XrfAnalyzer = "xrf_analyzer", AnalyticalXray, "Thiết bị phân tích huỳnh quang tia X (ống phát tia X)", "X-ray fluorescence analyser (X-ray tube)";
    /// X-ray diffraction.
    XrdAnalyzer = "xrd_analyzer", AnalyticalXray, "Thiết bị nhiễu xạ tia X", "X-ray diffraction analyser";
    /// Electron microscope (incidental X-rays).
    ElectronMicroscope = "electron_microscope", AnalyticalXray, "Kính hiển vi điện tử", "Electron microscope";
    /// Cabinet X-ray for food / product inspection.
    XrayCabinetInspection = "xray_cabinet_inspection", IndustrialXray, "Thiết bị phát tia X soi kiểm tra sản phẩm", "Cabinet X-ray for product inspection";
    /// Industrial X-ray radiography (NDT).
    XrayIndustrialRadiography = "xray_industrial_radiography", IndustrialXray, "Thiết bị phát tia X chụp ảnh bức xạ công nghiệp", "Industrial X-ray radiography";
    /// Superficial / orthovoltage X-ray therapy.
    RadiotherapySuperficial = "radiotherapy_superficial", Accelerator, "Thiết bị xạ trị bề mặt", "Superficial radiotherapy unit";
    /// Medical linear accelerator.
    LinacRadiotherapy = "linac_radiotherapy", Accelerator, "Máy gia tốc xạ trị", "Radiotherapy linear accelerator";
    /// Cyclotron for radioisotope production.
    AcceleratorIsotopeProduction = "accelerator_isotope_production", Accelerator, "Máy gia tốc sản xuất đồng vị phóng xạ", "Accelerator for radioisotope production";
    /// Electron-beam / X-ray irradiator for sterilisation or processing.
    AcceleratorIrradiation = "accelerator_irradiation", Accelerator, "Thiết bị chiếu xạ dùng máy gia tốc", "Accelerator irradiator";
    /// Accelerator-based cargo / container scanner.
    AcceleratorCargoScreening = "accelerator_cargo_screening", Accelerator, "Máy gia tốc soi chiếu hàng hóa, container", "Accelerator cargo / container scanner";
    /// Any other accelerator.
    AcceleratorOther = "accelerator_other", Accelerator, "Máy gia tốc khác", "Other accelerator";
    /// Co-60 teletherapy, gamma knife.
    TeletherapySource = "teletherapy_source", SealedSourceDevice, "Thiết bị xạ trị từ xa dùng nguồn phóng xạ", "Teletherapy unit with radioactive source";
    /// HDR afterloader.
    BrachytherapyHdr = "brachytherapy_hdr", SealedSourceDevice, "Thiết bị xạ trị áp sát suất liều cao", "HDR brachytherapy afterloader";
    /// Panoramic gamma irradiator (sterilisation, food).
    IrradiatorSource = "irradiator_source", SealedSourceDevice, "Thiết bị chiếu xạ dùng nguồn phóng xạ", "Radioactive-source irradiator";
    /// Self-shielded gamma irradiator.
    GammaCell = "gamma_cell", SealedSourceDevice, "Thiết bị chiếu xạ gamma tự che chắn", "Self-shielded gamma irradiator (gamma cell)";
    /// Gamma field facility.
    GammaField = "gamma_field", SealedSourceDevice, "Thiết bị tạo trường gamma", "Gamma field";
    /// Industrial gamma radiography camera.
    GammaRadiography = "gamma_radiography", SealedSourceDevice, "Thiết bị chụp ảnh bức xạ công nghiệp chứa nguồn gamma", "Industrial gamma radiography camera";
    /// Well-logging / geophysical tool.
    WellLogging = "well_logging", SealedSourceDevice, "Thiết bị đo địa vật lý giếng khoan", "Well-logging / geophysical tool";
    /// Fixed or portable nuclear gauge.
    NuclearGauge = "nuclear_gauge", SealedSourceDevice, "Thiết bị đo hạt nhân", "Nuclear gauge";
    /// XRF analyser with a radioactive source.
    XrfAnalyzerSource = "xrf_analyzer_source", SealedSourceDevice, "Thiết bị phân tích huỳnh quang tia X dùng nguồn phóng xạ", "XRF analyser with a radioactive source";
    /// Gas chromatograph with electron-capture detector.
    GasChromatographEcd = "gas_chromatograph_ecd", SealedSourceDevice, "Thiết bị đo sắc ký khí (detector bắt điện tử)", "Gas chromatograph with ECD";
    /// Static eliminator.
    StaticEliminator = "static_eliminator", SealedSourceDevice, "Thiết bị khử tĩnh điện", "Static eliminator";
    /// Mössbauer spectrometer.
    MossbauerSpectrometer = "mossbauer_spectrometer", SealedSourceDevice, "Phổ kế Mossbauer", "Mössbauer spectrometer";
    /// MRI, ultrasound, lasers and other equipment that emits no ionising radiation.
    NotIonizing = "not_ionizing", NotIonizing, "Thiết bị không phát bức xạ ion hóa", "Not ionising-radiation equipment";
    /// Processing / storage of radioactive waste (287/2016 row 4.1).
    WasteFacility = "waste_facility", OtherPractice, "Cơ sở xử lý, lưu giữ chất thải phóng xạ", "Radioactive-waste processing / storage facility";
    /// Spent sources: above-medium hazard, or 10 or more sources (row 4.2.1).
    SpentSourcesSite = "spent_sources_site", OtherPractice, "Nguồn phóng xạ đã qua sử dụng: nguy hiểm trên trung bình hoặc từ 10 nguồn", "Spent sources: above-medium hazard or 10 or more sources";
    /// Spent source: medium hazard, fewer than 10 sources (row 4.2.2).
    SpentSourceMedium = "spent_source_medium", OtherPractice, "Nguồn phóng xạ đã qua sử dụng: nguy hiểm trung bình", "Spent source: medium hazard";
    /// Spent source: below-medium hazard, fewer than 10 sources (row 4.2.3).
    SpentSourceBelowMedium = "spent_source_below_medium", OtherPractice, "Nguồn phóng xạ đã qua sử dụng: nguy hiểm dưới trung bình", "Spent source: below-medium hazard";
    /// Construction: radioactive-substance production / processing facility (row 5.1).
    ConstructionProductionFacility = "construction_production_facility", OtherPractice, "Xây dựng cơ sở sản xuất, chế biến chất phóng xạ", "Construction: radioactive-substance production facility";
    /// Construction: waste facility above 10,000 × exemption level (row 5.2).
    ConstructionWasteFacility = "construction_waste_facility", OtherPractice, "Xây dựng cơ sở xử lý chất thải phóng xạ", "Construction: radioactive-waste facility";
    /// Construction: national radioactive-waste repository (row 5.3).
    ConstructionNationalRepository = "construction_national_repository", OtherPractice, "Xây dựng kho quốc gia lưu giữ chất thải phóng xạ", "Construction: national radioactive-waste repository";
    /// Construction: other radiation facilities (row 5.4).
    ConstructionOtherFacility = "construction_other_facility", OtherPractice, "Xây dựng cơ sở bức xạ khác", "Construction: other radiation facility";
    /// Change of scale or scope: production facility (row 6.1.1).
    ScopeChangeProductionFacility = "scope_change_production_facility", OtherPractice, "Thay đổi quy mô, phạm vi: cơ sở sản xuất, chế biến chất phóng xạ", "Change of scope: radioactive-substance production facility";
    /// Change of scale or scope: waste facility (row 6.1.2).
    ScopeChangeWasteFacility = "scope_change_waste_facility", OtherPractice, "Thay đổi quy mô, phạm vi: cơ sở xử lý chất thải phóng xạ", "Change of scope: radioactive-waste facility";
    /// Change of scale or scope: national repository (row 6.1.3).
    ScopeChangeNationalRepository = "scope_change_national_repository", OtherPractice, "Thay đổi quy mô, phạm vi: kho quốc gia chất thải phóng xạ", "Change of scope: national radioactive-waste repository";
    /// Change of scale or scope: other radiation facility (row 6.1.4).
    ScopeChangeOtherFacility = "scope_change_other_facility", OtherPractice, "Thay đổi quy mô, phạm vi: cơ sở bức xạ khác", "Change of scope: other radiation facility";
    /// Decommissioning an accelerator facility (row 6.2.1).
    DecommissioningAcceleratorFacility = "decommissioning_accelerator_facility", OtherPractice, "Chấm dứt hoạt động cơ sở máy gia tốc", "Decommissioning: accelerator facility";
    /// Packaging / transport of a source, above-medium hazard (row 8.1.1).
    TransportPackageAboveMedium = "transport_package_above_medium", OtherPractice, "Đóng gói, vận chuyển nguồn phóng xạ: nguy hiểm trên trung bình", "Transport of a source package: above-medium hazard";
    /// Packaging / transport of a source, medium hazard (row 8.1.2).
    TransportPackageMedium = "transport_package_medium", OtherPractice, "Đóng gói, vận chuyển nguồn phóng xạ: nguy hiểm trung bình", "Transport of a source package: medium hazard";
    /// Packaging / transport of a source, below-medium hazard (row 8.1.3).
    TransportPackageBelowMedium = "transport_package_below_medium", OtherPractice, "Đóng gói, vận chuyển nguồn phóng xạ: nguy hiểm dưới trung bình", "Transport of a source package: below-medium hazard";
    /// Import or export of a radioactive source, above-medium hazard: per source, or per batch of
    /// sources for one device (row 7.1; number unverified).
    ImportExportAboveMedium = "import_export_source_above_medium", OtherPractice, "Xuất khẩu, nhập khẩu nguồn phóng xạ: mức nguy hiểm trên trung bình", "Import / export of a radioactive source: above-medium hazard";
    /// Import or export of a radioactive source, medium hazard (row 7.2; number unverified).
    ImportExportMedium = "import_export_source_medium", OtherPractice, "Xuất khẩu, nhập khẩu nguồn phóng xạ: mức nguy hiểm trung bình", "Import / export of a radioactive source: medium hazard";
    /// Import or export of a radioactive source, below-medium hazard (row 7.3; number
    /// unverified).
    ImportExportBelowMedium = "import_export_source_below_medium", OtherPractice, "Xuất khẩu, nhập khẩu nguồn phóng xạ: mức nguy hiểm dưới trung bình", "Import / export of a radioactive source: below-medium hazard";
    /// Transport of radioactive waste (row 8.2).
    TransportRadioactiveWaste = "transport_radioactive_waste", OtherPractice, "Vận chuyển chất thải phóng xạ", "Transport of radioactive waste";
    /// Transport of source nuclear material (row 8.3).
    TransportSourceNuclearMaterial = "transport_source_nuclear_material", OtherPractice, "Vận chuyển vật liệu hạt nhân nguồn", "Transport of source nuclear material";
    /// Transport of nuclear material (row 8.4).
    TransportNuclearMaterial = "transport_nuclear_material", OtherPractice, "Vận chuyển vật liệu hạt nhân", "Transport of nuclear material";
    /// Transit of radioactive material (row 9.1).
    TransitRadioactiveMaterial = "transit_radioactive_material", OtherPractice, "Vận chuyển quá cảnh chất phóng xạ", "Transit of radioactive material";
    /// Transit of nuclear or source nuclear material (row 9.2).
    TransitNuclearMaterial = "transit_nuclear_material", OtherPractice, "Vận chuyển quá cảnh vật liệu hạt nhân, vật liệu hạt nhân nguồn", "Transit of nuclear / source nuclear material";
}

impl DeviceClass {
    /// The class for a key, e.g. `"xray_ct"`.
    pub fn from_key(key: &str) -> Option<DeviceClass> {
        static BY_KEY: std::sync::OnceLock<std::collections::HashMap<&'static str, DeviceClass, crate::text::Fixed>> =
            std::sync::OnceLock::new();
        BY_KEY.get_or_init(|| DeviceClass::ALL.iter().map(|c| (c.key(), *c)).collect()).get(key).copied()
    }

    /// Whether this is an "X-ray emitting device" in the sense of the 2025–2026 provincial
    /// procedures (families medical, hybrid, industrial and analytical X-ray).
    pub fn is_x_ray_emitting(self) -> bool {
        self.family().is_x_ray_emitting()
    }

    /// The legal definition this class rests on.
    pub fn legal_basis(self) -> &'static str {
        match self {
            DeviceClass::XrayAngiography => {
                "Thông tư 08/2010/TT-BKHCN Điều 3 khoản 4 (X-quang can thiệp, chụp mạch); Nghị định 142/2020/NĐ-CP Điều 3 khoản 4"
            }
            DeviceClass::XrayCArm => {
                "Nghị định 142/2020/NĐ-CP Điều 3 khoản 4 (X-quang tăng sáng truyền hình); TTLT 13/2014/TTLT-BKHCN-BYT Điều 2"
            }
            DeviceClass::XrayDentalIntraoral
            | DeviceClass::XrayDentalPanoramic
            | DeviceClass::XrayDentalCephalometric
            | DeviceClass::XrayDentalCbct => {
                "TTLT 13/2014/TTLT-BKHCN-BYT Điều 2 khoản 6 (sửa đổi bởi TT 13/2018/TT-BKHCN): X-quang răng gồm toàn cảnh, sọ mặt, phim đặt sau huyệt ổ răng, CT chùm tia hình nón"
            }
            _ => match self.family() {
                Family::MedicalXray => {
                    "Nghị định 142/2020/NĐ-CP Điều 3 khoản 4 (thiết bị X-quang chẩn đoán trong y tế); TTLT 13/2014/TTLT-BKHCN-BYT Điều 2"
                }
                Family::HybridImaging => {
                    "Nghị định 142/2020/NĐ-CP Điều 3 khoản 4 (CT trừ CT tích hợp PET, SPECT: PET/CT, SPECT/CT không thuộc X-quang chẩn đoán)"
                }
                Family::IndustrialXray | Family::AnalyticalXray => {
                    "Nghị định 142/2020/NĐ-CP Điều 3 (sử dụng thiết bị phát tia X); danh mục thủ tục cấp tỉnh 2025–2026"
                }
                Family::Accelerator => {
                    "Nghị định 142/2020/NĐ-CP Điều 3 (vận hành thiết bị chiếu xạ: máy gia tốc, thiết bị xạ trị, thiết bị chiếu xạ)"
                }
                Family::SealedSourceDevice => {
                    "Nghị định 142/2020/NĐ-CP Điều 3 (sử dụng thiết bị bức xạ có nguồn phóng xạ gắn trong thiết bị)"
                }
                Family::NotIonizing => "Luật Năng lượng nguyên tử (chỉ điều chỉnh bức xạ ion hóa)",
                Family::OtherPractice => "Thông tư 287/2016/TT-BTC, Biểu phí Phần A mục I điểm 4 đến 9",
            },
        }
    }

    /// Whether a fee schedule is expected to price this class (everything but `not_ionizing`).
    pub fn needs_fee_row(self) -> bool {
        self.family() != Family::NotIonizing
    }

    /// The keys of every class, for "expected one of …" messages.
    pub fn all_keys() -> impl Iterator<Item = &'static str> {
        DeviceClass::ALL.iter().map(|c| c.key())
    }
}

impl DeviceClass {
    /// The class's position in [`DeviceClass::ALL`].
    pub(crate) fn ordinal(self) -> usize {
        self as usize
    }
}

/// A map from device class to `V`, one slot per class: lookups are an array index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ClassMap<V>(Vec<Option<V>>);

impl<V> Default for ClassMap<V> {
    fn default() -> ClassMap<V> {
        ClassMap(std::iter::repeat_with(|| None).take(DeviceClass::ALL.len()).collect())
    }
}

impl<V> ClassMap<V> {
    pub(crate) fn get(&self, class: DeviceClass) -> Option<&V> {
        self.0.get(class.ordinal()).and_then(Option::as_ref)
    }

    /// Sets the value for `class`, returning the previous one.
    pub(crate) fn insert(&mut self, class: DeviceClass, value: V) -> Option<V> {
        self.0.get_mut(class.ordinal()).and_then(|slot| slot.replace(value))
    }

    pub(crate) fn contains_key(&self, class: DeviceClass) -> bool {
        self.get(class).is_some()
    }
}

impl fmt::Display for DeviceClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl Serialize for DeviceClass {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.key())
    }
}

impl<'de> Deserialize<'de> for DeviceClass {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<DeviceClass, D::Error> {
        let key = String::deserialize(d)?;
        DeviceClass::from_key(&key).ok_or_else(|| {
            de::Error::custom(crate::text::join_both(&unknown_class_message(&key), &unknown_class_message_vi(&key)))
        })
    }
}

/// "unknown device class `x`", with the closest known key when there is one.
impl DeviceClass {
    /// The class whose Vietnamese or English name (as a quote prints it, and the desk lists
    /// it) is `text`, in any case, with or without diacritics and punctuation:
    /// `X-quang chụp cắt lớp vi tính (CT)`, `x quang chup cat lop vi tinh ct` and
    /// `Computed tomography (CT)` are [`DeviceClass::XrayCt`]. No two classes' names read
    /// alike (a test keeps it so), so a name is never a guess.
    pub fn from_name(text: &str) -> Option<DeviceClass> {
        static BY_NAME: std::sync::OnceLock<std::collections::HashMap<String, DeviceClass>> =
            std::sync::OnceLock::new();
        BY_NAME
            .get_or_init(|| {
                DeviceClass::ALL
                    .iter()
                    .flat_map(|c| [(crate::text::fold(c.name_vi()), *c), (crate::text::fold(c.name_en()), *c)])
                    .collect()
            })
            .get(&crate::text::fold(text))
            .copied()
    }

    /// The class for a key as someone may type it: any case, `-` or spaces for `_`, with or
    /// without diacritics (`XRAY-CT`, `xray ct`), or for its name ([`DeviceClass::from_name`]).
    ///
    /// # Errors
    /// [`UnknownTerm`](super::terms::UnknownTerm) whose message suggests the close keys ("did you
    /// mean `xray_ct`, `pet_ct` or `spect_ct`?" for `CT`).
    pub fn from_written(text: &str) -> Result<DeviceClass, super::terms::UnknownTerm> {
        if let Some(c) = DeviceClass::from_key(text) {
            return Ok(c);
        }
        DeviceClass::from_key(&crate::text::fold(text).replace(' ', "_"))
            .or_else(|| DeviceClass::from_name(text))
            .ok_or_else(|| {
                super::terms::UnknownTerm::new(
                    "class",
                    crate::text::Msg::new(unknown_class_message(text), unknown_class_message_vi(text)),
                )
            })
    }
}

/// [`unknown_class_message`] in Vietnamese.
pub(crate) fn unknown_class_message_vi(key: &str) -> String {
    let t = crate::text::excerpt(key);
    match close_keys(key).as_slice() {
        [] => format!(
            "không có loại thiết bị `{t}`: ghi một mã trong docs/device-classes.md, ví dụ `xray_general` hoặc `xray_ct`"
        ),
        [one] => format!("không có loại thiết bị `{t}`; có phải là `{one}`? (xem docs/device-classes.md)"),
        [some @ .., last] if some.len() < 4 => format!(
            "không có loại thiết bị `{t}`; có phải là {} hay `{last}`? (xem docs/device-classes.md)",
            some.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
        ),
        many => format!(
            "không có loại thiết bị `{t}`: {} loại gần giống; ghi đúng một mã trong docs/device-classes.md",
            many.len()
        ),
    }
}

/// The keys close to what was written: the key itself folded, a key containing it, a key
/// with every word of it ("CT" → `xray_ct`, `pet_ct`, `spect_ct`), or one or two letters away.
fn close_keys(key: &str) -> Vec<&'static str> {
    let folded = crate::text::fold(key).replace(' ', "_");
    let words: Vec<&str> = folded.split('_').filter(|w| !w.is_empty()).collect();
    DeviceClass::all_keys()
        .filter(|k| {
            *k == folded
                || (folded.len() >= 4 && k.contains(folded.as_str()))
                || (!words.is_empty() && words.iter().all(|w| k.split('_').any(|s| s == *w)))
                || (folded.len() >= 5 && crate::text::edit_distance(k, &folded) <= 2)
        })
        .collect()
}

pub(crate) fn unknown_class_message(key: &str) -> String {
    let close = close_keys(key);
    match close.as_slice() {
        [] => format!(
            "unknown device class `{}`: use a key from docs/device-classes.md, such as `xray_general` or `xray_ct`",
            crate::text::excerpt(key)
        ),
        [one] => format!(
            "unknown device class `{}`; did you mean `{one}`? (see docs/device-classes.md)",
            crate::text::excerpt(key)
        ),
        [some @ .., last] if some.len() < 4 => format!(
            "unknown device class `{}`; did you mean {} or `{last}`? (see docs/device-classes.md)",
            crate::text::excerpt(key),
            some.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
        ),
        _ => format!(
            "unknown device class `{}`: {} classes match it; use one key from docs/device-classes.md",
            crate::text::excerpt(key),
            close.len()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_round_trip() {
        let mut keys: Vec<&str> = DeviceClass::all_keys().collect();
        let n = keys.len();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), n);
        for c in DeviceClass::ALL {
            assert_eq!(DeviceClass::from_key(c.key()), Some(*c));
        }
        // 40 device classes + not_ionizing + 24 non-device items of 287/2016 points 4 to 9.
        assert_eq!(DeviceClass::ALL.iter().filter(|c| c.family() != Family::OtherPractice).count(), 41);
        assert_eq!(n, 65);
    }

    #[test]
    fn every_name_reads_as_its_own_class_and_no_other() {
        for c in DeviceClass::ALL {
            assert_eq!(DeviceClass::from_name(c.name_vi()), Some(*c), "{}", c.name_vi());
            assert_eq!(DeviceClass::from_name(c.name_en()), Some(*c), "{}", c.name_en());
        }
        // As an officer types it: no diacritics, other case and punctuation.
        assert_eq!(DeviceClass::from_name("x quang chup cat lop vi tinh CT"), Some(DeviceClass::XrayCt));
        assert_eq!(
            DeviceClass::from_written("X-quang răng toàn cảnh (panorama)").ok(),
            Some(DeviceClass::XrayDentalPanoramic)
        );
        // A name's part is not a name: no guessing.
        assert_eq!(DeviceClass::from_name("X-quang"), None);
        assert_eq!(DeviceClass::from_name(""), None);
    }

    #[test]
    fn ordinals_follow_the_vocabulary_order() {
        for (i, c) in DeviceClass::ALL.iter().enumerate() {
            assert_eq!(c.ordinal(), i);
        }
    }

    #[test]
    fn x_ray_emitting_follows_the_family() {
        assert!(DeviceClass::XrayCt.is_x_ray_emitting());
        assert!(DeviceClass::ElectronMicroscope.is_x_ray_emitting());
        assert!(!DeviceClass::RadiotherapySuperficial.is_x_ray_emitting());
        assert!(!DeviceClass::NuclearGauge.is_x_ray_emitting());
    }
}
