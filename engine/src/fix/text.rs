//! A text file split into lines that keep their own terminators, so that writing it back
//! changes nothing but the edited lines (BOM, CRLF/LF and a missing final newline survive).

/// A UTF-8 text file as lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileText {
    bom: bool,
    /// The text without the BOM.
    body: String,
    /// Byte offset of each line's start in `body`.
    starts: Vec<usize>,
}

impl FileText {
    /// An empty file (without lines).
    pub fn empty() -> FileText {
        FileText {
            bom: false,
            body: String::new(),
            starts: Vec::new(),
        }
    }

    /// Split `bytes` into lines; fails on text that is not UTF-8.
    pub fn parse(bytes: &[u8]) -> Result<FileText, String> {
        let text = std::str::from_utf8(bytes).map_err(|e| {
            format!(
                "not UTF-8 text (invalid byte at offset {})",
                e.valid_up_to()
            )
        })?;
        Ok(FileText::from_text(text))
    }

    /// Split a string into lines.
    pub fn from_text(text: &str) -> FileText {
        let (bom, body) = match text.strip_prefix('\u{feff}') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let mut starts = Vec::new();
        if !body.is_empty() {
            starts.push(0);
            for (i, b) in body.bytes().enumerate() {
                if b == b'\n' && i + 1 < body.len() {
                    starts.push(i + 1);
                }
            }
        }
        FileText {
            bom,
            body: body.to_string(),
            starts,
        }
    }

    /// Rebuild a file from lines (each with its terminator).
    pub fn from_lines(bom: bool, lines: &[String]) -> FileText {
        let mut text = String::with_capacity(lines.iter().map(String::len).sum::<usize>() + 3);
        if bom {
            text.push('\u{feff}');
        }
        for l in lines {
            text.push_str(l);
        }
        FileText::from_text(&text)
    }

    /// The bytes to write back.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.body.len() + 3);
        if self.bom {
            out.extend_from_slice("\u{feff}".as_bytes());
        }
        out.extend_from_slice(self.body.as_bytes());
        out
    }

    /// The whole text without the BOM.
    pub fn body(&self) -> &str {
        &self.body
    }

    /// True when the file starts with a UTF-8 byte order mark.
    pub fn bom(&self) -> bool {
        self.bom
    }

    /// Number of lines.
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// Byte offset where line `i` (0-based) starts.
    pub fn line_start(&self, i: usize) -> usize {
        self.starts.get(i).copied().unwrap_or(self.body.len())
    }

    fn line_end(&self, i: usize) -> usize {
        self.starts.get(i + 1).copied().unwrap_or(self.body.len())
    }

    /// Line `i` with its terminator.
    pub fn raw_line(&self, i: usize) -> &str {
        &self.body[self.line_start(i)..self.line_end(i)]
    }

    /// Line `i` without its terminator.
    pub fn line(&self, i: usize) -> &str {
        self.raw_line(i)
            .trim_end_matches(['\n'])
            .trim_end_matches('\r')
    }

    /// Byte offset of the end of line `i`'s content (before `\r\n` or `\n`).
    pub fn line_content_end(&self, i: usize) -> usize {
        self.line_start(i) + self.line(i).len()
    }

    /// Lines `first..=last` (0-based) without terminators, each followed by `\n`.
    pub fn content(&self, first: usize, last: usize) -> String {
        let mut out = String::new();
        for i in first..=last.min(self.line_count().saturating_sub(1)) {
            out.push_str(self.line(i));
            out.push('\n');
        }
        out
    }

    /// The 0-based lines the bytes `start..end` touch.
    pub fn lines_of_bytes(&self, start: usize, end: usize) -> Option<(usize, usize)> {
        if start > end || end > self.body.len() || self.starts.is_empty() {
            return None;
        }
        let line_of = |b: usize| self.starts.partition_point(|&s| s <= b).saturating_sub(1);
        let first = line_of(start);
        let last = if end > start { line_of(end - 1) } else { first };
        Some((first, last))
    }

    /// True when the last line ends with a newline (or the file is empty).
    pub fn final_newline(&self) -> bool {
        self.body.is_empty() || self.body.ends_with('\n')
    }

    /// The file's line terminator: `\r\n` when most lines end so, else `\n`.
    pub fn eol(&self) -> &'static str {
        let total = self.body.matches('\n').count();
        let crlf = self.body.matches("\r\n").count();
        if total > 0 && crlf * 2 > total {
            "\r\n"
        } else {
            "\n"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_bom_crlf_and_missing_newline() {
        for text in ["", "a", "a\n", "\u{feff}x\r\ny\r\n", "a\r\nb", "\n\n"] {
            let t = FileText::from_text(text);
            assert_eq!(t.to_bytes(), text.as_bytes(), "{text:?}");
        }
        let t = FileText::from_text("\u{feff}x\r\ny\r\nz");
        assert_eq!(t.line_count(), 3);
        assert_eq!(t.line(0), "x");
        assert_eq!(t.raw_line(1), "y\r\n");
        assert_eq!(t.eol(), "\r\n");
        assert!(!t.final_newline());
        assert_eq!(t.content(0, 1), "x\ny\n");
        assert_eq!(t.lines_of_bytes(3, 4), Some((1, 1)));
    }
}
