//! Version and constraint comparison for tracer floors (`==2.8.0`, `~> 1.23`, `^5.2.0`,
//! `v1.62.0`, `[1.2,2.0)`).

use std::cmp::Ordering;

use rhai::{Dynamic, Engine, ImmutableString, INT};

/// The first version number a constraint names, as its numeric parts (`~> 2.3.1` gives
/// `[2, 3, 1]`). Pre-release suffixes are ignored. `None` when there is no digit.
pub fn extract_version(constraint: &str) -> Option<Vec<u64>> {
    let start = constraint.find(|c: char| c.is_ascii_digit())?;
    let rest = &constraint[start..];
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    let parts: Vec<u64> = rest[..end]
        .split('.')
        .filter(|p| !p.is_empty())
        .map(|p| p.parse::<u64>().unwrap_or(u64::MAX))
        .collect();
    (!parts.is_empty()).then_some(parts)
}

/// Compare the versions two constraints name; missing parts count as 0. `None` when either
/// names no version.
pub fn compare_versions(a: &str, b: &str) -> Option<Ordering> {
    let (a, b) = (extract_version(a)?, extract_version(b)?);
    let len = a.len().max(b.len());
    for i in 0..len {
        let (x, y) = (
            a.get(i).copied().unwrap_or(0),
            b.get(i).copied().unwrap_or(0),
        );
        match x.cmp(&y) {
            Ordering::Equal => continue,
            other => return Some(other),
        }
    }
    Some(Ordering::Equal)
}

pub(crate) fn register(engine: &mut Engine) {
    engine.register_fn("version_cmp", |a: ImmutableString, b: ImmutableString| {
        match compare_versions(&a, &b) {
            Some(Ordering::Less) => -1 as INT,
            Some(Ordering::Equal) => 0,
            Some(Ordering::Greater) => 1,
            None => 0,
        }
    });
    engine.register_fn("version_lt", |a: ImmutableString, b: ImmutableString| {
        compare_versions(&a, &b) == Some(Ordering::Less)
    });
    engine.register_fn("version_lt", |_: (), _: ImmutableString| false);
    engine.register_fn("version_major", |v: ImmutableString| -> INT {
        extract_version(&v)
            .and_then(|p| p.first().copied())
            .map_or(-1, |m| INT::try_from(m).unwrap_or(INT::MAX))
    });
    engine.register_fn("version_major", |_: ()| -> INT { -1 });
    engine.register_fn("version_of", |v: ImmutableString| -> Dynamic {
        let text = extract_version(&v)
            .map(|p| p.iter().map(u64::to_string).collect::<Vec<_>>().join("."))
            .unwrap_or_default();
        Dynamic::from(ImmutableString::from(text))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extracts_from_constraints() {
        assert_eq!(extract_version("==2.8.0"), Some(vec![2, 8, 0]));
        assert_eq!(extract_version("~> 1.23"), Some(vec![1, 23]));
        assert_eq!(extract_version("v1.62.0-rc.1"), Some(vec![1, 62, 0]));
        assert_eq!(extract_version("latest"), None);
    }

    #[test]
    fn compares() {
        assert_eq!(compare_versions("7.27.0", "7.28.0"), Some(Ordering::Less));
        assert_eq!(compare_versions("7.28", "7.28.0"), Some(Ordering::Equal));
        assert_eq!(compare_versions("^5.2.0", "5.0.0"), Some(Ordering::Greater));
        assert_eq!(compare_versions("*", "1.0"), None);
    }
}
