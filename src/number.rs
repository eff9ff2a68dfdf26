//! Numbers as people write them: one rule for every exact number in every file.
//!
//! Amounts, factors, index values, counts, activities and kilovolts are all read by
//! [`parse_decimal`] (text) or checked by [`check_written_float`] and [`check_written_integer`] (the digits of a TOML number as
//! written), so a number means the same thing wherever it is written:
//!
//! - plain digits, an optional sign, and at most one decimal point: `2000000`, `"0.9"`, `-5`;
//! - no digit grouping: `8.000.000`, `8,000,000` and `8 000 000` are refused;
//! - a lone separator after a non-zero integer part followed by exactly three digits is
//!   **ambiguous** and refused: Vietnamese writes `250.000` for two hundred fifty thousand,
//!   English for two hundred fifty (`0.750` is not ambiguous and is read as 0.75);
//! - a comma is never a decimal point here (`1,5` is refused with a hint to write `1.5`);
//! - every written digit must be kept: a value that cannot be held exactly (more than 28
//!   significant digits, or a TOML float whose binary value is not the decimal written, such as
//!   `0.7500000000000000001`) is refused, never rounded;
//! - a whole number (a count) may carry a zero fraction (`2.0` is 2), nothing else.

use std::fmt;

use rust_decimal::Decimal;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};

use crate::text::excerpt;

/// Why a written number was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct NumberError {
    /// What is wrong, in plain words.
    pub(crate) message: String,
    /// The same in Vietnamese.
    pub(crate) message_vi: String,
}

impl fmt::Display for NumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

fn refuse(message: String, message_vi: String) -> NumberError {
    NumberError { message, message_vi }
}

/// The Vietnamese name of a counted key.
fn key_vi(key: &str) -> &str {
    match key {
        "count" => "số lượng (count)",
        "sites" => "số địa điểm (sites)",
        "year" => "năm sản xuất (year)",
        other => other,
    }
}

/// The message for a lone separator followed by exactly three digits, giving both readings
/// and how to write each one unambiguously.
fn ambiguous(written: &str, int: &str, sep: char, frac: &str) -> NumberError {
    let sign = if int.starts_with('-') { "-" } else { "" };
    let int = int.trim_start_matches(['-', '+']);
    let grouped = format!("{sign}{int}{frac}");
    let kept = frac.trim_end_matches('0');
    // The decimal reading, written so that it cannot be read as grouping: without trailing
    // zeros, or with one more digit when all three are significant.
    let (decimal, decimal_written) = match kept.len() {
        0 => (format!("{sign}{int}"), format!("{sign}{int}")),
        3 => (format!("{sign}{int}.{kept}"), format!("{sign}{int}.{kept}0")),
        _ => (format!("{sign}{int}.{kept}"), format!("{sign}{int}.{kept}")),
    };
    // Vietnamese groups thousands with `.` and writes `,` as the decimal sign; English the
    // other way round: say which custom each reading follows.
    let (grouping, decimal_sign) = if sep == '.' {
        ("as Vietnamese writes", "as a decimal point")
    } else {
        ("as English writes", "as a decimal comma (as Vietnamese writes)")
    };
    let vi = if sep == '.' {
        format!(
            "`{written}` có thể hiểu hai cách: nếu `.` ngăn cách hàng nghìn (cách viết tiếng Việt) là {grouped}, nếu `.` là dấu thập phân là {decimal}; hãy ghi {grouped} hoặc {decimal_written}"
        )
    } else {
        format!(
            "`{written}` có thể hiểu hai cách: nếu `,` ngăn cách hàng nghìn (cách viết tiếng Anh) là {grouped}, nếu `,` là dấu thập phân (cách viết tiếng Việt) là {decimal}; hãy ghi {grouped} hoặc {decimal_written}"
        )
    };
    refuse(
        format!(
            "`{written}` is ambiguous: with `{sep}` grouping thousands ({grouping}) it is {grouped}, {decimal_sign} it is {decimal}; write {grouped} or {decimal_written}"
        ),
        vi,
    )
}

/// How a number may be written where [`parse_decimal`] reads it. Every form takes the same
/// rule (digits, an optional decimal point, an optional exponent such as `2.5e3`); the form
/// only documents where the number comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Form {
    /// An amount, a factor, a count.
    Plain,
    /// An activity's number (`2.5e3 MBq`).
    Scientific,
}

/// Reads a decimal written by a person, exactly, under the crate's one rule (see the module
/// documentation). The text is trimmed first.
pub(crate) fn parse_decimal(text: &str, form: Form) -> Result<Decimal, NumberError> {
    let t = text.trim();
    let shown = excerpt(t);
    if t.is_empty() {
        return Err(refuse("the number is empty".to_owned(), "chưa ghi số".to_owned()));
    }
    let _ = form;
    let (mantissa, exponent) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], Some(&t[i + 1..])),
        None => (t, None),
    };
    check_grouping(&shown, mantissa)?;
    let body = mantissa.strip_prefix(['-', '+']).unwrap_or(mantissa);
    let well_formed = !body.is_empty()
        && body.bytes().all(|c| c.is_ascii_digit() || c == b'.')
        && body.bytes().filter(|&c| c == b'.').count() <= 1
        && body.bytes().any(|c| c.is_ascii_digit());
    if !well_formed {
        return Err(refuse(
            format!("`{shown}` is not a number: write digits with an optional `.` for decimals, e.g. 2000000 or 0.9"),
            format!("`{shown}` không phải là số: ghi chữ số, phần thập phân sau dấu `.`, ví dụ 2000000 hoặc 0.9"),
        ));
    }
    let too_precise = || {
        refuse(
            format!(
                "`{shown}` cannot be held exactly: a number may have at most 28 digits after the point, and its digits, the point left out, may not exceed 79228162514264337593543950335"
            ),
            format!(
                "`{shown}` không thể lưu chính xác: một số có tối đa 28 chữ số sau dấu thập phân, và các chữ số của nó (bỏ dấu thập phân) không được vượt quá 79228162514264337593543950335"
            ),
        )
    };
    let value = match exponent {
        None => Decimal::from_str_exact(mantissa).map_err(|_| too_precise())?,
        Some(e) => {
            let digits = e.strip_prefix(['-', '+']).unwrap_or(e);
            if digits.is_empty() || digits.len() > 3 || !digits.bytes().all(|c| c.is_ascii_digit()) {
                return Err(refuse(
                    format!("`{shown}` is not a number: the exponent after `e` must be whole"),
                    format!("`{shown}` không phải là số: số mũ sau `e` phải là số nguyên"),
                ));
            }
            // from_scientific rounds silently past 28 digits: check that every digit was kept.
            let value = Decimal::from_scientific(t).map_err(|_| too_precise())?;
            if !exact_scientific(mantissa, e, value) {
                return Err(too_precise());
            }
            value
        }
    };
    Ok(value)
}

/// Whether `value` (read from `mantissa` e `exponent`) kept every written digit.
fn exact_scientific(mantissa: &str, exponent: &str, value: Decimal) -> bool {
    let Ok(m) = Decimal::from_str_exact(mantissa) else { return false };
    let Ok(e) = exponent.parse::<i32>() else { return false };
    let mut v = m;
    let ten = Decimal::TEN;
    if e >= 0 {
        for _ in 0..e {
            let Some(next) = v.checked_mul(ten) else { return false };
            v = next;
        }
    } else {
        for _ in 0..(-e) {
            let Some(next) = v.checked_div(ten) else { return false };
            // A division that needed rounding lost a digit.
            if next.checked_mul(ten) != Some(v) {
                return false;
            }
            v = next;
        }
    }
    v == value
}

/// Refuses digit grouping and the ambiguous lone separator in the mantissa of a number.
fn check_grouping(shown: &str, mantissa: &str) -> Result<(), NumberError> {
    let separators: Vec<(usize, char)> =
        mantissa.char_indices().filter(|(_, c)| matches!(c, '.' | ',' | ' ' | '\u{a0}' | '\'' | '_')).collect();
    let Some(&(at, sep)) = separators.first() else { return Ok(()) };
    if separators.len() > 1 {
        // One separator used throughout groups thousands: the number is its digits run
        // together (`9.000.000` is 9000000), said as the example. Mixed separators
        // (`1.234,5`) may hold a decimal part: a plain example then.
        let one_kind = separators.iter().all(|(_, c)| *c == sep);
        let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
        let example = if one_kind && !digits.is_empty() { digits } else { "8000000".to_owned() };
        return Err(refuse(
            format!(
                "`{shown}` groups its digits: write the number without separators, e.g. {example} (and `.` only for decimals, e.g. 0.9)"
            ),
            format!(
                "`{shown}` có dấu ngăn cách hàng nghìn: ghi số liền, ví dụ {example} (dấu `.` chỉ dùng cho phần thập phân, ví dụ 0.9)"
            ),
        ));
    }
    let (int, frac) = (&mantissa[..at], &mantissa[at + sep.len_utf8()..]);
    let int_digits = int.trim_start_matches(['-', '+']);
    let nonzero = int_digits.bytes().any(|c| (b'1'..=b'9').contains(&c));
    let three = frac.len() == 3 && frac.bytes().all(|c| c.is_ascii_digit());
    let point_or_comma = matches!(sep, '.' | ',');
    if point_or_comma && nonzero && three && int_digits.bytes().all(|c| c.is_ascii_digit()) && !int_digits.is_empty() {
        return Err(ambiguous(shown, int, sep, frac));
    }
    match sep {
        '.' => Ok(()),
        ',' => Err(refuse(
            format!("`{shown}`: write the decimal point as `.` (e.g. 1.5), never `,`, and no thousands separator"),
            format!("`{shown}`: ghi dấu thập phân là `.` (ví dụ 1.5), không dùng `,` và không ngăn cách hàng nghìn"),
        )),
        _ => Err(refuse(
            format!("`{shown}` groups its digits: write the number without separators, e.g. 8000000"),
            format!("`{shown}` có dấu ngăn cách hàng nghìn: ghi số liền, ví dụ 8000000"),
        )),
    }
}

/// Checks the digits of a TOML number exactly as written (`raw`) against the value the TOML
/// reader made of it: the grouping rule, and for a float that its binary value is exactly the
/// decimal written (`0.75` is, `0.9` and `0.7500000000000000001` are not).
pub(crate) fn check_written_float(raw: &str) -> Result<(), NumberError> {
    let shown = excerpt(raw);
    let digits: String = raw.chars().filter(|&c| c != '_').collect();
    let (mantissa, _) = digits.split_once(['e', 'E']).unwrap_or((&digits, ""));
    check_grouping(&shown, mantissa)?;
    if raw.contains('_') {
        return Err(refuse(
            format!("`{shown}` groups its digits: write the number without separators"),
            format!("`{shown}` có dấu ngăn cách hàng nghìn: ghi số liền, không có dấu ngăn cách"),
        ));
    }
    // A value no exact number holds (too large, too many digits, inf, nan) is refused as such;
    // quoting it would not help.
    let written = parse_decimal(&digits, Form::Scientific)?;
    let Ok(binary) = digits.parse::<f64>() else {
        return Err(refuse(format!("`{shown}` is not a number"), format!("`{shown}` không phải là số")));
    };
    match exact_from_f64(binary) {
        Some(b) if b == written => Ok(()),
        _ => Err(refuse(
            format!(
                "`{shown}` cannot be stored exactly as a TOML float; write it in quotes, e.g. \"{shown}\", so every digit is kept"
            ),
            format!(
                "`{shown}` không thể lưu chính xác dưới dạng số thực của TOML; hãy ghi trong dấu ngoặc kép, ví dụ \"{shown}\", để giữ đủ mọi chữ số"
            ),
        )),
    }
}

/// Checks the digits of a TOML integer as written: decimal, and within what TOML holds.
pub(crate) fn check_written_integer(raw: &str) -> Result<(), NumberError> {
    let shown = excerpt(raw);
    if raw.contains('_') {
        let digits = raw.replace('_', "");
        return Err(refuse(
            format!("`{shown}` groups its digits: write the number without separators, e.g. {digits}"),
            format!("`{shown}` có dấu ngăn cách hàng nghìn: ghi số liền, ví dụ {digits}"),
        ));
    }
    let digits = raw.to_owned();
    let body = digits.strip_prefix(['-', '+']).unwrap_or(&digits);
    if body.starts_with("0x") || body.starts_with("0o") || body.starts_with("0b") {
        return Err(refuse(
            format!("`{shown}`: write whole numbers in decimal digits"),
            format!("`{shown}`: ghi số nguyên bằng chữ số thập phân (hệ 10)"),
        ));
    }
    if digits.parse::<i64>().is_err() {
        return Err(refuse(
            format!(
                "`{shown}` is too large: a whole number in a TOML file can be at most 9223372036854775807 (no fee, count or factor comes near it); check the digits"
            ),
            format!(
                "`{shown}` quá lớn: số nguyên trong tệp TOML tối đa là 9223372036854775807 (không có mức thu, số lượng hay hệ số nào lớn đến vậy); hãy kiểm tra lại các chữ số"
            ),
        ));
    }
    Ok(())
}

/// The decimal a float holds exactly, if its shortest printed form is that very value.
pub(crate) fn exact_from_f64(v: f64) -> Option<Decimal> {
    if !v.is_finite() {
        return None;
    }
    let shortest = Decimal::from_scientific(&format!("{v:e}")).ok()?;
    let exact = Decimal::from_f64_retain(v)?;
    (crate::money::canonical(shortest) == crate::money::canonical(exact)).then(|| crate::money::canonical(shortest))
}

/// What a count counts, for messages: `count` of `devices`, `sites` of `sites`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Counted {
    /// The key or column, e.g. `count`.
    pub(crate) key: &'static str,
    /// What one unit is, plural, e.g. `devices`.
    pub(crate) noun: &'static str,
    /// The smallest and largest values allowed.
    pub(crate) range: (u32, u32),
}

/// A count written as text (a CSV cell, a flag), under the one integer rule.
pub(crate) fn parse_count(text: &str, what: Counted) -> Result<u32, NumberError> {
    // The usual case, a plain count ("1", "25"): digits without a leading zero read directly.
    let b = text.as_bytes();
    if (1..=9).contains(&b.len()) && b[0] != b'0' && b.iter().all(u8::is_ascii_digit) {
        let n = b.iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
        if (what.range.0..=what.range.1).contains(&n) {
            return Ok(n);
        }
    }
    // Words, not digits (`hai`): a count is written in digits; the number rule's general hint
    // (decimals, millions) would mislead.
    // Digits with words (`2 cái`, `3 máy`): the count is the digits alone.
    let trimmed = text.trim();
    if trimmed.chars().any(char::is_alphabetic)
        && trimmed.bytes().any(|b| b.is_ascii_digit())
        && !trimmed.bytes().any(|b| matches!(b, b'e' | b'E'))
    {
        let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
        return Err(refuse(
            format!(
                "{}: `{}` has words beside its digits: write the count alone, e.g. {digits}",
                what.key,
                excerpt(trimmed)
            ),
            format!(
                "{}: `{}` có chữ kèm theo số: chỉ ghi số lượng bằng chữ số, ví dụ {digits}",
                key_vi(what.key),
                excerpt(trimmed)
            ),
        ));
    }
    if !text.bytes().any(|b| b.is_ascii_digit()) {
        let shown = excerpt(text.trim());
        return Err(refuse(
            format!("{}: `{shown}` is not a number: write the number of {} in digits, e.g. 2", what.key, what.noun),
            format!("{}: `{shown}` không phải là số: ghi bằng chữ số, ví dụ 2", key_vi(what.key)),
        ));
    }
    let value = parse_decimal(text, Form::Plain).map_err(|e| NumberError {
        message: format!("{}: {e}", what.key),
        message_vi: format!("{}: {}", key_vi(what.key), e.message_vi),
    })?;
    count_in(value, what)
}

/// A count from an exact value under the crate's one integer rule: a zero fraction is allowed
/// (`2.0` is 2), any other fraction is refused, and the value must lie in `what.range`.
pub(crate) fn count_in(value: Decimal, what: Counted) -> Result<u32, NumberError> {
    let Counted { key, noun, range: (min, max) } = what;
    let shown = crate::money::canonical(value);
    if !value.fract().is_zero() {
        return Err(refuse(
            format!("{key} must be a whole number of {noun}, not {shown}"),
            format!("{} phải là số nguyên, không phải {shown}", key_vi(key)),
        ));
    }
    if value < Decimal::from(min) {
        return Err(refuse(
            format!("{key} must be at least {min}, not {shown}"),
            format!("{} phải từ {min} trở lên, không phải {shown}", key_vi(key)),
        ));
    }
    if value > Decimal::from(max) {
        return Err(refuse(
            format!("{key} {shown} is larger than the limit of {max} {noun}"),
            format!("{} {shown} vượt quá giới hạn {max}", key_vi(key)),
        ));
    }
    u32::try_from(value.trunc().mantissa())
        .map_err(|_| refuse(format!("{key} {shown} is too large"), format!("{} {shown} quá lớn", key_vi(key))))
}

/// An exact number read from TOML or JSON: an integer, a quoted decimal, or a float whose
/// binary value is exactly the decimal written. Text goes through [`parse_decimal`]; the
/// written digits of TOML numbers are checked before deserialization (see `crate::toml_file`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Number(pub(crate) Decimal);

impl schemars::JsonSchema for Number {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ExactDecimal".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "An exact number: an integer (2000000) or a quoted decimal (\"0.9\"). A float is accepted only if exactly representable (0.75), so write \"0.9\", not 0.9. No digit grouping: \"250.000\" is refused as ambiguous.",
            "anyOf": [
                { "type": "integer" },
                { "type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?$" },
                { "type": "number" }
            ]
        })
    }
}

/// A year of manufacture as files write it: a whole number from 1900 to 9999, by the one
/// number rule (`2022`, `2022.0`, `"2022"`; `"2.022"` is refused as ambiguous).
pub(crate) fn deserialize_year<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u16>, D::Error> {
    let Some(Number(value)) = Option::<Number>::deserialize(d)? else { return Ok(None) };
    let year = count_in(value, Counted { key: "year", noun: "years", range: (1900, 9999) })
        .map_err(|e| de::Error::custom(crate::text::join_both(&e.message, &e.message_vi)))?;
    Ok(u16::try_from(year).ok())
}

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Number, D::Error> {
        deserialize_exact(d).map(Number)
    }
}

/// Reads an exact decimal from a TOML or JSON value (see [`Number`]).
pub(crate) fn deserialize_exact<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    struct V;
    impl Visitor<'_> for V {
        type Value = Decimal;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an exact number: an integer such as 2000000, or a quoted decimal such as \"0.9\"")
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
            Ok(Decimal::from(v))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
            Ok(Decimal::from(v))
        }
        fn visit_str<E: de::Error>(self, s: &str) -> Result<Decimal, E> {
            parse_decimal(s, Form::Plain).map_err(|e| E::custom(crate::text::join_both(&e.message, &e.message_vi)))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
            exact_from_f64(v).ok_or_else(|| {
                E::custom(crate::text::join_both(
                    &format!("{v} cannot be stored exactly as a binary float; write it as a quoted decimal, e.g. \"{v}\""),
                    &format!(
                        "{v} không thể lưu chính xác dưới dạng số thực nhị phân; hãy ghi dạng số thập phân trong dấu ngoặc kép, ví dụ \"{v}\""
                    ),
                ))
            })
        }
    }
    d.deserialize_any(V)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap_or_default()
    }

    #[test]
    fn plain_numbers_are_read_exactly() {
        for (text, value) in [
            ("2000000", "2000000"),
            ("0.9", "0.9"),
            ("0.750", "0.75"),
            ("-5", "-5"),
            ("1.5", "1.5"),
            ("250.0000", "250"),
            ("00.500", "0.5"),
            (" 7 ", "7"),
        ] {
            assert_eq!(parse_decimal(text, Form::Plain).map(crate::money::canonical), Ok(d(value)), "{text}");
        }
        assert_eq!(parse_decimal("2.5e3", Form::Scientific), Ok(d("2500")));
        assert_eq!(parse_decimal("1e-3", Form::Scientific), Ok(d("0.001")));
    }

    #[test]
    fn grouping_and_ambiguity_are_refused_with_both_readings() {
        let e = parse_decimal("250.000", Form::Plain).unwrap_err().message;
        assert_eq!(
            e,
            "`250.000` is ambiguous: with `.` grouping thousands (as Vietnamese writes) it is 250000, as a decimal point it is 250; write 250000 or 250"
        );
        let e = parse_decimal("1.850", Form::Scientific).unwrap_err().message;
        assert!(e.ends_with("it is 1850, as a decimal point it is 1.85; write 1850 or 1.85"), "{e}");
        let e = parse_decimal("29.999", Form::Scientific).unwrap_err().message;
        assert!(e.ends_with("it is 29999, as a decimal point it is 29.999; write 29999 or 29.9990"), "{e}");
        assert_eq!(parse_decimal("29.9990", Form::Plain), Ok(d("29.9990")));
        let e = parse_decimal("1,850", Form::Plain).unwrap_err().message;
        assert_eq!(
            e,
            "`1,850` is ambiguous: with `,` grouping thousands (as English writes) it is 1850, as a decimal comma (as Vietnamese writes) it is 1.85; write 1850 or 1.85"
        );
        for grouped in ["8.000.000", "8,000,000", "8 000 000", "8'000'000"] {
            let e = parse_decimal(grouped, Form::Plain).unwrap_err().message;
            assert!(e.contains("groups its digits"), "{grouped}: {e}");
        }
        let e = parse_decimal("1,5", Form::Plain).unwrap_err().message;
        assert!(e.contains("never `,`"), "{e}");
    }

    #[test]
    fn inexact_values_are_refused_not_rounded() {
        assert!(parse_decimal("0.99999999999999999999999999999", Form::Plain).is_err());
        assert!(parse_decimal("99999999999999999999999999999999", Form::Plain).is_err());
        assert!(parse_decimal("1.00000000000000000000000000001e0", Form::Scientific).is_err());
        assert!(check_written_float("0.7500000000000000001").is_err());
        assert!(check_written_float("8000000.0000000001").is_err());
        assert!(check_written_float("0.9999999999999999999999999999").is_err());
        assert!(check_written_float("0.9").is_err());
        assert!(check_written_float("0.75").is_ok());
        assert!(check_written_float("2.0").is_ok());
        assert!(check_written_float("1e6").is_ok());
        assert!(check_written_float("250.000").unwrap_err().message.contains("ambiguous"));
        assert!(check_written_integer("99999999999999999999").unwrap_err().message.contains("too large"));
        assert!(check_written_integer("1_000_000").unwrap_err().message.contains("groups its digits"));
        assert!(check_written_float("8_000.5").unwrap_err().message.contains("groups its digits"));
        assert!(check_written_float("1e400").unwrap_err().message.contains("cannot be held exactly"));
        assert!(check_written_float("inf").unwrap_err().message.contains("is not a number"));
        // One rule: an exponent is read the same in a quoted number, a CSV cell or a flag.
        assert_eq!(parse_decimal("1e6", Form::Plain), Ok(d("1000000")));
        assert_eq!(parse_count("1e6", Counted { key: "count", noun: "devices", range: (1, 1_000_000) }), Ok(1_000_000));
        // Grouping with a space or an underscore is never "ambiguous": it is grouping.
        for grouped in ["1_000", "8 000", "1'000"] {
            let e = parse_decimal(grouped, Form::Plain).unwrap_err().message;
            assert!(e.contains("groups its digits"), "{grouped}: {e}");
        }
    }

    #[test]
    fn one_integer_rule() {
        const C: Counted = Counted { key: "count", noun: "devices", range: (1, 10) };
        assert_eq!(parse_count("2", C), Ok(2));
        assert_eq!(parse_count("2.0", C), Ok(2));
        assert_eq!(parse_count("2.5", C).unwrap_err().message, "count must be a whole number of devices, not 2.5");
        assert!(parse_count("1.000", C).unwrap_err().message.starts_with("count: `1.000` is ambiguous"));
        assert_eq!(parse_count("0", C).unwrap_err().message, "count must be at least 1, not 0");
        assert_eq!(parse_count("11", C).unwrap_err().message, "count 11 is larger than the limit of 10 devices");
        let big = Counted { range: (1, 1_000_000), ..C };
        assert_eq!(
            parse_count("4294967295", big).unwrap_err().message,
            "count 4294967295 is larger than the limit of 1000000 devices"
        );
    }
}
