//! Source languages: detection from file names and their tree-sitter grammars.

use std::fmt;

/// A tree-sitter grammar the engine parses with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Grammar {
    /// Python.
    Python,
    /// Go.
    Go,
    /// Java.
    Java,
    /// JavaScript (also JSX, `.mjs`, `.cjs`).
    JavaScript,
    /// TypeScript.
    TypeScript,
    /// TSX.
    Tsx,
    /// Ruby.
    Ruby,
    /// C#.
    CSharp,
    /// PHP (with HTML).
    Php,
    /// C++ (and C headers in C++ projects).
    Cpp,
}

/// Every grammar, in a fixed order.
pub const ALL_GRAMMARS: [Grammar; 10] = [
    Grammar::Python,
    Grammar::Go,
    Grammar::Java,
    Grammar::JavaScript,
    Grammar::TypeScript,
    Grammar::Tsx,
    Grammar::Ruby,
    Grammar::CSharp,
    Grammar::Php,
    Grammar::Cpp,
];

/// Language families as the mission names them (and rule metadata uses).
pub const FAMILIES: [&str; 8] = [
    "python", "go", "java", "node", "ruby", "dotnet", "php", "cpp",
];

impl Grammar {
    /// Grammar for a file, from its extension.
    pub fn from_path(path: &str) -> Option<Grammar> {
        let name = path.rsplit('/').next().unwrap_or(path);
        let ext = name.rsplit_once('.').map(|(_, e)| e)?;
        Some(match ext {
            "py" | "pyi" => Grammar::Python,
            "go" => Grammar::Go,
            "java" => Grammar::Java,
            "js" | "mjs" | "cjs" | "jsx" => Grammar::JavaScript,
            "ts" | "mts" | "cts" => {
                if name.ends_with(".d.ts") {
                    return None;
                }
                Grammar::TypeScript
            }
            "tsx" => Grammar::Tsx,
            "rb" | "rake" | "ru" => Grammar::Ruby,
            "cs" => Grammar::CSharp,
            "php" => Grammar::Php,
            "cc" | "cpp" | "cxx" | "hpp" | "hh" | "hxx" | "h" => Grammar::Cpp,
            _ => return None,
        })
    }

    /// Name used as a query key in rule metadata (`python`, `typescript`, `c_sharp`...).
    pub fn name(self) -> &'static str {
        match self {
            Grammar::Python => "python",
            Grammar::Go => "go",
            Grammar::Java => "java",
            Grammar::JavaScript => "javascript",
            Grammar::TypeScript => "typescript",
            Grammar::Tsx => "tsx",
            Grammar::Ruby => "ruby",
            Grammar::CSharp => "csharp",
            Grammar::Php => "php",
            Grammar::Cpp => "cpp",
        }
    }

    /// Language family (`node` for JavaScript and TypeScript, `dotnet` for C#).
    pub fn family(self) -> &'static str {
        match self {
            Grammar::Python => "python",
            Grammar::Go => "go",
            Grammar::Java => "java",
            Grammar::JavaScript | Grammar::TypeScript | Grammar::Tsx => "node",
            Grammar::Ruby => "ruby",
            Grammar::CSharp => "dotnet",
            Grammar::Php => "php",
            Grammar::Cpp => "cpp",
        }
    }

    /// Keys under which a rule's `queries` map may hold a query for this grammar, most specific
    /// first: the grammar name, then the family (`node` serves JavaScript, TypeScript and TSX).
    pub fn query_keys(self) -> [&'static str; 2] {
        [self.name(), self.family()]
    }

    /// The tree-sitter language.
    pub fn language(self) -> tree_sitter::Language {
        match self {
            Grammar::Python => tree_sitter_python::LANGUAGE.into(),
            Grammar::Go => tree_sitter_go::LANGUAGE.into(),
            Grammar::Java => tree_sitter_java::LANGUAGE.into(),
            Grammar::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
            Grammar::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Grammar::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
            Grammar::Ruby => tree_sitter_ruby::LANGUAGE.into(),
            Grammar::CSharp => tree_sitter_c_sharp::LANGUAGE.into(),
            Grammar::Php => tree_sitter_php::LANGUAGE_PHP.into(),
            Grammar::Cpp => tree_sitter_cpp::LANGUAGE.into(),
        }
    }
}

impl fmt::Display for Grammar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Normalise a user-given language name (`js`, `typescript`, `csharp`, `c#`...) to a family.
pub fn family_of(name: &str) -> Option<&'static str> {
    Some(match name.to_ascii_lowercase().as_str() {
        "python" | "py" => "python",
        "go" | "golang" => "go",
        "java" | "jvm" | "kotlin" => "java",
        "node" | "nodejs" | "js" | "javascript" | "ts" | "typescript" => "node",
        "ruby" | "rb" => "ruby",
        "dotnet" | ".net" | "csharp" | "c#" | "cs" => "dotnet",
        "php" => "php",
        "cpp" | "c++" | "cxx" => "cpp",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_grammars_by_extension() {
        assert_eq!(Grammar::from_path("a/b/app.py"), Some(Grammar::Python));
        assert_eq!(Grammar::from_path("web/index.tsx"), Some(Grammar::Tsx));
        assert_eq!(Grammar::from_path("types/x.d.ts"), None);
        assert_eq!(Grammar::from_path("src/Main.cs"), Some(Grammar::CSharp));
        assert_eq!(Grammar::from_path("README.md"), None);
        assert_eq!(Grammar::from_path("Makefile"), None);
    }

    #[test]
    fn every_grammar_loads() {
        for g in ALL_GRAMMARS {
            let mut parser = tree_sitter::Parser::new();
            parser.set_language(&g.language()).expect("grammar ABI");
        }
    }

    #[test]
    fn families() {
        assert_eq!(Grammar::TypeScript.family(), "node");
        assert_eq!(family_of("C#"), Some("dotnet"));
        assert_eq!(family_of("cobol"), None);
    }
}
