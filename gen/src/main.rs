//! `voipsign-gen [--check] [--root DIR] [--description FILE] [--dump]`: write
//! (or, with `--check`, compare) every generated file under DIR (default: the
//! current directory). `--dump` prints core's description as JSON.

use std::path::PathBuf;
use std::process::ExitCode;

use voipsign_gen::model::Description;

fn main() -> ExitCode {
    let mut check = false;
    let mut root = PathBuf::from(".");
    let mut description = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--check" => check = true,
            "--root" => root = args.next().map(PathBuf::from).unwrap_or(root),
            "--description" => description = args.next(),
            "--dump" => {
                println!("{}", voipsign::contract::description_json());
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("voipsign-gen: unknown argument {other}");
                return ExitCode::from(2);
            }
        }
    }
    let d = match description {
        Some(f) => Description::parse(&std::fs::read_to_string(f).expect("a readable description")),
        None => Description::core(),
    };
    let read = |p: &str| std::fs::read_to_string(root.join(p)).unwrap_or_default();
    let mut drift = Vec::new();
    for g in voipsign_gen::generate(&d, &read) {
        let path = root.join(&g.path);
        if read(&g.path) == g.text {
            continue;
        }
        if check {
            drift.push(g.path);
        } else {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).expect("a writable tree");
            }
            std::fs::write(&path, &g.text).expect("a writable file");
            println!("wrote {}", g.path);
        }
    }
    if drift.is_empty() {
        ExitCode::SUCCESS
    } else {
        for p in &drift {
            eprintln!("voipsign-gen: {p} differs from what core's description generates");
        }
        eprintln!(
            "voipsign-gen: {} file(s) drifted; run `make gen` and commit",
            drift.len()
        );
        ExitCode::FAILURE
    }
}
