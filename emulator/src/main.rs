fn main() {
    std::process::exit(sv39::cli::main());
}
