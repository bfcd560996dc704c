//! .NET project files: `*.csproj` (`PackageReference`), NuGet's `packages.config` and
//! central package management's `Directory.Packages.props` (`PackageVersion`).

use crate::model::{Dependency, Manifest, ParseError};

use super::new_manifest;
use super::xml::{self, XmlElement};

/// Parse a `*.csproj`; the name is `<AssemblyName>` or the file stem.
pub(crate) fn parse_csproj(file: &str, text: &str) -> Result<Manifest, ParseError> {
    let root = xml::parse(file, text)?;
    let mut m = new_manifest("csproj", "dotnet", file);
    let all = root.descendants();
    m.name = all
        .iter()
        .find(|e| e.name == "AssemblyName")
        .map(|e| e.text.trim())
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .or_else(|| {
            let name = file.rsplit('/').next().unwrap_or(file);
            name.strip_suffix(".csproj").map(str::to_string)
        });
    push_refs(&mut m, file, &all, "FrameworkReference");
    push_refs(&mut m, file, &all, "PackageReference");
    // The Web SDK references the ASP.NET Core shared framework implicitly (listed last, so an
    // explicit package is what findings point at).
    if root.attr("Sdk").is_some_and(|sdk| sdk.ends_with(".Web")) {
        m.dependencies.push(Dependency {
            name: "Microsoft.AspNetCore.App".to_string(),
            version: None,
            file: file.to_string(),
            line: root.line,
        });
    }
    Ok(m)
}

/// Parse a `packages.config`.
pub(crate) fn parse_packages_config(file: &str, text: &str) -> Result<Manifest, ParseError> {
    let root = xml::parse(file, text)?;
    let mut m = new_manifest("packages.config", "dotnet", file);
    for el in root.descendants() {
        if el.name == "package" {
            if let Some(id) = el.attr("id") {
                m.dependencies.push(Dependency {
                    name: id.to_string(),
                    version: el.attr("version").map(str::to_string),
                    file: file.to_string(),
                    line: el.line,
                });
            }
        }
    }
    Ok(m)
}

/// Parse a `Directory.Packages.props`.
pub(crate) fn parse_directory_packages(file: &str, text: &str) -> Result<Manifest, ParseError> {
    let root = xml::parse(file, text)?;
    let mut m = new_manifest("Directory.Packages.props", "dotnet", file);
    push_refs(&mut m, file, &root.descendants(), "PackageVersion");
    Ok(m)
}

/// Add every `<{element} Include=".." Version=".."/>` (version also as a child element).
fn push_refs(m: &mut Manifest, file: &str, all: &[&XmlElement], element: &str) {
    for el in all.iter().filter(|e| e.name == element) {
        let Some(name) = el.attr("Include").or_else(|| el.attr("Update")) else {
            continue;
        };
        let version = el
            .attr("Version")
            .or_else(|| el.attr("VersionOverride"))
            .or_else(|| el.child_text("Version"))
            .map(str::to_string);
        m.dependencies.push(Dependency {
            name: name.to_string(),
            version,
            file: file.to_string(),
            line: el.line,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csproj() {
        let text = r#"<Project Sdk="Microsoft.NET.Sdk.Web">
  <PropertyGroup>
    <TargetFramework>net8.0</TargetFramework>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Datadog.Trace" Version="2.49.0" />
    <PackageReference Include="Serilog">
      <Version>3.1.1</Version>
    </PackageReference>
    <PackageReference Include="Datadog.Trace.Bundle" />
  </ItemGroup>
</Project>
"#;
        let m = parse_csproj("src/Orders.Api/Orders.Api.csproj", text).unwrap();
        assert_eq!(m.name.as_deref(), Some("Orders.Api"));
        assert_eq!(m.kind, "csproj");
        let got: Vec<(&str, Option<&str>, usize)> = m
            .dependencies
            .iter()
            .map(|d| (d.name.as_str(), d.version.as_deref(), d.line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("Datadog.Trace", Some("2.49.0"), 6),
                ("Serilog", Some("3.1.1"), 7),
                ("Datadog.Trace.Bundle", None, 10),
                ("Microsoft.AspNetCore.App", None, 1),
            ]
        );
        let named = parse_csproj(
            "a/b.csproj",
            "<Project><PropertyGroup><AssemblyName>Svc</AssemblyName></PropertyGroup></Project>",
        )
        .unwrap();
        assert_eq!(named.name.as_deref(), Some("Svc"));
    }

    #[test]
    fn packages_config_and_props() {
        let text = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<packages>\n  <package id=\"Datadog.Trace\" version=\"2.40.0\" targetFramework=\"net472\" />\n</packages>\n";
        let m = parse_packages_config("Web/packages.config", text).unwrap();
        assert_eq!(m.dependencies[0].name, "Datadog.Trace");
        assert_eq!(m.dependencies[0].version.as_deref(), Some("2.40.0"));
        assert_eq!(m.dependencies[0].line, 3);
        let props = "<Project>\n  <ItemGroup>\n    <PackageVersion Include=\"Datadog.Trace\" Version=\"2.49.0\" />\n  </ItemGroup>\n</Project>\n";
        let m = parse_directory_packages("Directory.Packages.props", props).unwrap();
        assert_eq!(m.dependencies[0].line, 3);
        assert_eq!(m.dependencies[0].version.as_deref(), Some("2.49.0"));
        assert!(parse_csproj("x.csproj", "<Project><ItemGroup></Project>").is_err());
    }
}
