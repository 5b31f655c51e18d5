//! The `credence` binary: parse the command line and hand over to the library.

fn main() -> std::process::ExitCode {
    credence_api::cli::main()
}
