//! Structure-aware mutations for JSON and MessagePack inputs: the input is decoded, one value
//! in the tree is changed (boundary numbers, odd strings, another type, a removed or duplicated
//! element, a value copied from elsewhere in the tree) and the tree is encoded again. Byte
//! mutations rarely keep a trace payload valid; these reach the span analysis behind the
//! parsers (cycles, self-parents, extreme timestamps, duplicated spans).

use apm_doctor_engine::traces::msgpack::{self, Value as Mp};
use serde_json::{Map, Number, Value as Json};

use crate::Rng;

/// How a target's inputs are structured, for [`mutate`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Structure {
    /// Bytes or text only.
    None,
    /// JSON documents.
    Json,
    /// MessagePack values.
    Msgpack,
}

const NUMBERS: &[i128] = &[
    0,
    1,
    -1,
    2,
    255,
    256,
    65_535,
    i32::MAX as i128,
    i32::MIN as i128,
    u32::MAX as i128,
    i64::MAX as i128,
    i64::MIN as i128,
    u64::MAX as i128,
    1_700_000_000_000_000_000,
    86_400_000_000_000,
];

const FLOATS: &[f64] = &[0.5, -0.5, 1e308, -1e308, 1e-308, 3.4e38, 1.7e18, 9.3e18];

const STRINGS: &[&str] = &[
    "",
    " ",
    "0",
    "-1",
    "18446744073709551615",
    "18446744073709551616",
    "-9223372036854775809",
    "0x",
    "0xffffffffffffffffffffffffffffffff",
    "ffffffffffffffffffffffffffffffffff",
    "1e999",
    "NaN",
    "null",
    "2024-02-30T25:61:61Z",
    "\u{e9}\u{20ac}\u{1f600}",
    "\u{130}\u{212a}",
    "GET /users/\u{20ac}123/orders/0x1f",
    "a.b.c",
    "{",
    "[Triggered on {service:x}]",
    "\\",
    "\u{0}",
];

/// A mutant of `input` with the given structure, or `None` when it does not decode.
pub fn mutate(structure: Structure, rng: &mut Rng, input: &[u8]) -> Option<Vec<u8>> {
    match structure {
        Structure::None => None,
        Structure::Json => {
            let text = std::str::from_utf8(input).ok()?;
            let mut value: Json = serde_json::from_str(text.trim_start_matches('\u{feff}')).ok()?;
            for _ in 0..1 + rng.below(3) {
                mutate_json(rng, &mut value);
            }
            serde_json::to_vec(&value).ok()
        }
        Structure::Msgpack => {
            let mut value = msgpack::decode(input).ok()?;
            for _ in 0..1 + rng.below(3) {
                mutate_msgpack(rng, &mut value);
            }
            let mut out = Vec::with_capacity(input.len());
            encode(&value, &mut out);
            Some(out)
        }
    }
}

fn json_count(v: &Json) -> usize {
    1 + match v {
        Json::Array(a) => a.iter().map(json_count).sum(),
        Json::Object(o) => o.values().map(json_count).sum(),
        _ => 0,
    }
}

/// The `n`th node of `v` in pre-order.
fn json_nth<'a>(v: &'a mut Json, n: &mut usize) -> Option<&'a mut Json> {
    if *n == 0 {
        return Some(v);
    }
    *n -= 1;
    match v {
        Json::Array(a) => a.iter_mut().find_map(|c| json_nth(c, n)),
        Json::Object(o) => o.values_mut().find_map(|c| json_nth(c, n)),
        _ => None,
    }
}

fn pick_json(rng: &mut Rng, root: &mut Json) -> Json {
    let mut n = rng.below(json_count(root));
    json_nth(root, &mut n).map_or(Json::Null, |v| v.clone())
}

fn json_number(rng: &mut Rng) -> Json {
    if rng.one_in(4) {
        let f = FLOATS[rng.below(FLOATS.len())];
        return Number::from_f64(f).map_or(Json::Null, Json::Number);
    }
    let n = NUMBERS[rng.below(NUMBERS.len())];
    if let Ok(u) = u64::try_from(n) {
        Json::Number(u.into())
    } else {
        i64::try_from(n).map_or(Json::Null, |i| Json::Number(i.into()))
    }
}

fn mutate_json(rng: &mut Rng, root: &mut Json) {
    let donor = pick_json(rng, root);
    let mut n = rng.below(json_count(root));
    let Some(node) = json_nth(root, &mut n) else {
        return;
    };
    match rng.below(9) {
        0 | 1 => *node = json_number(rng),
        2 => *node = Json::String(STRINGS[rng.below(STRINGS.len())].to_string()),
        3 => {
            *node = match rng.below(4) {
                0 => Json::Null,
                1 => Json::Bool(rng.one_in(2)),
                2 => Json::Array(Vec::new()),
                _ => Json::Object(Map::new()),
            }
        }
        4 => *node = donor,
        5 => match node {
            Json::Array(a) if !a.is_empty() => {
                let i = rng.below(a.len());
                a.remove(i);
            }
            Json::Object(o) if !o.is_empty() => {
                let key = o.keys().nth(rng.below(o.len())).cloned();
                if let Some(k) = key {
                    o.remove(&k);
                }
            }
            _ => *node = Json::Null,
        },
        6 => match node {
            Json::Array(a) if !a.is_empty() => {
                let i = rng.below(a.len());
                let copy = a[i].clone();
                let times = 1 + rng.below(4);
                for _ in 0..times {
                    a.insert(i, copy.clone());
                }
            }
            Json::Object(o) => {
                let key = STRINGS[rng.below(STRINGS.len())].to_string();
                o.insert(key, donor);
            }
            _ => *node = Json::Array(vec![donor]),
        },
        7 => match node {
            Json::String(s) => {
                *s = match rng.below(3) {
                    0 => s.repeat(2 + rng.below(64)),
                    1 => format!("{s}{}", STRINGS[rng.below(STRINGS.len())]),
                    _ => s.chars().rev().collect(),
                }
            }
            Json::Number(_) => *node = Json::String(node.to_string()),
            _ => *node = json_number(rng),
        },
        _ => {
            // Wrap in an array or object (deeper nesting).
            let inner = std::mem::take(node);
            *node = if rng.one_in(2) {
                Json::Array(vec![inner])
            } else {
                let mut m = Map::new();
                m.insert("data".into(), inner);
                Json::Object(m)
            };
        }
    }
}

fn mp_count(v: &Mp) -> usize {
    1 + match v {
        Mp::Array(a) => a.iter().map(mp_count).sum(),
        Mp::Map(m) => m.iter().map(|(k, v)| mp_count(k) + mp_count(v)).sum(),
        _ => 0,
    }
}

fn mp_nth<'a>(v: &'a mut Mp, n: &mut usize) -> Option<&'a mut Mp> {
    if *n == 0 {
        return Some(v);
    }
    *n -= 1;
    match v {
        Mp::Array(a) => a.iter_mut().find_map(|c| mp_nth(c, n)),
        Mp::Map(m) => m
            .iter_mut()
            .find_map(|(k, v)| mp_nth(k, n).or_else(|| mp_nth(v, n))),
        _ => None,
    }
}

fn mp_number(rng: &mut Rng) -> Mp {
    if rng.one_in(4) {
        return Mp::F64(FLOATS[rng.below(FLOATS.len())]);
    }
    let n = NUMBERS[rng.below(NUMBERS.len())];
    if let Ok(u) = u64::try_from(n) {
        Mp::UInt(u)
    } else {
        Mp::Int(i64::try_from(n).unwrap_or(i64::MIN))
    }
}

fn mutate_msgpack(rng: &mut Rng, root: &mut Mp) {
    let mut d = rng.below(mp_count(root));
    let donor = mp_nth(root, &mut d).map_or(Mp::Nil, |v| v.clone());
    let mut n = rng.below(mp_count(root));
    let Some(node) = mp_nth(root, &mut n) else {
        return;
    };
    match rng.below(8) {
        0 | 1 => *node = mp_number(rng),
        2 => *node = Mp::Str(STRINGS[rng.below(STRINGS.len())].to_string()),
        3 => {
            *node = match rng.below(5) {
                0 => Mp::Nil,
                1 => Mp::Bool(rng.one_in(2)),
                2 => Mp::Array(Vec::new()),
                3 => Mp::Map(Vec::new()),
                _ => Mp::Bin(vec![0xff; rng.below(8)]),
            }
        }
        4 => *node = donor,
        5 => match node {
            Mp::Array(a) if !a.is_empty() => {
                let i = rng.below(a.len());
                a.remove(i);
            }
            Mp::Map(m) if !m.is_empty() => {
                let i = rng.below(m.len());
                m.remove(i);
            }
            _ => *node = Mp::Nil,
        },
        6 => match node {
            Mp::Array(a) if !a.is_empty() => {
                let i = rng.below(a.len());
                let copy = a[i].clone();
                a.insert(i, copy);
            }
            Mp::Map(m) if !m.is_empty() => {
                // A duplicate key, as some encoders write.
                let i = rng.below(m.len());
                let (k, _) = m[i].clone();
                m.push((k, donor));
            }
            _ => *node = Mp::Array(vec![donor]),
        },
        _ => {
            if let Mp::Str(s) = node {
                s.push_str(STRINGS[rng.below(STRINGS.len())]);
            } else {
                *node = Mp::F32(f32::NAN);
            }
        }
    }
}

/// MessagePack encoding of a [`Mp`] value (the smallest form of each, as encoders write).
fn encode(v: &Mp, out: &mut Vec<u8>) {
    fn len_prefix(out: &mut Vec<u8>, len: usize, fix: u8, fix_max: usize, op16: u8, op32: u8) {
        if len <= fix_max {
            out.push(fix | len as u8);
        } else if let Ok(l) = u16::try_from(len) {
            out.push(op16);
            out.extend_from_slice(&l.to_be_bytes());
        } else {
            out.push(op32);
            out.extend_from_slice(&(len as u32).to_be_bytes());
        }
    }
    match v {
        Mp::Nil | Mp::Ext { .. } => out.push(0xc0),
        Mp::Bool(b) => out.push(if *b { 0xc3 } else { 0xc2 }),
        Mp::UInt(u) => {
            if *u < 128 {
                out.push(*u as u8);
            } else {
                out.push(0xcf);
                out.extend_from_slice(&u.to_be_bytes());
            }
        }
        Mp::Int(i) => {
            if (-32..0).contains(i) {
                out.push(*i as u8);
            } else {
                out.push(0xd3);
                out.extend_from_slice(&i.to_be_bytes());
            }
        }
        Mp::F32(f) => {
            out.push(0xca);
            out.extend_from_slice(&f.to_be_bytes());
        }
        Mp::F64(f) => {
            out.push(0xcb);
            out.extend_from_slice(&f.to_be_bytes());
        }
        Mp::Str(s) => {
            if s.len() < 32 {
                out.push(0xa0 | s.len() as u8);
            } else {
                len_prefix(out, s.len(), 0, 0, 0xda, 0xdb);
            }
            out.extend_from_slice(s.as_bytes());
        }
        Mp::Bin(b) => {
            out.push(0xc6);
            out.extend_from_slice(&(b.len() as u32).to_be_bytes());
            out.extend_from_slice(b);
        }
        Mp::Array(a) => {
            len_prefix(out, a.len(), 0x90, 15, 0xdc, 0xdd);
            for x in a {
                encode(x, out);
            }
        }
        Mp::Map(m) => {
            len_prefix(out, m.len(), 0x80, 15, 0xde, 0xdf);
            for (k, x) in m {
                encode(k, out);
                encode(x, out);
            }
        }
    }
}
