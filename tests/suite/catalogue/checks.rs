//! Mistakes in a catalogue file, refused by the schedule checks at their place.

use super::*;

/// The shipped files with one catalogue file added.
fn with_catalogue(text: &str) -> Vec<SourceFile> {
    let mut files = Law::builtin_files();
    files.push(SourceFile::new("catalogue/zz-test.toml", "catalogue/zz-test.toml", text));
    files
}

#[test]
fn check_schedules_refuses_catalogue_mistakes_at_their_place() {
    let text = r#"
[[manufacturer]]
id = "acme"
name = "Acme Imaging"
aliases = ["ACME"]
source = { title = "Acme brochure", url = "https://example.org/acme" }

[[model]]
manufacturer = "acme"
name = "Roadrunner 3000"
class = "xray_ct"
patterns = ["Roadrunner 3000"]
source = { kind = "datasheet", title = "Roadrunner 3000 CT datasheet", url = "https://example.org/rr" }

[[model]]
manufacturer = "acme"
name = "Roadrunner 3000"
class = "xray_ct"
patterns = ["Roadrunner 3000 Plus"]
source = { kind = "datasheet", title = "again", url = "https://example.org/rr" }

[[model]]
manufacturer = "acme"
name = "Coyote"
class = "xray_mammography"
patterns = ["Roadrunner-3000"]
source = { kind = "datasheet", title = "Coyote", url = "https://example.org/c" }

[[model]]
manufacturer = "acme"
name = "Wile"
class = "xray_teleporter"
patterns = ["Wile E"]
source = { kind = "manual", title = "Wile", url = "https://example.org/w" }

[[model]]
manufacturer = "acme"
name = "Beep"
class = "xray_general"
patterns = ["Beep", "CT"]
source = { kind = "fda_510k", number = "123", title = "Beep", url = "ftp://example.org" }

[[model]]
manufacturer = "nobody"
name = "Ghost"
class = "xray_general"
patterns = ["Ghost 9000"]
source = { kind = "manual", title = "Ghost", url = "https://example.org/g" }
"#;
    let findings = Law::check_files(with_catalogue(text));
    let shown: Vec<String> =
        findings.iter().map(|f| f.display_in(radfee::error::Lang::En)).filter(|s| s.contains("zz-test")).collect();
    let all = shown.join("\n");
    for (place, what) in [
        ("catalogue/zz-test.toml:17:8", "duplicate model `Roadrunner 3000`"),
        ("catalogue/zz-test.toml:26:13", "conflicting entries: pattern `Roadrunner-3000`"),
        ("catalogue/zz-test.toml:32:9", "xray_teleporter"),
        ("catalogue/zz-test.toml:40:13", "pattern `Beep`: too short"),
        ("catalogue/zz-test.toml:40:21", "pattern `CT`: too short"),
        ("catalogue/zz-test.toml:41:10", "K and six digits"),
        ("catalogue/zz-test.toml:41:10", "not a web address"),
        ("catalogue/zz-test.toml:44:16", "no catalogue file defines the manufacturer `nobody`"),
    ] {
        assert!(shown.iter().any(|s| s.starts_with(place) && s.contains(what)), "{place} {what} not in:\n{all}");
    }
    // In Vietnamese too.
    let vi: Vec<String> = findings.iter().map(|f| f.display_in(radfee::error::Lang::Vi)).collect();
    assert!(vi.iter().any(|s| s.contains("hai mục mâu thuẫn")), "{vi:?}");
    // And the set is refused.
    assert!(Law::from_files(with_catalogue(text)).is_err());
    // A model without its source.
    let text = "[[model]]\nname = \"Nosource 1\"\nclass = \"xray_general\"\npatterns = [\"Nosource 1\"]\n";
    let findings = Law::check_files(with_catalogue(text));
    assert!(
        findings.iter().any(|f| f.display_in(radfee::error::Lang::En).starts_with("catalogue/zz-test.toml:1:1")
            && f.display_in(radfee::error::Lang::En).contains("`source`")),
        "{findings:#?}"
    );
}
