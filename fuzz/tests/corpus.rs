//! The fuzz corpus as regular tests: every seed (`fuzz/corpus/<target>/*`) and every saved
//! crash (`fuzz/regressions/<target>/*`) runs through its target without a panic, and a short
//! deterministic mutation run per target finds none.

use std::path::Path;

use apm_doctor_fuzz::{
    find, fuzz, fuzz_dir, read_dir_files, run_one, Budget, Mutator, Rng, TARGETS,
};

/// Mutated inputs per target in [`mutation_run_finds_no_panic`].
const ITERATIONS: u64 = 2000;
/// Fixed seed, so a failure reproduces: `cargo run -p apm-doctor-fuzz -- <target> --seed 5
/// --iterations 2000`.
const SEED: u64 = 5;

/// Target names of the sub-folders of `dir`; every one must name a target.
fn folders(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn replay(kind: &str) -> usize {
    let root = fuzz_dir().join(kind);
    let mut failures = Vec::new();
    let mut count = 0;
    for name in folders(&root) {
        let target = find(&name)
            .unwrap_or_else(|| panic!("{kind}/{name}: no target of that name (see --list)"));
        for (path, input) in read_dir_files(&root.join(&name)) {
            count += 1;
            if let Err(message) = run_one(target, &input) {
                failures.push(format!("{}: {message}", path.display()));
            }
        }
    }
    assert!(failures.is_empty(), "panics:\n{}", failures.join("\n"));
    count
}

#[test]
fn every_target_has_seeds() {
    let corpus = fuzz_dir().join("corpus");
    for t in TARGETS {
        let seeds = read_dir_files(&corpus.join(t.name));
        assert!(
            seeds.len() >= 3,
            "corpus/{} holds {} seeds; every target needs realistic seeds and edge cases",
            t.name,
            seeds.len()
        );
    }
}

#[test]
fn corpus_replays_without_panic() {
    let n = replay("corpus");
    assert!(n > 100, "only {n} corpus files");
}

#[test]
fn regressions_replay_without_panic() {
    replay("regressions");
}

#[test]
fn mutation_run_finds_no_panic() {
    let mut failures = Vec::new();
    for t in TARGETS {
        if let Err(crash) = fuzz(t, SEED, Budget::Iterations(ITERATIONS)) {
            failures.push(format!(
                "{}: {} (input {:?})",
                t.name,
                crash.message,
                String::from_utf8_lossy(&crash.input)
            ));
        }
    }
    assert!(failures.is_empty(), "panics:\n{}", failures.join("\n"));
}

#[test]
fn mutator_is_deterministic_and_bounded() {
    let pool = vec![b"{\"a\": [1, 2]}".to_vec(), b"key: value\n".to_vec()];
    let run = |seed| {
        let mut m = Mutator::new(seed);
        let mut input = pool[0].clone();
        (0..500)
            .map(|_| {
                input = m.mutate(&input, &pool);
                input.clone()
            })
            .collect::<Vec<_>>()
    };
    let a = run(7);
    assert_eq!(a, run(7));
    assert_ne!(a, run(8));
    assert!(a.iter().all(|m| m.len() <= apm_doctor_fuzz::MAX_INPUT));
    let mut rng = Rng::new(0);
    assert!((0..1000).all(|_| rng.below(3) < 3));
    assert_eq!(rng.below(0), 0);
}

#[test]
fn a_panic_is_caught_and_reported() {
    let target = apm_doctor_fuzz::Target {
        name: "self-test",
        about: "panics on a NUL byte",
        run: |b| {
            assert!(!b.contains(&0), "NUL byte");
            true
        },
        structure: apm_doctor_fuzz::Structure::None,
    };
    assert!(run_one(&target, b"abc").is_ok());
    let message = run_one(&target, b"a\0c").unwrap_err();
    assert!(message.contains("NUL byte"), "{message}");
    let small = apm_doctor_fuzz::minimize(&target, b"abc\0def", 1000);
    assert_eq!(small, b"\0");
}
