//! The officer's desk: a local web server with the application form, the printable quote,
//! spreadsheet upload and the JSON API (src/desk/). Started once by the office's IT person;
//! every officer then opens it in a browser.
//!
//! ```text
//! cargo run --release --example desk --features desk                        # http://127.0.0.1:8080
//! cargo run --release --example desk --features desk -- --bind 0.0.0.0:8080 # the office network
//! cargo run --release --example desk --features desk -- --schedules my-edit/
//! ```
//!
//! Serves until Ctrl-C (or SIGTERM), then lets the requests under way finish. Exit code 2 when
//! the address cannot be bound or the schedules cannot be loaded.

#![deny(clippy::print_stdout, clippy::print_stderr)] // output goes through common

mod common;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

/// Serve the officer's desk.
#[derive(Parser, Debug)]
#[command(name = "desk", version)]
struct Args {
    /// Address and port to serve on. The default serves this computer only; 0.0.0.0:8080 serves
    /// the office network.
    #[arg(long, default_value = "127.0.0.1:8080")]
    bind: String,
    /// A folder of schedule files to use instead of the compiled-in ones.
    #[arg(long, value_name = "DIR")]
    schedules: Option<PathBuf>,
    /// Language of messages: vi (Vietnamese, the default), en or both.
    #[arg(long, value_name = "vi|en|both")]
    lang: Option<String>,
}

fn main() -> ExitCode {
    let args = match common::parse_args::<Args>(&[
        ("", "Chạy trang tính phí cho cán bộ một cửa (mở bằng trình duyệt)"),
        (
            "bind",
            "Địa chỉ và cổng phục vụ. Mặc định chỉ máy này dùng được; 0.0.0.0:8080 cho cả mạng nội bộ của cơ quan [mặc định: 127.0.0.1:8080]",
        ),
        common::SCHEDULES_VI,
        common::LANG_VI,
    ]) {
        Ok(a) => a,
        Err(code) => return code,
    };
    if let Err(code) = common::set_lang(args.lang.as_deref()) {
        return code;
    }
    // `localhost:8080` as well as `127.0.0.1:8080`: the name is looked up once.
    let bind: SocketAddr = match std::net::ToSocketAddrs::to_socket_addrs(&args.bind).map(|mut a| a.next()) {
        Ok(Some(addr)) => addr,
        _ => {
            return common::usage(
                &format!("--bind `{}`: không phải địa chỉ và cổng, ví dụ 127.0.0.1:8080 hoặc 0.0.0.0:8080", args.bind),
                &format!("--bind `{}`: not an address and port, e.g. 127.0.0.1:8080 or 0.0.0.0:8080", args.bind),
            );
        }
    };
    let law = match common::load_schedules(args.schedules.as_deref()) {
        Ok(law) => law,
        Err(code) => return code,
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            return common::usage(
                &format!("không khởi động được: {}", common::io_vi(&e)),
                &format!("cannot start: {e}"),
            );
        }
    };
    runtime.block_on(async move {
        let listener = match tokio::net::TcpListener::bind(bind).await {
            Ok(l) => l,
            Err(e) => {
                return common::usage(
                    &format!("không mở được địa chỉ {bind}: {}", common::io_vi(&e)),
                    &format!("cannot serve on {bind}: {e}"),
                );
            }
        };
        let addr = listener.local_addr().unwrap_or(bind);
        let shown = if addr.ip().is_unspecified() {
            format!("http://<địa chỉ máy này>:{}", addr.port())
        } else {
            format!("http://{addr}")
        };
        common::warn(&format!(
            "{}\n",
            common::in_lang(
                &format!("Trang tính phí đang chạy: mở {shown}/ trong trình duyệt. Nhấn Ctrl+C để dừng."),
                &format!("The desk is serving: open {shown}/ in a browser. Press Ctrl+C to stop."),
            )
        ));
        match radfee::desk::serve(listener, law, shutdown()).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => common::usage(
                &format!("máy chủ dừng vì lỗi: {}", common::io_vi(&e)),
                &format!("the server stopped: {e}"),
            ),
        }
    })
}

/// Completes on Ctrl-C or SIGTERM.
async fn shutdown() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = terminate => {}
    }
}
