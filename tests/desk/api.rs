//! The JSON API: quotes, located refusals with 400, classification, provinces and versions,
//! and the OpenAPI document naming every route.

use super::*;

#[test]
fn the_api_quotes_an_application_given_as_json() {
    let body = r#"{"province":"Đồng Nai","procedure":"gia hạn","received":"2025-09-15","channel":"trực tuyến",
                  "device":[{"class":"xray_ct"},{"name":"Máy X-quang di động","count":2}]}"#;
    let r = post_json("/api/quote", body);
    assert_eq!(r.status, 200, "{}", r.text());
    let q = r.json();
    assert_eq!(q["total"], "8100000");
    assert_eq!(q["currency"], "VND");
    assert_eq!(q["lines"].as_array().unwrap().len(), 2);
}

#[test]
fn the_api_refuses_bad_input_with_400_and_located_findings() {
    let cases: [(&str, &str); 6] = [
        (r#"{"province":"Đồng Nai","#, "not JSON"),
        ("[1, 2]", "must be a JSON object"),
        (r#"{"province":null,"procedure":"new","received":"2025-09-15","device":[{"class":"xray_ct"}]}"#, "null"),
        (
            r#"{"province":"Xyz","procedure":"new","received":"2025-09-15","device":[{"class":"xray_ct"}]}"#,
            "unknown province",
        ),
        (
            r#"{"province":"Huế","procedure":"new","received":"2025-09-15","device":[{"class":"xray_ct","count":"500.000"}]}"#,
            "ambiguous",
        ),
        (
            r#"{"province":"Huế","procedure":"new","received":"2025-09-15","device":[{"class":"xray_ct"}],"extra":1}"#,
            "extra",
        ),
    ];
    for (body, needle) in cases {
        let r = post_json("/api/quote", body);
        assert_eq!(r.status, 400, "{body}: {}", r.text());
        let e = r.json();
        let findings = e["error"]["findings"].as_array().unwrap();
        assert!(!findings.is_empty());
        assert!(findings[0]["message_vi"].is_string(), "Vietnamese too: {e}");
        assert!(r.text().contains(needle), "{body}: expected {needle} in {}", r.text());
    }
    let e = post_json(
        "/api/quote",
        r#"{"province":"Xyz","procedure":"new","received":"2025-09-15","device":[{"class":"xray_ct"}]}"#,
    )
    .json();
    assert_eq!(e["error"]["findings"][0]["key"], "province");
    assert_eq!(e["error"]["findings"][0]["path"], "province");
    // A finding in a device is placed by its index in the request's array.
    let e = post_json(
        "/api/quote",
        r#"{"province":"Huế","procedure":"new","received":"2025-09-15","device":[{"class":"xray_ct"},{"class":"xray_ct","count":"500.000"}]}"#,
    )
    .json();
    assert_eq!(e["error"]["findings"][0]["path"], "device[1].count", "{e}");
    let e = post_json(
        "/api/quote",
        r#"{"province":"Huế","procedure":"new","received":"2026-03-02","device":[{"class":"xray_ct"},{"name":"Máy X-quang răng"}]}"#,
    )
    .json();
    assert_eq!(e["error"]["findings"][0]["path"], "device[1]", "{e}");
    // A key given twice is refused (JSON readers would keep the last and drop the first).
    let e = post_json(
        "/api/quote",
        r#"{"province":"Huế","procedure":"new","received":"2026-01-01","device":[{"class":"xray_ct"}],"device":[{"class":"xray_general"}]}"#,
    );
    assert_eq!(e.status, 400);
    assert!(e.json()["error"]["findings"][0]["message_vi"].as_str().unwrap().contains("`device` được ghi hai lần"));
    let e = post_json(
        "/api/quote",
        r#"{"province":"Huế","procedure":"new","received":"2026-01-01","device":[{"class":"xray_ct"},{"class":"xray_ct","count":1,"count":2}]}"#,
    );
    assert!(
        e.json()["error"]["findings"][0]["message"].as_str().unwrap().contains("`device[1].count` is given twice"),
        "{}",
        e.text()
    );
    // A method a route does not take: 405, said in JSON.
    let r = get("/api/quote");
    assert_eq!(r.status, 405);
    assert!(r.json()["error"]["findings"][0]["message_vi"].is_string());
    // A date received in the future is a typing mistake, refused.
    let e = post_json(
        "/api/quote",
        r#"{"province":"Huế","procedure":"new","received":"2099-09-15","device":[{"class":"xray_ct"}]}"#,
    );
    assert_eq!(e.status, 400);
    assert_eq!(e.json()["error"]["findings"][0]["key"], "received");
    // Over the 1 MiB limit: 413, for the API and the form alike.
    let big = format!(r#"{{"applicant":"{}"}}"#, "x".repeat(radfee::desk::MAX_BODY_BYTES));
    assert_eq!(post_json("/api/quote", &big).status, 413);
    assert_eq!(request("POST", "/quote", Some("application/x-www-form-urlencoded"), big.as_bytes()).status, 413);
}

#[test]
fn the_api_classifies_and_finds_provinces_and_versions() {
    let r = post_json(
        "/api/classify",
        r#"{"date":"2026-03-01","device":[{"name":"Máy chụp CT 64 lát cắt"},{"name":"Máy X-quang răng"}]}"#,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let c = r.json();
    assert_eq!(c.as_array().unwrap().len(), 2);
    assert_eq!(c[0]["class"], "xray_ct", "{c}");
    assert!(c[1]["class"].is_null(), "never a guess: {c}");
    assert_eq!(c[1]["candidates"]["field"], "modality", "{c}");
    assert_eq!(post_json("/api/classify", r#"{"device":[{"class":"xray_ct"}]}"#).status, 400);
    assert_eq!(post_json("/api/classify", r#"{"date":"31/02/2026","device":[]}"#).status, 400);
    // A null is named by its place in the request.
    let e = post_json(
        "/api/quote",
        r#"{"province":"Huế","procedure":"new","received":"2026-03-02","device":[{"class":"xray_ct"},{"class":null}]}"#,
    )
    .json();
    assert!(e["error"]["findings"][0]["message_vi"].as_str().unwrap().contains("`device[1].class` là null"), "{e}");
    // The quote JSON is the calculator's, byte for byte (struct order: total first).
    let r = post_json(
        "/api/quote",
        r#"{"province":"Huế","procedure":"new","received":"2026-03-02","device":[{"class":"xray_ct"}]}"#,
    );
    assert!(r.text().starts_with(r#"{"total":"8000000""#), "{}", r.text());

    let all = get("/api/provinces").json();
    assert_eq!(all["matches"].as_array().unwrap().len(), 34);
    let r = get("/api/provinces?q=THUA%20THIEN%20HUE&date=2026-03-01").json();
    assert_eq!(r["matches"][0]["name_vi"], "Thành phố Huế", "{r}");
    let r = get("/api/provinces?q=Ha%20Nol").json();
    assert!(r["suggestions"].to_string().contains("Hà Nội"), "{r}");
    assert_eq!(get(&format!("/api/provinces?q={}", "a".repeat(300))).status, 400);

    let v = get("/api/version").json();
    assert_eq!(v["crate"], env!("CARGO_PKG_VERSION"));
    let law = Law::builtin().unwrap();
    let ids: Vec<(String, String)> =
        law.versions().iter().map(|x| (x.id().to_owned(), x.fingerprint().to_owned())).collect();
    let got: Vec<(String, String)> = v["schedules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["id"].as_str().unwrap().to_owned(), s["fingerprint"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(got, ids);
    // A version no longer applies from the next one's first day.
    assert_eq!(v["schedules"][0]["superseded_on"], "2022-02-05");
    assert!(v["schedules"][2]["superseded_on"].is_null());
}

#[test]
fn the_openapi_document_names_every_route_and_only_those() {
    let doc = get("/api/openapi.json").json();
    let paths = doc["paths"].as_object().unwrap();
    let served = [
        ("post", "/api/quote"),
        ("post", "/api/classify"),
        ("get", "/api/provinces"),
        ("get", "/api/version"),
        ("get", "/api/openapi.json"),
    ];
    let mut documented: Vec<(String, String)> = Vec::new();
    for (path, item) in paths {
        for method in item.as_object().unwrap().keys() {
            documented.push((method.clone(), path.clone()));
        }
    }
    documented.sort();
    let mut expected: Vec<(String, String)> = served.iter().map(|(m, p)| ((*m).to_owned(), (*p).to_owned())).collect();
    expected.sort();
    assert_eq!(documented, expected);
    // Each documented route answers (not 404/405) and its 200 is JSON.
    for (method, path) in &expected {
        let r = if method == "get" { get(path) } else { post_json(path, "{}") };
        assert!(![404, 405].contains(&r.status), "{method} {path}: {}", r.status);
        assert!(r.header("content-type").unwrap().starts_with("application/json"), "{method} {path}");
    }
    // A classification has the fields the document requires.
    let c = post_json("/api/classify", r#"{"device":[{"name":"Máy X-quang răng"}]}"#).json();
    for key in doc["components"]["schemas"]["Classification"]["required"].as_array().unwrap() {
        assert!(c[0].get(key.as_str().unwrap()).is_some(), "{key}");
    }
    // The responses the document promises for a refusal have the documented shape.
    let r = post_json("/api/quote", "{}");
    let required = doc["components"]["responses"]["Refused"]["content"]["application/json"]["schema"]["properties"]["error"]["required"].clone();
    for key in required.as_array().unwrap() {
        assert!(r.json()["error"].get(key.as_str().unwrap()).is_some(), "{key}");
    }
}
