//! Reading a name: the catalogue entries it names, then the generic words of the rest, as
//! facts (the kind of radiation, the uses, the modalities), with the phrases that said them.

use std::collections::BTreeSet;

use super::catalogue::Catalogue;
use super::lexicon::{self, Meaning};
use super::matcher::Found;
use super::profiles::Facts;
use crate::vocab::{Radiation, Use};

/// What a name says: the facts its generic words give, the phrases that gave them, and the
/// catalogue entries it names.
pub(super) struct NameReading {
    pub(super) facts: Facts,
    pub(super) phrases: Vec<&'static str>,
    /// Catalogue entries found, in the order they occur.
    pub(super) found: Vec<Found>,
    /// Radiography was read from detector words alone ("DR", "CR", "kỹ thuật số").
    pub(super) detector_only: bool,
    /// The catalogue entry was found one letter away from the name's spelling.
    pub(super) near: bool,
}

/// The name with a space where a lower-case letter meets a capital ("VisionRFD" → "Vision
/// RFD", "MobileDaRt" → "Mobile Da Rt") and where letters meet digits ("CT660" → "CT 660",
/// "Co60" → "Co 60"): joined words are read as words. The catalogue reads runs of words
/// without their spaces, so splitting never hides a model from it.
fn split_case(name: &str) -> std::borrow::Cow<'_, str> {
    let joined = |a: u8, b: u8| {
        (a.is_ascii_lowercase() && b.is_ascii_uppercase())
            || (a.is_ascii_alphabetic() && b.is_ascii_digit())
            || (a.is_ascii_digit() && b.is_ascii_alphabetic())
    };
    if !name.as_bytes().windows(2).any(|w| joined(w[0], w[1])) {
        return std::borrow::Cow::Borrowed(name);
    }
    let mut out = String::with_capacity(name.len() + 8);
    let mut prev = 0u8;
    for c in name.chars() {
        if c.is_ascii() && joined(prev, c as u8) {
            out.push(' ');
        }
        prev = if c.is_ascii() { c as u8 } else { 0 };
        out.push(c);
    }
    std::borrow::Cow::Owned(out)
}

/// The manufacturers a name names, as whole words (indices into the catalogue's makers).
pub(super) fn makers_in(name: &str, catalogue: &Catalogue) -> Vec<u32> {
    let folded = crate::text::fold(&split_case(name));
    let words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
    catalogue.brands_named(&words)
}

/// What the name says, as facts, with the phrases that said it, and the catalogue entries it
/// names. The words a catalogue entry covers are not read again as generic words.
pub(super) fn read_name(name: &str, catalogue: &Catalogue) -> NameReading {
    let folded = crate::text::fold(&split_case(name));
    let words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
    let mut found = catalogue.find(&words);
    let mut unmasked = None;
    if !found.is_empty() {
        // A match that ends inside a generic phrase is not one ("Mobile X-ray" is not the
        // model "MobileX"); a phrase inside the match is part of the model's name, and one that
        // only begins before it ("máy In|Sight") is a word of the form before the model.
        let phrases = lexicon::read(&folded, &words, Vec::new());
        found.retain(|f| !phrases.iter().any(|(s, e, _, _)| *s < f.end && f.start < *e && *e > f.end));
        // When no phrase touches a match, the generic reading is this one.
        if !phrases.iter().any(|(s, e, _, _)| found.iter().any(|f| *s < f.end && f.start < *e)) {
            unmasked = Some(phrases);
        }
    }
    let read = unmasked.unwrap_or_else(|| {
        let mut used = vec![false; words.len()];
        for f in &found {
            used[f.start..f.end].iter_mut().for_each(|u| *u = true);
        }
        lexicon::read(&folded, &words, used)
    });
    // No pattern as written and no word the vocabulary knows: a pattern one letter away.
    let mut near = false;
    if found.is_empty() && read.is_empty() {
        found.extend(catalogue.find_near(&words));
        near = !found.is_empty();
    }
    let mut f = Facts::default();
    let mut modal: BTreeSet<&'static str> = BTreeSet::new();
    let (mut mobile, mut handheld, mut detector) = (false, false, false);
    let mut phrases = Vec::new();
    for (_, _, phrase, meaning) in &read {
        phrases.push(*phrase);
        match *meaning {
            Meaning::Modality(m) => {
                modal.insert(m);
            }
            Meaning::Modalities(a, b) => {
                modal.insert(a);
                modal.insert(b);
            }
            Meaning::Radiation(r) => {
                f.radiation.get_or_insert_with(BTreeSet::new).insert(r);
            }
            Meaning::Use(u) => {
                f.uses.get_or_insert_with(BTreeSet::new).insert(u);
            }
            Meaning::Mobile => mobile = true,
            Meaning::Handheld => handheld = true,
            Meaning::Detector => detector = true,
        }
    }
    // Detector words say radiography only when nothing more specific does: not beside a
    // catalogue entry, nor beside a word of another modality.
    let detector_only = detector && modal.is_empty() && found.is_empty() && !mobile && !handheld;
    if detector && found.is_empty() && !modal.contains("radiography") {
        modal.insert("radiography");
    }
    // More specific words win over the general ones they contain or imply.
    let has = |m: &BTreeSet<&str>, x: &str| m.contains(x);
    if has(&modal, "pet_ct") || has(&modal, "spect_ct") || has(&modal, "cbct") {
        modal.remove("ct");
    }
    if has(&modal, "c_arm") || has(&modal, "angiography") {
        modal.remove("fluoroscopy");
    }
    if has(&modal, "gamma_cell") || has(&modal, "gamma_field") || has(&modal, "teletherapy") {
        modal.remove("irradiation");
    }
    if modal.len() > 1 {
        modal.remove("radiography");
    }
    let uses = |u: Use| f.uses.as_ref().is_some_and(|s| s.contains(&u));
    let dental = uses(Use::Dental);
    if dental && modal.remove("ct") {
        modal.insert("cbct");
    }
    let industrial = uses(Use::Industrial) && !uses(Use::Medical) && !dental && !uses(Use::Veterinary);
    let xray = f.radiation.as_ref().is_none_or(|r| r.contains(&Radiation::XRay));
    // A dental X-ray held in the hand is intraoral; any other X-ray held in the hand is a
    // mobile unit or a handheld intraoral one.
    if handheld && dental && (modal.is_empty() || modal.remove("radiography")) {
        modal.insert("intraoral");
    } else if handheld && !industrial && xray && found.is_empty() && (modal.is_empty() || modal.remove("radiography")) {
        modal.insert("mobile_radiography");
        modal.insert("intraoral");
    } else if handheld {
        mobile = true;
    }
    if mobile && !found.is_empty() && modal.is_empty() && xray && !industrial {
        // Beside a catalogue entry, "mobile" alone says a mobile unit or a C-arm, as the
        // field `mobile` does; the entry says which, or the two disagree.
        modal.insert("mobile_radiography");
        modal.insert("c_arm");
    } else if mobile {
        if modal.remove("fluoroscopy") {
            modal.insert("c_arm");
        } else if (modal.is_empty() || modal.remove("radiography")) && xray && modal.is_empty() {
            // A portable set for industry is industrial radiography, not a medical mobile unit.
            modal.insert(if industrial { "industrial_radiography" } else { "mobile_radiography" });
        }
    }
    if !modal.is_empty() {
        f.modality = Some(modal);
    }
    NameReading { facts: f, phrases, found, detector_only, near }
}
