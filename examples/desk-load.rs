//! The desk's load check (issue 16; documented in the README, not a timed test): serves the
//! desk in this process on a free loopback port, then sends `--requests` `POST /api/quote`
//! requests from `--clients` concurrent clients, each on its own kept-alive HTTP/1.1
//! connection, and prints the throughput and the latency percentiles.
//!
//! ```text
//! cargo run --release --example desk-load --features desk -- --requests 10000 --clients 32
//! ```

#![deny(clippy::print_stdout, clippy::print_stderr)] // output goes through common

mod common;

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Parser;

/// Measure the desk's JSON API under load.
#[derive(Parser, Debug)]
#[command(name = "desk-load", version)]
struct Args {
    /// Requests in all.
    #[arg(long, default_value_t = 10_000)]
    requests: usize,
    /// Concurrent clients.
    #[arg(long, default_value_t = 32)]
    clients: usize,
    /// Language of messages: vi (Vietnamese, the default), en or both.
    #[arg(long, value_name = "vi|en|both")]
    lang: Option<String>,
}

/// The application each request prices (the renewal of tests/desk/main.rs: 8,100,000 đồng).
const BODY: &str = r#"{"province":"Đồng Nai","procedure":"renewal","received":"2025-09-15","channel":"online","device":[{"class":"xray_ct"},{"name":"Máy X-quang di động","count":2}]}"#;

/// Sends `n` requests on one connection; the latency of each, or what went wrong.
fn client(port: u16, n: usize) -> Result<Vec<Duration>, String> {
    let stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    stream.set_nodelay(true).map_err(|e| e.to_string())?;
    let mut reader = BufReader::new(stream.try_clone().map_err(|e| e.to_string())?);
    let mut writer = stream;
    let request = format!(
        "POST /api/quote HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{BODY}",
        BODY.len()
    );
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let start = Instant::now();
        writer.write_all(request.as_bytes()).map_err(|e| e.to_string())?;
        let mut status = String::new();
        reader.read_line(&mut status).map_err(|e| e.to_string())?;
        if !status.starts_with("HTTP/1.1 200") {
            return Err(format!("unexpected reply: {}", status.trim()));
        }
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).map_err(|e| e.to_string())?;
            if line == "\r\n" || line.is_empty() {
                break;
            }
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = v.trim().parse().map_err(|_| "bad content-length".to_owned())?;
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).map_err(|e| e.to_string())?;
        let total = br#""total":"8100000""#;
        if !body.windows(total.len()).any(|w| w == total) {
            return Err("a reply without the expected total".to_owned());
        }
        times.push(start.elapsed());
    }
    Ok(times)
}

fn main() -> ExitCode {
    let args = match common::parse_args::<Args>(&[
        ("", "Đo tải của API tính phí: nhiều máy khách gửi yêu cầu cùng lúc"),
        ("requests", "Tổng số yêu cầu [mặc định: 10000]"),
        ("clients", "Số máy khách gửi đồng thời [mặc định: 32]"),
        common::LANG_VI,
    ]) {
        Ok(a) => a,
        Err(code) => return code,
    };
    if let Err(code) = common::set_lang(args.lang.as_deref()) {
        return code;
    }
    let law = match common::load_schedules(None) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let Ok(rt) = tokio::runtime::Builder::new_multi_thread().enable_all().build() else { return };
        rt.block_on(async move {
            let Ok(listener) = tokio::net::TcpListener::bind("127.0.0.1:0").await else { return };
            let _ = tx.send(listener.local_addr().map(|a| a.port()).unwrap_or(0));
            let _ = radfee::desk::serve(listener, law, std::future::pending()).await;
        });
    });
    let Ok(port) = rx.recv() else {
        return common::usage("không khởi động được máy chủ", "the server did not start");
    };
    let clients = args.clients.clamp(1, 1024);
    let (each, extra) = (args.requests / clients, args.requests % clients);
    let start = Instant::now();
    let handles: Vec<_> =
        (0..clients).map(|i| std::thread::spawn(move || client(port, each + usize::from(i < extra)))).collect();
    let mut times = Vec::with_capacity(args.requests);
    for h in handles {
        match h.join() {
            Ok(Ok(t)) => times.extend(t),
            Ok(Err(e)) => {
                return common::usage(&format!("một máy khách gặp lỗi: {e}"), &format!("a client failed: {e}"));
            }
            Err(_) => return common::usage("một máy khách dừng bất thường", "a client stopped"),
        }
    }
    let wall = start.elapsed();
    if times.is_empty() {
        return common::usage("không có yêu cầu nào được gửi", "no request was sent");
    }
    times.sort_unstable();
    // Percentiles by rank (the nearest-rank method), in microseconds; no float arithmetic.
    let at = |per_mille: usize| times[(times.len() * per_mille).div_ceil(1000).clamp(1, times.len()) - 1];
    let ms = |d: Duration| {
        let us = d.as_micros();
        format!("{}.{:02}", us / 1000, us % 1000 / 10)
    };
    let per_second = (times.len() as u128 * 1_000_000) / wall.as_micros().max(1);
    let text = format!(
        "{} requests, {clients} clients, {} ms: {per_second} requests/s; latency p50 {} ms, p99 {} ms, max {} ms\n",
        times.len(),
        ms(wall),
        ms(at(500)),
        ms(at(990)),
        ms(at(1000)),
    );
    common::emit(&text).map_or_else(|code| code, |()| ExitCode::SUCCESS)
}
