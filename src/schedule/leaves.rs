//! What a schedule version says, fact by fact: every value of its canonical form (the JSON its
//! fingerprint is taken over) under the path of TOML keys that leads to it, so that two
//! versions can be compared field by field, including what no quote prints (a legal
//! reference's date of issue and link, the issuer, the currency).
//!
//! [`diff`](super::diff()) says in words what reaches a quote; this is what makes it complete:
//! a change it has no words for is still listed, and two versions are never said to agree
//! when their files do not.

use std::collections::BTreeMap;

use serde_json::Value;

use super::version::Version;

/// Keys of a version that always differ between two versions, or are compared in words.
const SET_ASIDE: [&str; 5] = ["id", "chain", "deviation", "effective_from", "effective_until"];

/// Whether no quote prints the value at `path`, so that [`diff`](super::diff()) has no words
/// for it: a legal reference's date of issue and link, the issuer, the currency.
fn never_printed(path: &str) -> bool {
    let first = path.split(" › ").next().unwrap_or_default();
    let last = path.rsplit(" › ").next().unwrap_or_default();
    ["issuer", "currency"].contains(&first) || ["date", "url"].contains(&last)
}

/// A value that differs between two versions: its path (`rows "1.4.7" › basis › url`), and
/// the value in each (`None`: absent), as written in the canonical form.
pub(super) type Changed = (String, Option<String>, Option<String>);

/// Every value of `v` under its path: an object's keys by name, a list's items by their `id`
/// when they have one (`rows "1.4.7"`), else by position from 1 (`legal_basis 2`).
fn leaves(value: &Value, path: &str, out: &mut BTreeMap<String, String>) {
    let join = |key: &str| if path.is_empty() { key.to_owned() } else { format!("{path} › {key}") };
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if path.is_empty() && SET_ASIDE.contains(&k.as_str()) {
                    continue;
                }
                leaves(v, &join(k), out);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let name = match item.get("id").and_then(Value::as_str) {
                    Some(id) => format!("{path} \"{id}\""),
                    None => format!("{path} {}", i + 1),
                };
                leaves(item, &name, out);
            }
        }
        Value::String(s) => {
            out.insert(path.to_owned(), s.clone());
        }
        other => {
            out.insert(path.to_owned(), other.to_string());
        }
    }
}

/// The values that differ between `old` and `new` (their ids, lineage, provincial deviation
/// and dates in force set aside), by path: all of them when `all`, else only those no quote
/// prints, in items both versions have. A version that cannot be put in its canonical form (it
/// always can) gives nothing.
pub(super) fn changed(old: &Version, new: &Version, all: bool) -> Vec<Changed> {
    let value = |v: &Version| serde_json::to_value(v).unwrap_or(Value::Null);
    changed_in(&value(old), &value(new), all)
}

/// [`changed`] on two canonical forms.
fn changed_in(old: &Value, new: &Value, all: bool) -> Vec<Changed> {
    let facts = |v: &Value| {
        let mut out = BTreeMap::new();
        leaves(v, "", &mut out);
        out
    };
    let (a, b) = (facts(old), facts(new));
    let mut paths: Vec<&String> = a.keys().chain(b.keys()).collect();
    paths.sort_unstable();
    paths.dedup();
    // The item a path is in (`rows "1.4.7"`, `legal_basis 2`, `issuer`), and whether a
    // version has it at all: an item added or removed whole is said in words.
    let item = |p: &str| p.split(" › ").next().unwrap_or_default().to_owned();
    let has = |facts: &BTreeMap<String, String>, item: &str| {
        facts.keys().any(|k| k == item || k.strip_prefix(item).is_some_and(|rest| rest.starts_with(" › ")))
    };
    // An item of a list without ids (`notes 2`) is known by its place alone: a note added
    // above it moves it, so its values are compared only in the legal-basis chain, whose order
    // is the order of the amendments (the words above say what else was added or removed).
    let placed = |p: &str| {
        let item = item(p);
        !item.starts_with("legal_basis ") && item.rsplit(' ').next().is_some_and(|n| n.parse::<usize>().is_ok())
    };
    paths
        .into_iter()
        .filter(|p| all || (never_printed(p) && !placed(p) && has(&a, &item(p)) && has(&b, &item(p))))
        .filter(|p| a.get(*p) != b.get(*p))
        .map(|p| (p.clone(), a.get(p).cloned(), b.get(p).cloned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn version(amount: &str, url: &str, rows: usize) -> Value {
        let row = |id: usize| json!({"id": id.to_string(), "amount": amount, "basis": {"document": "D", "url": url}});
        json!({
            "id": format!("v-{amount}"),
            "chain": [amount],
            "legal_basis": [{"document": "A"}, {"document": "B", "date": "2021-12-22"}],
            "rows": (1..=rows).map(row).collect::<Vec<_>>(),
        })
    }

    fn path(c: &Changed) -> (&str, Option<&str>, Option<&str>) {
        (c.0.as_str(), c.1.as_deref(), c.2.as_deref())
    }

    #[test]
    fn a_link_is_listed_where_the_words_say_nothing_of_it() {
        let (old, new) = (version("5", "u1", 1), version("6", "u2", 2));
        let links: Vec<Changed> = changed_in(&old, &new, false);
        // The amount is said in words; row 2 is new as a whole: only row 1's link is left.
        assert_eq!(links.iter().map(path).collect::<Vec<_>>(), [(r#"rows "1" › basis › url"#, Some("u1"), Some("u2"))]);
    }

    #[test]
    fn items_known_by_their_place_alone_are_left_to_the_words() {
        let note = |url: &str| json!({"vi": "v", "en": "e", "basis": {"document": "D", "url": url}});
        let old = json!({"notes": [note("u1")]});
        let new = json!({"notes": [note("u0"), note("u1")]});
        // A note added above moves the first one down: no false "changed" line for either.
        assert!(changed_in(&old, &new, false).is_empty());
    }

    #[test]
    fn when_the_words_find_nothing_every_value_that_differs_is_listed() {
        let (old, new) = (version("5", "u1", 1), version("6", "u1", 1));
        let all: Vec<Changed> = changed_in(&old, &new, true);
        // The ids and the lineage always differ and are set aside.
        assert_eq!(all.iter().map(path).collect::<Vec<_>>(), [(r#"rows "1" › amount"#, Some("5"), Some("6"))]);
        let mut dated = version("5", "u1", 1);
        dated["legal_basis"][1]["date"] = json!("2021-12-23");
        assert_eq!(
            changed_in(&old, &dated, false).iter().map(path).collect::<Vec<_>>(),
            [("legal_basis 2 › date", Some("2021-12-22"), Some("2021-12-23"))]
        );
        assert!(changed_in(&old, &version("5", "u1", 1), true).is_empty());
    }
}
