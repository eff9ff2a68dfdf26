//! The bilingual (Vietnamese / English) itemised quote an officer hands to an applicant.

use std::fmt::Write as _;

use super::model::Quote;
use crate::schedule::WarningLevel;
use crate::vocab::Authority;
use crate::vocab::DeviceClass;

fn pad(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n >= width { s.to_owned() } else { format!("{s}{}", " ".repeat(width - n)) }
}

fn lpad(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n >= width { s.to_owned() } else { format!("{}{s}", " ".repeat(width - n)) }
}

/// Splits `s` into lines of at most `width` characters, at spaces where possible.
fn wrap(s: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in s.split_whitespace() {
        let needed = cur.chars().count() + usize::from(!cur.is_empty()) + word.chars().count();
        if !cur.is_empty() && needed > width {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
    }
    if !cur.is_empty() || lines.is_empty() {
        lines.push(cur);
    }
    lines
}

fn authority_names(a: Option<Authority>) -> (&'static str, &'static str) {
    match a {
        Some(Authority::Province) => ("Ủy ban nhân dân cấp tỉnh (Sở KH&CN)", "provincial People's Committee (DOST)"),
        Some(Authority::Varans) => ("Cục An toàn bức xạ và hạt nhân", "VARANS"),
        Some(Authority::Ministry) => ("Bộ Khoa học và Công nghệ", "Ministry of Science and Technology"),
        None => ("không thuộc diện cấp phép", "not regulated"),
    }
}

impl Quote {
    /// The quote as a bilingual itemised table, amounts as `8.250.000 ₫`.
    pub fn to_text(&self) -> String {
        let mut o = String::new();
        let rule = "─".repeat(96);
        let _ = writeln!(o, "PHIẾU TÍNH PHÍ THẨM ĐỊNH AN TOÀN BỨC XẠ");
        let _ = writeln!(o, "RADIATION-SAFETY APPRAISAL FEE QUOTE");
        let _ = writeln!(o, "{rule}");
        let banner = "!".repeat(96);
        for w in &self.warnings {
            let head = match w.level {
                WarningLevel::High => "CẢNH BÁO — KIỂM TRA TRƯỚC KHI THU PHÍ / WARNING — CHECK BEFORE COLLECTING",
                WarningLevel::Notice => "LƯU Ý / NOTICE",
            };
            let _ = writeln!(o, "{banner}");
            let _ = writeln!(o, "{head}");
            for line in wrap(&w.vi, 94) {
                let _ = writeln!(o, "  {line}");
            }
            for line in wrap(&w.en, 94) {
                let _ = writeln!(o, "  {line}");
            }
            let _ = writeln!(o, "  căn cứ / basis: {}", w.basis);
            let _ = writeln!(o, "{banner}");
        }
        if let Some(a) = &self.applicant {
            let _ = writeln!(o, "Tổ chức, cá nhân / Applicant:        {a}");
        }
        let p = &self.province_detail;
        let mut prov = format!("{} / {}", p.name.vi, p.name.en);
        if let Some(f) = &p.former
            && !p.historical
        {
            prov.push_str(&format!(" (ghi trong hồ sơ / as written: {})", f.name.vi));
        }
        let _ = writeln!(o, "Tỉnh, thành phố / Province:          {prov}");
        let (pvi, pen) = self.procedure.names();
        let _ = writeln!(o, "Thủ tục / Procedure:                 {pvi} / {pen}");
        let _ = writeln!(o, "Ngày tiếp nhận / Received:           {}", self.received.day_first());
        let (cvi, cen) = self.channel.names();
        let _ = writeln!(o, "Hình thức nộp / Channel:             {cvi} / {cen}");
        let (avi, aen) = authority_names(self.authority);
        let _ = writeln!(o, "Thẩm quyền / Authority:              {avi} / {aen}");
        if let Some(c) = &self.collector {
            let _ = writeln!(o, "Cơ quan thẩm định, thu phí / Payee:  {} / {}", c.vi, c.en);
        }
        let _ = writeln!(o, "Biểu phí / Schedule:                 {} ({})", self.schedule.id, self.schedule.title.vi);
        for b in &self.schedule.legal_basis {
            let _ = writeln!(o, "  Căn cứ / Legal basis:              {b}");
        }
        let _ = writeln!(o, "  Mã kiểm tra / Fingerprint:         {}", self.schedule.fingerprint);
        let _ = writeln!(o, "{rule}");
        let _ = writeln!(
            o,
            "{} {} {} {} {}",
            pad("#", 3),
            pad("Thiết bị / Device", 46),
            lpad("SL/Qty", 6),
            lpad("Đơn giá / Unit fee", 18),
            lpad("Thành tiền / Amount", 20)
        );
        let _ = writeln!(o, "{rule}");
        for (i, l) in self.lines.iter().enumerate() {
            let name = wrap(&l.name.vi, 46);
            let _ = writeln!(
                o,
                "{} {} {} {} {}",
                pad(&(i + 1).to_string(), 3),
                pad(&name[0], 46),
                lpad(&l.count.to_string(), 6),
                lpad(&l.unit_fee.to_string(), 18),
                lpad(&l.amount.to_string(), 20)
            );
            for more in &name[1..] {
                let _ = writeln!(o, "    {more}");
            }
            let _ = writeln!(o, "    {}", l.name.en);
            let class = l.class.map_or("-", DeviceClass::key);
            let mut detail = format!("    loại / class: {class}");
            if let Some(label) = &l.label {
                detail.push_str(&format!(" · {label}"));
            }
            let _ = writeln!(o, "{detail}");
            if let Some(d) = &l.description {
                let _ = writeln!(o, "    tên ghi trên hồ sơ / as written: {d}");
            }
            for r in l.classified_by.iter().filter(|r| r.rule != "class") {
                let _ = writeln!(o, "    {}", super::model::classified_line(r));
            }
            let _ = writeln!(o, "    căn cứ / basis: {} (mục / row {})", l.basis, l.row.as_deref().unwrap_or("-"));
            if let (Some(en), Some(vi)) = (&l.note, &l.note_vi) {
                let _ = writeln!(o, "    ! {vi}");
                let _ = writeln!(o, "    ! {en}");
            }
        }
        let _ = writeln!(o, "{rule}");
        let _ = writeln!(o, "{} {}", pad("Cộng / Subtotal", 75), lpad(&self.subtotal.to_string(), 20));
        for a in &self.adjustments {
            let _ = writeln!(o, "{} {}", pad(&a.name.vi, 75), lpad(&a.amount.to_string(), 20));
            let _ = writeln!(o, "    {}", a.name.en);
            let _ = writeln!(
                o,
                "    căn cứ / basis: {}{}",
                a.basis,
                if a.assumption { " (giả định / assumption)" } else { "" }
            );
        }
        if self.charges.is_empty() {
            let _ = writeln!(o, "{} {}", pad("Lệ phí / Licence charge (lệ phí)", 75), lpad("không / none", 20));
        }
        for c in &self.charges {
            let _ = writeln!(o, "{} {}", pad(&format!("Lệ phí / {}", c.name.vi), 75), lpad(&c.amount.to_string(), 20));
            let _ = writeln!(o, "    {} · căn cứ / basis: {}", c.name.en, c.basis);
        }
        let _ = writeln!(o, "{rule}");
        let _ = writeln!(
            o,
            "{} {}",
            pad(&format!("TỔNG CỘNG / TOTAL ({})", self.currency), 75),
            lpad(&self.total.to_string(), 20)
        );
        let _ = writeln!(o, "{rule}");
        if !self.notes.is_empty() {
            let _ = writeln!(o, "Ghi chú / Notes:");
            for (vi, en) in self.notes_vi.iter().zip(&self.notes) {
                let _ = writeln!(o, "  - {vi}");
                let _ = writeln!(o, "    {en}");
            }
        }
        o
    }
}
