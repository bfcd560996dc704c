//! A fuzz harness for apm-doctor that runs on stable Rust.
//!
//! cargo-fuzz (libFuzzer) needs a nightly toolchain for its sanitizer and coverage flags; this
//! crate is the stable substitute: a seeded mutation engine ([`Mutator`]) over a checked-in
//! seed corpus (`fuzz/corpus/<target>/`), every input run under `catch_unwind`, and a panic
//! saved to `fuzz/crashes/<target>-<hash>`. It is not coverage-guided: inputs are mutated from
//! the seeds and from earlier mutants, chosen at random.

use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

mod structured;
mod targets;

pub use structured::Structure;
pub use targets::{find, Target, TARGETS};

/// Largest input the mutator builds (bytes).
pub const MAX_INPUT: usize = 64 * 1024;

/// The crate's folder (where `corpus/`, `regressions/` and `crashes/` live).
pub fn fuzz_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// xorshift64* PRNG: tiny, deterministic for a seed, good enough to pick mutations.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed` (any value, 0 included).
    pub fn new(seed: u64) -> Self {
        // splitmix64 of the seed, so that nearby seeds diverge and 0 is not a fixed point.
        let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        Rng((z ^ (z >> 31)) | 1)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    /// True one time in `n`.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }
}

/// Byte strings worth inserting: boundary integers, format tokens of every target (JSON, YAML,
/// XML, TOML, Dockerfile, MessagePack length prefixes), BOM, NUL, invalid UTF-8.
const INTERESTING: &[&[u8]] = &[
    b"\x00",
    b"\xff",
    b"\x7f",
    b"\x80",
    b"\xef\xbb\xbf",
    b"\xc3\x28",
    b"\xf0\x9f\x98",
    "\u{e9}".as_bytes(),
    "\u{20ac}".as_bytes(),
    "\u{1f600}".as_bytes(),
    // Characters whose case mapping changes their byte length (İ, K, ẞ, ﬃ).
    "\u{130}".as_bytes(),
    "\u{212a}".as_bytes(),
    "\u{1e9e}".as_bytes(),
    "\u{fb03}".as_bytes(),
    b"\r\n",
    b"\n",
    b"\t",
    b"\\",
    b"\"",
    b"'",
    b"0",
    b"-1",
    b"-0",
    b"1e999",
    b"-9223372036854775808",
    b"9223372036854775807",
    b"18446744073709551615",
    b"340282366920938463463374607431768211455",
    b"0xffffffffffffffffffffffffffffffff",
    b"NaN",
    b"null",
    b"[",
    b"]",
    b"{",
    b"}",
    b":",
    b",",
    b"=",
    b"- ",
    b"? ",
    b"&a ",
    b"*a",
    b"!!binary ",
    b"---\n",
    b"|\n",
    b"<",
    b">",
    b"</",
    b"/>",
    b"<![CDATA[",
    b"&amp;",
    b"&#x0;",
    b"[[",
    b"]]",
    b"\"\"\"",
    b"${",
    b"$(",
    b"#",
    b"//",
    b"/*",
    b"==",
    b">=",
    b"@",
    b";",
    b"ENV ",
    b"ARG ",
    b"CMD [",
    b"FROM ",
    b"require (",
    b"fn ",
    b"#{",
    b"\xdc\xff\xff",
    b"\xdd\xff\xff\xff\xff",
    b"\xde\xff\xff",
    b"\xdf\xff\xff\xff\xff",
    b"\xdb\xff\xff\xff\xff",
    b"\xc6\xff\xff\xff\xff",
    b"\xcf\xff\xff\xff\xff\xff\xff\xff\xff",
    b"\xd3\x80\x00\x00\x00\x00\x00\x00\x00",
    b"\xcb\x7f\xf0\x00\x00\x00\x00\x00\x00",
    b"\xcb\x7f\xf8\x00\x00\x00\x00\x00\x00",
    b"\xc1",
    b"\x91",
    b"\x9f",
    b"\x8f",
    b"\xbf",
];

/// Mutates inputs: byte flips, random bytes, inserts, deletes, duplicated and repeated ranges,
/// splices with other corpus entries, interesting values, truncation.
#[derive(Debug)]
pub struct Mutator {
    rng: Rng,
}

impl Mutator {
    /// A mutator with its own PRNG.
    pub fn new(seed: u64) -> Self {
        Mutator {
            rng: Rng::new(seed),
        }
    }

    /// The PRNG, for picking inputs.
    pub fn rng(&mut self) -> &mut Rng {
        &mut self.rng
    }

    /// A mutant of `input`: 1 to 8 stacked mutations; `pool` gives splice material.
    pub fn mutate(&mut self, input: &[u8], pool: &[Vec<u8>]) -> Vec<u8> {
        let mut data = input.to_vec();
        // Mostly one or two mutations (the input stays close to valid), sometimes up to 8.
        let mut rounds = 1;
        while rounds < 8 && self.rng.one_in(2) {
            rounds += 1;
        }
        for _ in 0..rounds {
            self.mutate_once(&mut data, pool);
        }
        data.truncate(MAX_INPUT);
        data
    }

    fn pos(&mut self, data: &[u8]) -> usize {
        self.rng.below(data.len() + 1)
    }

    /// A range of `data`: start and length (at most 64 bytes, often 1).
    fn range(&mut self, data: &[u8]) -> (usize, usize) {
        if data.is_empty() {
            return (0, 0);
        }
        let start = self.rng.below(data.len());
        let max = (data.len() - start).min(64);
        (start, 1 + self.rng.below(max))
    }

    fn mutate_once(&mut self, data: &mut Vec<u8>, pool: &[Vec<u8>]) {
        let r = &mut self.rng;
        match r.below(15) {
            0 if !data.is_empty() => {
                let i = r.below(data.len());
                data[i] ^= 1 << r.below(8);
            }
            1 if !data.is_empty() => {
                let i = r.below(data.len());
                data[i] = r.next_u64() as u8;
            }
            2 => {
                let at = self.pos(data);
                let n = 1 + self.rng.below(8);
                let bytes: Vec<u8> = (0..n).map(|_| self.rng.next_u64() as u8).collect();
                data.splice(at..at, bytes);
            }
            3 if !data.is_empty() => {
                let (start, len) = self.range(data);
                data.drain(start..start + len);
            }
            4 if !data.is_empty() => {
                // Duplicate a range right after itself.
                let (start, len) = self.range(data);
                let copy = data[start..start + len].to_vec();
                data.splice(start + len..start + len, copy);
            }
            5 if !data.is_empty() => {
                // Copy a range elsewhere.
                let (start, len) = self.range(data);
                let copy = data[start..start + len].to_vec();
                let at = self.pos(data);
                data.splice(at..at, copy);
            }
            6 | 7 => {
                let token = INTERESTING[r.below(INTERESTING.len())];
                let at = self.pos(data);
                if self.rng.one_in(2) && at < data.len() {
                    let end = (at + token.len()).min(data.len());
                    data.splice(at..end, token.iter().copied());
                } else {
                    data.splice(at..at, token.iter().copied());
                }
            }
            8 if !pool.is_empty() => {
                // Splice: our head with another input's tail.
                let other = &pool[r.below(pool.len())];
                let cut = self.pos(data);
                let from = self.rng.below(other.len() + 1);
                data.truncate(cut);
                data.extend_from_slice(&other[from..]);
            }
            9 if !pool.is_empty() => {
                // Insert a chunk of another input.
                let other = &pool[r.below(pool.len())];
                let (start, len) = self.range(other);
                let at = self.pos(data);
                data.splice(at..at, other[start..start + len].to_vec());
            }
            10 if !data.is_empty() => {
                // Repeat a short range many times (deep nesting, long lines).
                let (start, len) = self.range(data);
                let len = len.min(4);
                let times = 2 + self.rng.below(512);
                let chunk = data[start..start + len].repeat(times);
                data.splice(start..start, chunk);
            }
            11 if !data.is_empty() => {
                let cut = self.rng.below(data.len());
                data.truncate(cut);
            }
            12 if data.len() >= 2 => {
                // Arithmetic on one byte (lengths, digits).
                let i = r.below(data.len());
                let delta = 1 + r.below(16) as u8;
                data[i] = if r.one_in(2) {
                    data[i].wrapping_add(delta)
                } else {
                    data[i].wrapping_sub(delta)
                };
            }
            13 | 14 if !data.is_empty() => {
                // Replace a word (a run of letters, digits, `_`, `-`, `.`) with a token or a
                // word of another input: keeps the syntax around it intact more often.
                let is_word = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.');
                let at = r.below(data.len());
                let mut start = at;
                while start > 0 && is_word(data[start - 1]) {
                    start -= 1;
                }
                let mut end = at;
                while end < data.len() && is_word(data[end]) {
                    end += 1;
                }
                let replacement: Vec<u8> = if !pool.is_empty() && r.one_in(2) {
                    let other = &pool[r.below(pool.len())];
                    let from = r.below(other.len() + 1);
                    other[from..]
                        .iter()
                        .copied()
                        .take_while(|&b| is_word(b))
                        .take(64)
                        .collect()
                } else {
                    INTERESTING[r.below(INTERESTING.len())].to_vec()
                };
                data.splice(start..end, replacement);
            }
            _ => {
                let b = self.rng.next_u64() as u8;
                let at = self.pos(data);
                data.insert(at, b);
            }
        }
    }
}

/// FNV-1a, for naming crash files by content.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Runs `target` on `input`: `Ok(accepted)`, or `Err` with the panic message.
pub fn run_one(target: &Target, input: &[u8]) -> Result<bool, String> {
    panic::catch_unwind(AssertUnwindSafe(|| (target.run)(input))).map_err(|payload| {
        if let Some(s) = payload.downcast_ref::<&str>() {
            (*s).to_string()
        } else if let Some(s) = payload.downcast_ref::<String>() {
            s.clone()
        } else {
            "panic with a non-string payload".to_string()
        }
    })
}

/// The files of `dir` (sorted, not recursive; dot files skipped), with their bytes.
pub fn read_dir_files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.is_file()
                && !p
                    .file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with('.'))
        })
        .collect();
    paths.sort();
    paths
        .into_iter()
        .filter_map(|p| fs::read(&p).ok().map(|b| (p, b)))
        .collect()
}

/// The seeds of a target: `corpus/<target>/*` and `regressions/<target>/*`.
pub fn seeds(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = fuzz_dir();
    let mut all = read_dir_files(&dir.join("corpus").join(target));
    all.extend(read_dir_files(&dir.join("regressions").join(target)));
    all
}

/// How a run is bounded.
#[derive(Debug, Clone, Copy)]
pub enum Budget {
    /// This many mutated inputs.
    Iterations(u64),
    /// Mutated inputs until this much time has passed.
    Time(Duration),
}

/// A panicking input.
#[derive(Debug, Clone)]
pub struct Crash {
    /// Target name.
    pub target: &'static str,
    /// The input.
    pub input: Vec<u8>,
    /// The panic message.
    pub message: String,
}

impl Crash {
    /// File name for the input: `<target>-<fnv1a hex>`.
    pub fn file_name(&self) -> String {
        format!("{}-{:016x}", self.target, fnv1a(&self.input))
    }

    /// Writes the input to `dir/<file_name>` and returns that path.
    pub fn save(&self, dir: &Path) -> std::io::Result<PathBuf> {
        fs::create_dir_all(dir)?;
        let path = dir.join(self.file_name());
        fs::write(&path, &self.input)?;
        Ok(path)
    }
}

/// Shrinks a panicking input: removes ranges (halving their size) while `target` still
/// panics, within `attempts` runs. Returns the smallest panicking input found.
pub fn minimize(target: &Target, input: &[u8], attempts: usize) -> Vec<u8> {
    let mut best = input.to_vec();
    let mut tries = 0;
    let mut chunk = best.len().div_ceil(2).max(1);
    while chunk >= 1 && tries < attempts {
        let mut at = 0;
        let mut shrunk = false;
        while at < best.len() && tries < attempts {
            let end = (at + chunk).min(best.len());
            let mut candidate = best[..at].to_vec();
            candidate.extend_from_slice(&best[end..]);
            tries += 1;
            if run_one(target, &candidate).is_err() {
                best = candidate;
                shrunk = true;
            } else {
                at += chunk;
            }
        }
        if !shrunk {
            if chunk == 1 {
                break;
            }
            chunk /= 2;
        }
    }
    best
}

/// What a run did.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    /// Inputs run (seeds included).
    pub execs: u64,
    /// Of those, inputs the target accepted (parsed without error).
    pub accepted: u64,
    /// The slowest single input.
    pub slowest: Duration,
    /// Size of the pool at the end (seeds plus the mutants kept).
    pub pool: usize,
}

/// Mutants kept as parents for later mutations.
const POOL_LIMIT: usize = 512;

/// Fuzzes `target`: runs every seed, then mutants of seeds and of earlier mutants until the
/// budget is spent. Stops at the first panic.
pub fn fuzz(target: &'static Target, seed: u64, budget: Budget) -> Result<Stats, Box<Crash>> {
    let mut pool: Vec<Vec<u8>> = seeds(target.name).into_iter().map(|(_, b)| b).collect();
    if pool.is_empty() {
        pool.push(Vec::new());
    }
    let seed_count = pool.len();
    let mut stats = Stats::default();
    let mut mutator = Mutator::new(seed ^ fnv1a(target.name.as_bytes()));
    let started = Instant::now();
    let crash = |input: &[u8], message: String| {
        Box::new(Crash {
            target: target.name,
            input: input.to_vec(),
            message,
        })
    };
    let exec = |input: &[u8], stats: &mut Stats| {
        let t = Instant::now();
        let result = run_one(target, input);
        stats.slowest = stats.slowest.max(t.elapsed());
        stats.execs += 1;
        result
    };
    for input in &pool {
        let accepted = exec(input, &mut stats).map_err(|m| crash(input, m))?;
        stats.accepted += u64::from(accepted);
    }
    let mut n: u64 = 0;
    loop {
        match budget {
            Budget::Iterations(max) if n >= max => break,
            Budget::Time(max) if started.elapsed() >= max => break,
            _ => {}
        }
        n += 1;
        // Half seeds, half kept mutants (mostly accepted ones: they reach deeper code).
        let parent = if pool.len() > seed_count && mutator.rng().one_in(2) {
            seed_count + mutator.rng().below(pool.len() - seed_count)
        } else {
            mutator.rng().below(seed_count)
        };
        let structured = if target.structure != Structure::None && mutator.rng().one_in(2) {
            structured::mutate(target.structure, mutator.rng(), &pool[parent])
        } else {
            None
        };
        let input = match structured {
            Some(m) if m.len() <= MAX_INPUT => m,
            _ => mutator.mutate(&pool[parent], &pool),
        };
        let accepted = exec(&input, &mut stats).map_err(|m| crash(&input, m))?;
        stats.accepted += u64::from(accepted);
        // Keep accepted mutants (valid inputs reach deeper code); a few rejected ones too.
        if accepted || mutator.rng().one_in(32) {
            if pool.len() < seed_count + POOL_LIMIT {
                pool.push(input);
            } else {
                let slot = seed_count + mutator.rng().below(POOL_LIMIT);
                pool[slot] = input;
            }
        }
    }
    stats.pool = pool.len();
    Ok(stats)
}
