//! The classifier's vocabulary for free-text names: folded phrases (lower case, no diacritics,
//! punctuation as spaces) and what each one says about the device. Longer phrases are matched
//! first and consume their words, so "huynh quang tia x" (XRF) does not also read as "tia x".
//!
//! A phrase is read in every name that carries it: a bare generic word ("phau thuat") added for
//! a new class also speaks in "Máy C-arm trong phẫu thuật" and can make such a name ambiguous,
//! which refuses an application that was priced. Prefer the class's whole phrase, and compare
//! the neighbours' names before and after (docs/architecture.md, "A device class", step 4;
//! `NAMES` in tests/suite/classify.rs lists the names that must keep their class).

use crate::vocab::{Radiation, Use};

/// What a phrase says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Meaning {
    Modality(&'static str),
    /// Either of two modalities (e.g. "container": X-ray or accelerator cargo screening).
    Modalities(&'static str, &'static str),
    Radiation(Radiation),
    Use(Use),
    Mobile,
    /// Held in the hand ("cầm tay"): a dental X-ray held in the hand is intraoral.
    Handheld,
    /// The detector, not the kind of unit ("DR", "CR", "kỹ thuật số"): general radiography
    /// when nothing else is said, but never against a catalogue entry or a more specific word.
    Detector,
}

use Meaning::{Detector, Handheld, Mobile, Modalities, Modality as M, Radiation as R, Use as U};

/// Every phrase the name reader knows.
pub(crate) const LEXICON: &[(&str, Meaning)] = &[
    // Hybrid imaging (before CT).
    ("pet ct", M("pet_ct")),
    ("petct", M("pet_ct")),
    ("spect ct", M("spect_ct")),
    ("spectct", M("spect_ct")),
    ("spect", M("spect_ct")),
    // Dental.
    ("cbct", M("cbct")),
    ("cone beam", M("cbct")),
    ("chum tia hinh non", M("cbct")),
    ("toan canh", M("panoramic")),
    ("panorama", M("panoramic")),
    ("panoramic", M("panoramic")),
    ("pano", M("panoramic")),
    ("opg", M("panoramic")),
    ("so mat", M("cephalometric")),
    ("so nghieng", M("cephalometric")),
    ("cephalometric", M("cephalometric")),
    ("cephalo", M("cephalometric")),
    ("ceph", M("cephalometric")),
    ("trong mieng", M("intraoral")),
    ("quanh chop", M("intraoral")),
    ("can chop", M("intraoral")),
    ("intraoral", M("intraoral")),
    ("intra oral", M("intraoral")),
    ("periapical", M("intraoral")),
    ("phim dat", M("intraoral")),
    ("rang", U(Use::Dental)),
    ("nha khoa", U(Use::Dental)),
    ("ham mat", U(Use::Dental)),
    ("dental", U(Use::Dental)),
    // Medical X-ray modalities.
    ("c arm", M("c_arm")),
    ("carm", M("c_arm")),
    ("canh tay chu c", M("c_arm")),
    ("can thiep", M("angiography")),
    ("chup mach", M("angiography")),
    ("mach mau", M("angiography")),
    ("angiography", M("angiography")),
    ("angio", M("angiography")),
    ("dsa", M("angiography")),
    ("tang sang truyen hinh", M("fluoroscopy")),
    ("tang sang", M("fluoroscopy")),
    ("fluoroscopy", M("fluoroscopy")),
    ("fluoro", M("fluoroscopy")),
    ("nhu anh", M("mammography")),
    ("chup vu", M("mammography")),
    ("tuyen vu", M("mammography")),
    ("x quang vu", M("mammography")),
    ("mammography", M("mammography")),
    ("mammo", M("mammography")),
    ("mat do xuong", M("densitometry")),
    ("loang xuong", M("densitometry")),
    ("dexa", M("densitometry")),
    ("dxa", M("densitometry")),
    ("densitometer", M("densitometry")),
    ("densitometry", M("densitometry")),
    ("bone density", M("densitometry")),
    ("cat lop vi tinh", M("ct")),
    ("chup cat lop", M("ct")),
    ("cat lop", M("ct")),
    ("computed tomography", M("ct")),
    ("ct scanner", M("ct")),
    ("msct", M("ct")),
    ("ct", M("ct")),
    ("lat", M("ct")),
    ("thong thuong", M("radiography")),
    ("tong hop", M("radiography")),
    ("ky thuat so", Detector),
    ("chup phim", M("radiography")),
    ("general", M("radiography")),
    ("dr", Detector),
    ("cr", Detector),
    ("di dong", Mobile),
    ("luu dong", Mobile),
    ("xach tay", Mobile),
    ("mobile", Mobile),
    ("portable", Mobile),
    ("cam tay", Handheld),
    ("handheld", Handheld),
    ("hand held", Handheld),
    ("thu y", U(Use::Veterinary)),
    ("veterinary", U(Use::Veterinary)),
    ("dong vat", U(Use::Veterinary)),
    ("animal", U(Use::Veterinary)),
    ("vet", U(Use::Veterinary)),
    // Non-medical X-ray.
    ("soi chieu an ninh", M("security_screening")),
    ("kiem tra an ninh", M("security_screening")),
    ("soi hanh ly", M("security_screening")),
    ("hanh ly", M("security_screening")),
    ("an ninh", M("security_screening")),
    ("buu kien", M("security_screening")),
    ("security", M("security_screening")),
    ("baggage", M("security_screening")),
    ("luggage", M("security_screening")),
    ("parcel", M("security_screening")),
    ("body scanner", M("security_screening")),
    ("container", Modalities("cargo_screening", "security_screening")),
    ("hang hoa", Modalities("cargo_screening", "security_screening")),
    ("cargo", Modalities("cargo_screening", "security_screening")),
    ("bo mach", M("pcb_inspection")),
    ("mach in", M("pcb_inspection")),
    ("circuit board", M("pcb_inspection")),
    ("pcb", M("pcb_inspection")),
    ("huynh quang tia x", M("xrf")),
    ("do chi trong son", M("xrf")),
    ("chi trong son", M("xrf")),
    ("lead in paint", M("xrf")),
    ("lead paint", M("xrf")),
    ("x ray fluorescence", M("xrf")),
    ("huynh quang", M("xrf")),
    ("fluorescence", M("xrf")),
    ("xrf", M("xrf")),
    ("nhieu xa tia x", M("xrd")),
    ("x ray diffraction", M("xrd")),
    ("nhieu xa", M("xrd")),
    ("diffraction", M("xrd")),
    ("diffractometer", M("xrd")),
    ("xrd", M("xrd")),
    ("kinh hien vi dien tu", M("electron_microscope")),
    ("hien vi dien tu", M("electron_microscope")),
    ("electron microscope", M("electron_microscope")),
    ("soi kiem tra san pham", M("cabinet_inspection")),
    ("kiem tra san pham", M("cabinet_inspection")),
    ("thuc pham", M("cabinet_inspection")),
    ("food inspection", M("cabinet_inspection")),
    ("foreign body", M("cabinet_inspection")),
    ("di vat", M("cabinet_inspection")),
    ("cabinet", M("cabinet_inspection")),
    ("chup anh buc xa cong nghiep", M("industrial_radiography")),
    ("chup anh phong xa cong nghiep", M("industrial_radiography")),
    ("chup anh buc xa", M("industrial_radiography")),
    ("chup anh phong xa", M("industrial_radiography")),
    ("industrial radiography", M("industrial_radiography")),
    ("kiem tra khong pha huy", M("industrial_radiography")),
    ("moi han", M("industrial_radiography")),
    ("ndt", M("industrial_radiography")),
    ("chup anh gamma", M("gamma_radiography")),
    ("gamma radiography", M("gamma_radiography")),
    // Radiotherapy, accelerators, irradiators.
    ("xa tri be mat", M("superficial_therapy")),
    ("xa tri nong", M("superficial_therapy")),
    ("superficial", M("superficial_therapy")),
    ("orthovoltage", M("superficial_therapy")),
    ("gia toc tuyen tinh", M("linac")),
    ("gia toc xa tri", M("linac")),
    ("linear accelerator", M("linac")),
    ("linac", M("linac")),
    ("san xuat dong vi", M("cyclotron")),
    ("isotope production", M("cyclotron")),
    ("cyclotron", M("cyclotron")),
    ("gamma cell", M("gamma_cell")),
    ("gammacell", M("gamma_cell")),
    ("tu che chan", M("gamma_cell")),
    ("self shielded", M("gamma_cell")),
    ("chieu xa mau", M("gamma_cell")),
    ("blood irradiator", M("gamma_cell")),
    ("truong gamma", M("gamma_field")),
    ("gamma field", M("gamma_field")),
    ("xa tri tu xa", M("teletherapy")),
    ("dao gamma", M("teletherapy")),
    ("gamma knife", M("teletherapy")),
    ("teletherapy", M("teletherapy")),
    ("xa tri ap sat", M("brachytherapy_hdr")),
    ("nap nguon sau", M("brachytherapy_hdr")),
    ("brachytherapy", M("brachytherapy_hdr")),
    ("afterloader", M("brachytherapy_hdr")),
    ("hdr", M("brachytherapy_hdr")),
    ("chieu xa", M("irradiation")),
    ("khu trung", M("irradiation")),
    ("tiet trung", M("irradiation")),
    ("irradiator", M("irradiation")),
    ("irradiation", M("irradiation")),
    ("sterilization", M("irradiation")),
    ("sterilisation", M("irradiation")),
    ("electron beam", M("irradiation")),
    ("xa tri", U(Use::Radiotherapy)),
    ("radiotherapy", U(Use::Radiotherapy)),
    ("gia toc", R(Radiation::Accelerator)),
    ("accelerator", R(Radiation::Accelerator)),
    ("betatron", R(Radiation::Accelerator)),
    // Sealed-source devices.
    ("dia vat ly gieng khoan", M("well_logging")),
    ("gieng khoan", M("well_logging")),
    ("well logging", M("well_logging")),
    ("dia vat ly", M("well_logging")),
    ("carota", M("well_logging")),
    ("logging", M("well_logging")),
    ("thiet bi do hat nhan", M("gauge")),
    ("do hat nhan", M("gauge")),
    ("nuclear gauge", M("gauge")),
    ("do muc", M("gauge")),
    ("do mat do", M("gauge")),
    ("do do am", M("gauge")),
    ("do do day", M("gauge")),
    ("level gauge", M("gauge")),
    ("density gauge", M("gauge")),
    ("moisture", M("gauge")),
    ("troxler", M("gauge")),
    ("gauge", M("gauge")),
    ("sac ky khi", M("ecd")),
    ("sac ky", M("ecd")),
    ("gas chromatograph", M("ecd")),
    ("electron capture", M("ecd")),
    ("bat dien tu", M("ecd")),
    ("ecd", M("ecd")),
    ("khu tinh dien", M("static_eliminator")),
    ("chong tinh dien", M("static_eliminator")),
    ("static eliminator", M("static_eliminator")),
    ("antistatic", M("static_eliminator")),
    ("mossbauer", M("mossbauer")),
    ("nguon phong xa", R(Radiation::SealedSource)),
    ("nguon kin", R(Radiation::SealedSource)),
    ("sealed source", R(Radiation::SealedSource)),
    ("radioactive source", R(Radiation::SealedSource)),
    ("nguon", R(Radiation::SealedSource)),
    ("source", R(Radiation::SealedSource)),
    ("phong xa", R(Radiation::SealedSource)),
    ("gamma", R(Radiation::SealedSource)),
    ("co 60", R(Radiation::SealedSource)),
    ("cobalt", R(Radiation::SealedSource)),
    ("cs 137", R(Radiation::SealedSource)),
    ("ir 192", R(Radiation::SealedSource)),
    ("am 241", R(Radiation::SealedSource)),
    ("am be", R(Radiation::SealedSource)),
    ("se 75", R(Radiation::SealedSource)),
    ("sr 90", R(Radiation::SealedSource)),
    ("kr 85", R(Radiation::SealedSource)),
    ("ni 63", R(Radiation::SealedSource)),
    ("cd 109", R(Radiation::SealedSource)),
    ("fe 55", R(Radiation::SealedSource)),
    ("po 210", R(Radiation::SealedSource)),
    ("co 57", R(Radiation::SealedSource)),
    ("cf 252", R(Radiation::SealedSource)),
    ("ra 226", R(Radiation::SealedSource)),
    // X-rays in general.
    ("ong phat tia x", R(Radiation::XRay)),
    ("ong tia x", R(Radiation::XRay)),
    ("x ray tube", R(Radiation::XRay)),
    ("tube", R(Radiation::XRay)),
    ("x quang", R(Radiation::XRay)),
    ("xquang", R(Radiation::XRay)),
    ("x ray", R(Radiation::XRay)),
    ("xray", R(Radiation::XRay)),
    ("tia x", R(Radiation::XRay)),
    ("phat tia x", R(Radiation::XRay)),
    ("rontgen", R(Radiation::XRay)),
    ("roentgen", R(Radiation::XRay)),
    // Uses.
    ("y te", U(Use::Medical)),
    ("benh vien", U(Use::Medical)),
    ("chan doan", U(Use::Medical)),
    ("medical", U(Use::Medical)),
    ("cong nghiep", U(Use::Industrial)),
    ("industrial", U(Use::Industrial)),
    ("nghien cuu", U(Use::Research)),
    ("research", U(Use::Research)),
    ("phan tich", U(Use::Analytical)),
    ("analyzer", U(Use::Analytical)),
    ("analyser", U(Use::Analytical)),
    // Not ionising radiation.
    ("cong huong tu", M("mri")),
    ("magnetic resonance", M("mri")),
    ("mri", M("mri")),
    ("sieu am", M("ultrasound")),
    ("ultrasound", M("ultrasound")),
    ("doppler", M("ultrasound")),
    ("laser", M("laser")),
    ("tia cuc tim", M("non_ionizing_other")),
    ("uv", M("non_ionizing_other")),
    ("vi song", M("non_ionizing_other")),
    ("microwave", M("non_ionizing_other")),
    ("noi soi", M("non_ionizing_other")),
    ("dien tim", M("non_ionizing_other")),
    ("ecg", M("non_ionizing_other")),
    ("may in", M("non_ionizing_other")),
    ("printer", M("non_ionizing_other")),
];

/// Phrases of one length: phrase → (its rank in [`LEXICON`], meaning).
type Phrases = std::collections::HashMap<&'static str, (usize, Meaning), crate::text::Fixed>;

/// The lexicon by phrase length, longest first. Built once; reading a name is then a few hash
/// lookups per word.
fn by_length() -> &'static [(usize, Phrases)] {
    static TABLE: std::sync::OnceLock<Vec<(usize, Phrases)>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table: Vec<(usize, Phrases)> = Vec::new();
        for (rank, &(phrase, meaning)) in LEXICON.iter().enumerate() {
            let len = phrase.split(' ').count();
            match table.iter_mut().find(|(l, _)| *l == len) {
                Some((_, map)) => {
                    map.entry(phrase).or_insert((rank, meaning));
                }
                None => {
                    let mut map = Phrases::with_hasher(crate::text::Fixed::default());
                    map.insert(phrase, (rank, meaning));
                    table.push((len, map));
                }
            }
        }
        table.sort_by_key(|(len, _)| std::cmp::Reverse(*len));
        table
    })
}

/// What a name says, phrase by phrase, in the order the phrases occur. Longer phrases are
/// matched first and consume their words; `words` are the words of `folded` (slices of it),
/// and the words already `used` (by a catalogue entry) are not read again.
/// Each phrase comes with the words it covers (`start..end`).
pub(crate) fn read(folded: &str, words: &[&str], mut used: Vec<bool>) -> Vec<(usize, usize, &'static str, Meaning)> {
    // Byte offsets of each word in `folded`, so a run of words is a slice, not a new string.
    let mut offsets = Vec::with_capacity(words.len());
    let base = folded.as_ptr() as usize;
    for w in words {
        offsets.push((w.as_ptr() as usize - base, w.len()));
    }
    used.resize(words.len(), false);
    let mut found: Vec<(usize, usize, &'static str, Meaning)> = Vec::new();
    let mut hits: Vec<(usize, usize, &'static str, Meaning)> = Vec::new();
    for (len, phrases) in by_length() {
        let len = *len;
        if len > words.len() {
            continue;
        }
        // Every phrase of this length present in the name; of two that overlap, the one
        // listed first in the lexicon wins, as when the lexicon is read in order.
        hits.clear();
        for start in 0..=words.len() - len {
            let (from, _) = offsets[start];
            let (last, last_len) = offsets[start + len - 1];
            // `fold` separates words by exactly one space, so the run is the phrase itself.
            if let Some((phrase, (rank, meaning))) = phrases.get_key_value(&folded[from..last + last_len]) {
                hits.push((*rank, start, phrase, *meaning));
            }
        }
        hits.sort_unstable_by_key(|h| (h.0, h.1));
        for &(_, start, phrase, meaning) in &hits {
            if !used[start..start + len].iter().any(|&u| u) {
                used[start..start + len].iter_mut().for_each(|u| *u = true);
                found.push((start, start + len, phrase, meaning));
            }
        }
    }
    found.sort_by_key(|(i, _, _, _)| *i);
    found
}
