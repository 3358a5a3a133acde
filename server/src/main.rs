//! The `lophoc` binary.

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = server::config::Cli::parse();
    match server::cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(server::cli::Failure(msg)) => {
            eprintln!("lophoc: {msg}");
            std::process::ExitCode::FAILURE
        }
    }
}
