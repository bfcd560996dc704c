//! A small, defensive MessagePack reader for trace payloads.
//!
//! Two layers: [`Reader`], a cursor with typed reads (`array_len`, `map_len`, `str`, ...) that
//! the trace decoders stream through so every error knows its byte offset, and [`Value`] /
//! [`decode`], a whole-document tree for callers that want one.
//!
//! Every MessagePack type is understood: nil, bool, positive and negative fixint, int8..int64,
//! uint8..uint64, float32/64, fixstr and str8/16/32, bin8/16/32, fixarray and array16/32,
//! fixmap and map16/32, fixext and ext8/16/32 (whose payload is skipped). The reader never
//! panics on any input: nesting deeper than [`MAX_DEPTH`] is an error, and a declared length is
//! checked against the bytes that remain before anything is allocated (every array element and
//! map entry takes at least one byte), so a huge length in a short buffer is an error, not an
//! allocation.

use std::fmt;

/// Deepest nesting of arrays and maps accepted (trace payloads need 5).
pub const MAX_DEPTH: usize = 64;

/// A decoding error and the byte offset where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// Offset in the input of the value (or byte) that could not be decoded.
    pub offset: usize,
    /// What went wrong.
    pub message: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.message, self.offset)
    }
}

impl std::error::Error for DecodeError {}

/// A decoded MessagePack value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `nil`.
    Nil,
    /// `true` / `false`.
    Bool(bool),
    /// A negative integer (any signed width; non-negative signed values decode as `UInt`).
    Int(i64),
    /// A non-negative integer of any width.
    UInt(u64),
    /// `float32`, widened.
    F32(f32),
    /// `float64`.
    F64(f64),
    /// A string (invalid UTF-8 is replaced, as tags are display text).
    Str(String),
    /// Binary data.
    Bin(Vec<u8>),
    /// An array.
    Array(Vec<Value>),
    /// A map, in wire order.
    Map(Vec<(Value, Value)>),
    /// An extension value: its type and length (the payload is skipped).
    Ext {
        /// The application-defined type.
        type_id: i8,
        /// Payload length in bytes.
        len: usize,
    },
}

impl Value {
    /// Short name of the value's type, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Nil => "nil",
            Value::Bool(_) => "bool",
            Value::Int(_) | Value::UInt(_) => "integer",
            Value::F32(_) | Value::F64(_) => "float",
            Value::Str(_) => "string",
            Value::Bin(_) => "binary",
            Value::Array(_) => "array",
            Value::Map(_) => "map",
            Value::Ext { .. } => "ext",
        }
    }
}

/// Decodes one complete value; trailing bytes are an error.
pub fn decode(bytes: &[u8]) -> Result<Value, DecodeError> {
    let mut reader = Reader::new(bytes);
    let value = reader.value()?;
    if !reader.is_empty() {
        return Err(reader.error_here("trailing bytes after the value"));
    }
    Ok(value)
}

/// The kind of the next value, from its marker byte alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// nil
    Nil,
    /// bool
    Bool,
    /// any integer
    Int,
    /// float32 / float64
    Float,
    /// any string
    Str,
    /// binary
    Bin,
    /// array
    Array,
    /// map
    Map,
    /// extension
    Ext,
    /// `0xc1`, never used
    Reserved,
}

/// A cursor over MessagePack bytes with typed, bounds-checked reads.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    depth: usize,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `buf`.
    pub fn new(buf: &'a [u8]) -> Self {
        Reader {
            buf,
            pos: 0,
            depth: 0,
        }
    }

    /// Current byte offset.
    pub fn offset(&self) -> usize {
        self.pos
    }

    /// Whether every byte has been read.
    pub fn is_empty(&self) -> bool {
        self.pos >= self.buf.len()
    }

    fn remaining(&self) -> usize {
        self.buf.len().saturating_sub(self.pos)
    }

    /// An error at the current offset.
    pub fn error_here(&self, message: impl Into<String>) -> DecodeError {
        DecodeError {
            offset: self.pos,
            message: message.into(),
        }
    }

    fn error_at(offset: usize, message: impl Into<String>) -> DecodeError {
        DecodeError {
            offset,
            message: message.into(),
        }
    }

    fn byte(&mut self) -> Result<u8, DecodeError> {
        match self.buf.get(self.pos) {
            Some(&b) => {
                self.pos += 1;
                Ok(b)
            }
            None => Err(self.error_here("unexpected end of input")),
        }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        if n > self.remaining() {
            return Err(self.error_here(format!(
                "unexpected end of input: {n} bytes needed, {} left",
                self.remaining()
            )));
        }
        let slice = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(slice)
    }

    fn be<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    fn len8(&mut self) -> Result<usize, DecodeError> {
        Ok(self.byte()? as usize)
    }

    fn len16(&mut self) -> Result<usize, DecodeError> {
        Ok(u16::from_be_bytes(self.be()?) as usize)
    }

    fn len32(&mut self) -> Result<usize, DecodeError> {
        Ok(u32::from_be_bytes(self.be()?) as usize)
    }

    /// The kind of the next value, without consuming it.
    pub fn peek_kind(&self) -> Result<Kind, DecodeError> {
        let b = *self
            .buf
            .get(self.pos)
            .ok_or_else(|| self.error_here("unexpected end of input"))?;
        Ok(match b {
            0x00..=0x7f | 0xe0..=0xff | 0xcc..=0xd3 => Kind::Int,
            0x80..=0x8f | 0xde | 0xdf => Kind::Map,
            0x90..=0x9f | 0xdc | 0xdd => Kind::Array,
            0xa0..=0xbf | 0xd9..=0xdb => Kind::Str,
            0xc0 => Kind::Nil,
            0xc1 => Kind::Reserved,
            0xc2 | 0xc3 => Kind::Bool,
            0xc4..=0xc6 => Kind::Bin,
            0xc7..=0xc9 | 0xd4..=0xd8 => Kind::Ext,
            0xca | 0xcb => Kind::Float,
        })
    }

    /// Checks that `count` items of at least `min_bytes` each can still fit in the input.
    fn check_count(&self, count: usize, min_bytes: usize, at: usize) -> Result<(), DecodeError> {
        if count.saturating_mul(min_bytes) > self.remaining() {
            return Err(Self::error_at(
                at,
                format!(
                    "declared length {count} exceeds the {} bytes left",
                    self.remaining()
                ),
            ));
        }
        Ok(())
    }

    /// Reads an array header and returns its length (checked against the remaining input).
    pub fn array_len(&mut self) -> Result<usize, DecodeError> {
        let at = self.pos;
        let b = self.byte()?;
        let n = match b {
            0x90..=0x9f => (b & 0x0f) as usize,
            0xdc => self.len16()?,
            0xdd => self.len32()?,
            _ => {
                self.pos = at;
                return Err(Self::error_at(
                    at,
                    format!("expected an array, found {}", self.describe_at(at)),
                ));
            }
        };
        self.check_count(n, 1, at)?;
        Ok(n)
    }

    /// Reads a map header and returns its number of entries (checked against the input).
    pub fn map_len(&mut self) -> Result<usize, DecodeError> {
        let at = self.pos;
        let b = self.byte()?;
        let n = match b {
            0x80..=0x8f => (b & 0x0f) as usize,
            0xde => self.len16()?,
            0xdf => self.len32()?,
            _ => {
                self.pos = at;
                return Err(Self::error_at(
                    at,
                    format!("expected a map, found {}", self.describe_at(at)),
                ));
            }
        };
        self.check_count(n, 2, at)?;
        Ok(n)
    }

    fn describe_at(&self, at: usize) -> &'static str {
        let probe = Reader {
            buf: self.buf,
            pos: at,
            depth: 0,
        };
        match probe.peek_kind() {
            Ok(Kind::Nil) => "nil",
            Ok(Kind::Bool) => "a bool",
            Ok(Kind::Int) => "an integer",
            Ok(Kind::Float) => "a float",
            Ok(Kind::Str) => "a string",
            Ok(Kind::Bin) => "binary data",
            Ok(Kind::Array) => "an array",
            Ok(Kind::Map) => "a map",
            Ok(Kind::Ext) => "an ext value",
            Ok(Kind::Reserved) => "the reserved byte 0xc1",
            Err(_) => "the end of input",
        }
    }

    /// Reads a string (str or bin; invalid UTF-8 is replaced).
    pub fn str(&mut self) -> Result<String, DecodeError> {
        let at = self.pos;
        let b = self.byte()?;
        let n = match b {
            0xa0..=0xbf => (b & 0x1f) as usize,
            0xd9 | 0xc4 => self.len8()?,
            0xda | 0xc5 => self.len16()?,
            0xdb | 0xc6 => self.len32()?,
            _ => {
                self.pos = at;
                return Err(Self::error_at(
                    at,
                    format!("expected a string, found {}", self.describe_at(at)),
                ));
            }
        };
        let bytes = self.take(n).map_err(|e| Self::error_at(at, e.message))?;
        Ok(String::from_utf8_lossy(bytes).into_owned())
    }

    /// Reads any value into a [`Value`] tree.
    pub fn value(&mut self) -> Result<Value, DecodeError> {
        let at = self.pos;
        let b = self.byte()?;
        Ok(match b {
            0x00..=0x7f => Value::UInt(b as u64),
            0xe0..=0xff => Value::Int(b as i8 as i64),
            0xc0 => Value::Nil,
            0xc2 => Value::Bool(false),
            0xc3 => Value::Bool(true),
            0xcc => Value::UInt(self.byte()? as u64),
            0xcd => Value::UInt(u16::from_be_bytes(self.be()?) as u64),
            0xce => Value::UInt(u32::from_be_bytes(self.be()?) as u64),
            0xcf => Value::UInt(u64::from_be_bytes(self.be()?)),
            0xd0 => signed(i8::from_be_bytes(self.be()?) as i64),
            0xd1 => signed(i16::from_be_bytes(self.be()?) as i64),
            0xd2 => signed(i32::from_be_bytes(self.be()?) as i64),
            0xd3 => signed(i64::from_be_bytes(self.be()?)),
            0xca => Value::F32(f32::from_be_bytes(self.be()?)),
            0xcb => Value::F64(f64::from_be_bytes(self.be()?)),
            0xa0..=0xbf | 0xd9..=0xdb => {
                self.pos = at;
                Value::Str(self.str()?)
            }
            0xc4..=0xc6 => {
                let n = match b {
                    0xc4 => self.len8()?,
                    0xc5 => self.len16()?,
                    _ => self.len32()?,
                };
                Value::Bin(self.take(n)?.to_vec())
            }
            0x90..=0x9f | 0xdc | 0xdd => {
                self.pos = at;
                let n = self.array_len()?;
                self.enter(at)?;
                let mut items = Vec::with_capacity(n);
                for _ in 0..n {
                    items.push(self.value()?);
                }
                self.depth -= 1;
                Value::Array(items)
            }
            0x80..=0x8f | 0xde | 0xdf => {
                self.pos = at;
                let n = self.map_len()?;
                self.enter(at)?;
                let mut entries = Vec::with_capacity(n);
                for _ in 0..n {
                    let k = self.value()?;
                    let v = self.value()?;
                    entries.push((k, v));
                }
                self.depth -= 1;
                Value::Map(entries)
            }
            0xd4..=0xd8 | 0xc7..=0xc9 => {
                let len = match b {
                    0xd4 => 1,
                    0xd5 => 2,
                    0xd6 => 4,
                    0xd7 => 8,
                    0xd8 => 16,
                    0xc7 => self.len8()?,
                    0xc8 => self.len16()?,
                    _ => self.len32()?,
                };
                let type_id = self.byte()? as i8;
                self.take(len)?;
                Value::Ext { type_id, len }
            }
            0xc1 => return Err(Self::error_at(at, "reserved marker byte 0xc1")),
        })
    }

    /// Skips the next value (of any type), with the same checks as [`Reader::value`].
    pub fn skip(&mut self) -> Result<(), DecodeError> {
        let at = self.pos;
        match self.peek_kind()? {
            Kind::Array => {
                let n = self.array_len()?;
                self.enter(at)?;
                for _ in 0..n {
                    self.skip()?;
                }
                self.depth -= 1;
            }
            Kind::Map => {
                let n = self.map_len()?;
                self.enter(at)?;
                for _ in 0..n {
                    self.skip()?;
                    self.skip()?;
                }
                self.depth -= 1;
            }
            _ => {
                self.value()?;
            }
        }
        Ok(())
    }

    /// Enters a container for the typed decoders (depth-checked); pair with [`Reader::leave`].
    pub fn enter(&mut self, at: usize) -> Result<(), DecodeError> {
        if self.depth >= MAX_DEPTH {
            return Err(Self::error_at(
                at,
                format!("nesting deeper than {MAX_DEPTH} levels"),
            ));
        }
        self.depth += 1;
        Ok(())
    }

    /// Leaves a container entered with [`Reader::enter`].
    pub fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }
}

fn signed(v: i64) -> Value {
    if v >= 0 {
        Value::UInt(v as u64)
    } else {
        Value::Int(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scalar_type() {
        let cases: Vec<(&[u8], Value)> = vec![
            (&[0x05], Value::UInt(5)),
            (&[0x7f], Value::UInt(127)),
            (&[0xff], Value::Int(-1)),
            (&[0xe0], Value::Int(-32)),
            (&[0xc0], Value::Nil),
            (&[0xc2], Value::Bool(false)),
            (&[0xc3], Value::Bool(true)),
            (&[0xcc, 0xff], Value::UInt(255)),
            (&[0xcd, 0x01, 0x00], Value::UInt(256)),
            (&[0xce, 0, 1, 0, 0], Value::UInt(65536)),
            (
                &[0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
                Value::UInt(u64::MAX),
            ),
            (&[0xd0, 0x80], Value::Int(-128)),
            (&[0xd0, 0x05], Value::UInt(5)),
            (&[0xd1, 0xff, 0x00], Value::Int(-256)),
            (&[0xd2, 0xff, 0xff, 0xff, 0xff], Value::Int(-1)),
            (&[0xd3, 0x80, 0, 0, 0, 0, 0, 0, 0], Value::Int(i64::MIN)),
            (&[0xca, 0x3f, 0x80, 0, 0], Value::F32(1.0)),
            (&[0xcb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0], Value::F64(1.5)),
            (&[0xa2, b'h', b'i'], Value::Str("hi".into())),
            (&[0xd9, 0x02, b'h', b'i'], Value::Str("hi".into())),
            (&[0xda, 0x00, 0x02, b'h', b'i'], Value::Str("hi".into())),
            (&[0xdb, 0, 0, 0, 0x02, b'h', b'i'], Value::Str("hi".into())),
            (&[0xc4, 0x01, 0x09], Value::Bin(vec![9])),
            (&[0xc5, 0x00, 0x01, 0x09], Value::Bin(vec![9])),
            (&[0xc6, 0, 0, 0, 0x01, 0x09], Value::Bin(vec![9])),
            (&[0xd4, 0x01, 0x00], Value::Ext { type_id: 1, len: 1 }),
            (
                &[0xd8, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
                Value::Ext {
                    type_id: -1,
                    len: 16,
                },
            ),
            (&[0xc7, 0x02, 0x05, 1, 2], Value::Ext { type_id: 5, len: 2 }),
            (
                &[0xc8, 0x00, 0x01, 0x05, 1],
                Value::Ext { type_id: 5, len: 1 },
            ),
            (
                &[0xc9, 0, 0, 0, 0x01, 0x05, 1],
                Value::Ext { type_id: 5, len: 1 },
            ),
        ];
        for (bytes, want) in cases {
            assert_eq!(decode(bytes).unwrap(), want, "{bytes:02x?}");
        }
    }

    #[test]
    fn containers() {
        let bytes = [
            0x82, 0xa1, b'a', 0x92, 0x01, 0xc0, 0xa1, b'b', 0xdc, 0x00, 0x01, 0xde, 0x00, 0x00,
        ];
        let want = Value::Map(vec![
            (
                Value::Str("a".into()),
                Value::Array(vec![Value::UInt(1), Value::Nil]),
            ),
            (
                Value::Str("b".into()),
                Value::Array(vec![Value::Map(vec![])]),
            ),
        ]);
        assert_eq!(decode(&bytes).unwrap(), want);
        let arr32 = [0xdd, 0, 0, 0, 1, 0xdf, 0, 0, 0, 0];
        assert_eq!(
            decode(&arr32).unwrap(),
            Value::Array(vec![Value::Map(vec![])])
        );
    }

    #[test]
    fn truncated_inputs_are_errors_with_offsets() {
        let full = [0x92, 0xa3, b'a', b'b', b'c', 0xcd, 0x01, 0x00];
        for cut in 0..full.len() {
            let err = decode(&full[..cut]).unwrap_err();
            assert!(err.offset <= cut, "{err}");
        }
        let err = decode(&[0x92, 0x01]).unwrap_err();
        assert!(err.message.contains("declared length 2"), "{err}");
        assert_eq!(err.offset, 0);
    }

    #[test]
    fn huge_declared_lengths_are_errors_not_allocations() {
        for bytes in [
            &[0xdd, 0xff, 0xff, 0xff, 0xff, 0x00][..],
            &[0xdf, 0xff, 0xff, 0xff, 0xff, 0x00][..],
            &[0xdb, 0xff, 0xff, 0xff, 0xff, b'a'][..],
            &[0xc6, 0xff, 0xff, 0xff, 0xff][..],
            &[0xc9, 0xff, 0xff, 0xff, 0xff, 0x01][..],
        ] {
            let err = decode(bytes).unwrap_err();
            assert!(err.to_string().contains("at byte"), "{err}");
        }
    }

    #[test]
    fn deep_nesting_is_an_error() {
        let bytes = vec![0x91u8; 10_000];
        let err = decode(&bytes).unwrap_err();
        assert!(err.message.contains("nesting"), "{err}");
        assert_eq!(err.offset, MAX_DEPTH);
        let mut skip = Reader::new(&bytes);
        assert!(skip.skip().is_err());
    }

    #[test]
    fn garbage_never_panics() {
        // Every one- and two-byte input, and a pseudo-random stream.
        for a in 0..=255u8 {
            let _ = decode(&[a]);
            for b in 0..=255u8 {
                let _ = decode(&[a, b]);
            }
        }
        let mut x: u32 = 0x1234_5678;
        let mut bytes = Vec::new();
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            bytes.push((x & 0xff) as u8);
        }
        for start in 0..200 {
            let _ = decode(&bytes[start..]);
            let _ = Reader::new(&bytes[start..]).skip();
        }
    }

    #[test]
    fn reserved_byte_and_trailing_bytes() {
        assert!(decode(&[0xc1]).unwrap_err().message.contains("reserved"));
        let err = decode(&[0x01, 0x02]).unwrap_err();
        assert_eq!(err.offset, 1);
    }
}
