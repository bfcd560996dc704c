//! A small XML element tree with line numbers, built with `quick-xml`, shared by the Maven
//! and .NET parsers. Nesting is capped at [`MAX_DEPTH`](super::yaml::MAX_DEPTH) levels.

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::model::ParseError;

use super::yaml::MAX_DEPTH;
use super::LineIndex;

/// One element.
#[derive(Debug, Default)]
pub(crate) struct XmlElement {
    /// Local name (namespace prefix dropped).
    pub name: String,
    /// Attributes (local names), unescaped.
    pub attrs: Vec<(String, String)>,
    /// Concatenated text content (direct children only), trimmed on read.
    pub text: String,
    /// 1-based line of the first non-blank text character.
    pub text_line: usize,
    /// 1-based line of the start tag.
    pub line: usize,
    /// Child elements in order.
    pub children: Vec<XmlElement>,
}

impl XmlElement {
    /// Child elements named `name`.
    pub fn children_named<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s XmlElement> {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// First child element named `name`.
    pub fn child(&self, name: &str) -> Option<&XmlElement> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Trimmed text of the first child named `name`, if not empty.
    pub fn child_text(&self, name: &str) -> Option<&str> {
        self.child(name)
            .map(|c| c.text.trim())
            .filter(|t| !t.is_empty())
    }

    /// Value of the attribute `name` (case-insensitive).
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// This element and all its descendants, depth first.
    pub fn descendants(&self) -> Vec<&XmlElement> {
        let mut out = Vec::new();
        let mut stack = vec![self];
        while let Some(e) = stack.pop() {
            out.push(e);
            stack.extend(e.children.iter().rev());
        }
        out
    }
}

/// Parse an XML document and return its root element.
///
/// # Errors
/// A [`ParseError`] at quick-xml's error position for malformed XML, for nesting deeper than
/// the cap, and when there is no root element.
pub(crate) fn parse(file: &str, text: &str) -> Result<XmlElement, ParseError> {
    let idx = LineIndex::new(text);
    let err_at = |offset: usize, msg: String| {
        let (line, column) = idx.line_col(offset);
        ParseError::new(file, line, column, format!("XML: {msg}"))
    };
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<XmlElement> = Vec::new();
    let mut root: Option<XmlElement> = None;
    loop {
        let before = usize::try_from(reader.buffer_position()).unwrap_or(0);
        let event = match reader.read_event() {
            Ok(ev) => ev,
            Err(e) => {
                let at = usize::try_from(reader.error_position()).unwrap_or(0);
                return Err(err_at(at, e.to_string()));
            }
        };
        let tag_line = || {
            let rest = text.get(before..).unwrap_or("");
            idx.line(before + rest.find('<').unwrap_or(0))
        };
        match event {
            Event::Start(e) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(err_at(before, format!("nesting deeper than {MAX_DEPTH}")));
                }
                stack.push(element(&e, &reader, tag_line()));
            }
            Event::Empty(e) => {
                let el = element(&e, &reader, tag_line());
                attach(&mut stack, &mut root, el);
            }
            Event::End(_) => {
                if let Some(el) = stack.pop() {
                    attach(&mut stack, &mut root, el);
                }
            }
            Event::Text(t) => {
                let raw = t.decode().map(|c| c.into_owned()).unwrap_or_default();
                add_text(&mut stack, &raw, || {
                    let lead = raw.len() - raw.trim_start().len();
                    idx.line(before + lead)
                });
            }
            Event::CData(t) => {
                let raw = String::from_utf8_lossy(&t).into_owned();
                add_text(&mut stack, &raw, || idx.line(before));
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => match r.decode().as_deref() {
                        Ok("amp") => "&".into(),
                        Ok("lt") => "<".into(),
                        Ok("gt") => ">".into(),
                        Ok("quot") => "\"".into(),
                        Ok("apos") => "'".into(),
                        _ => String::new(),
                    },
                };
                add_text(&mut stack, &resolved, || idx.line(before));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    while let Some(el) = stack.pop() {
        attach(&mut stack, &mut root, el);
    }
    root.ok_or_else(|| err_at(text.len(), "no root element".to_string()))
}

/// An element (without children yet) from its start tag.
fn element(e: &BytesStart<'_>, reader: &Reader<&[u8]>, line: usize) -> XmlElement {
    let mut el = XmlElement {
        name: String::from_utf8_lossy(e.local_name().as_ref()).into_owned(),
        line,
        ..XmlElement::default()
    };
    for attr in e.attributes().with_checks(false).flatten() {
        let key = String::from_utf8_lossy(attr.key.local_name().as_ref()).into_owned();
        let value = attr
            .decode_and_unescape_value(reader.decoder())
            .map(|v| v.into_owned())
            .unwrap_or_else(|_| String::from_utf8_lossy(&attr.value).into_owned());
        el.attrs.push((key, value));
    }
    el
}

/// Append text to the innermost open element.
fn add_text(stack: &mut [XmlElement], raw: &str, line: impl FnOnce() -> usize) {
    if let Some(top) = stack.last_mut() {
        if top.text.trim().is_empty() && !raw.trim().is_empty() {
            top.text_line = line();
        }
        top.text.push_str(raw);
    }
}

/// Attach a finished element to its parent, or make it the root.
fn attach(stack: &mut [XmlElement], root: &mut Option<XmlElement>, el: XmlElement) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(el),
        None => {
            if root.is_none() {
                *root = Some(el);
            }
        }
    }
}
