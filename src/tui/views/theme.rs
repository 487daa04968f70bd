//! Colours and text styles, from `assets/theme.toml`, overridable from the config directory;
//! `NO_COLOR` keeps only bold, reversed and underlined.

use crate::model::Severity;
use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::str::FromStr;

const DEFAULT_THEME: &str = include_str!("../../../assets/theme.toml");

#[derive(Debug, Deserialize, Default, Clone)]
struct StyleSpec {
    fg: Option<String>,
    bg: Option<String>,
    #[serde(default)]
    bold: bool,
    #[serde(default)]
    reversed: bool,
    #[serde(default)]
    underlined: bool,
}

#[derive(Debug, Deserialize)]
struct ThemeFile {
    #[serde(default)]
    styles: BTreeMap<String, StyleSpec>,
}

/// Theme errors, naming the file.
#[derive(Debug, thiserror::Error)]
#[error("theme {file}: {message}")]
pub struct ThemeError {
    file: String,
    message: String,
}

/// The resolved styles the views use.
#[derive(Debug, Clone)]
pub struct Theme {
    styles: BTreeMap<String, Style>,
}

impl Theme {
    /// The built-in theme, in colour or monochrome.
    pub fn defaults(color: bool) -> Theme {
        Theme::build(DEFAULT_THEME, "assets/theme.toml", None, color).expect("built-in theme is valid")
    }

    /// Built-in theme with the styles of the user's theme (its text and file name, when there is one) laid over
    /// it; monochrome unless `color`. The runtime reads the file; the theme only reads text.
    pub fn with_user(user: Option<(&str, &str)>, color: bool) -> Result<Theme, ThemeError> {
        Theme::build(DEFAULT_THEME, "assets/theme.toml", user, color)
    }

    fn build(base: &str, base_name: &str, user: Option<(&str, &str)>, color: bool) -> Result<Theme, ThemeError> {
        // Each style remembers the file it came from, so an error names the right one.
        let mut specs: BTreeMap<String, (StyleSpec, &str)> =
            parse(base, base_name)?.into_iter().map(|(k, v)| (k, (v, base_name))).collect();
        if let Some((text, name)) = user {
            specs.extend(parse(text, name)?.into_iter().map(|(k, v)| (k, (v, name))));
        }
        let mut styles = BTreeMap::new();
        for (k, (spec, file)) in specs {
            let style =
                to_style(&spec, color).map_err(|m| ThemeError { file: file.into(), message: format!("{k}: {m}") })?;
            styles.insert(k, style);
        }
        Ok(Theme { styles })
    }

    /// The style named `name` (plain when the theme does not name it).
    pub fn style(&self, name: &str) -> Style {
        self.styles.get(name).copied().unwrap_or_default()
    }

    /// The style of a severity.
    pub fn severity(&self, s: Severity) -> Style {
        self.style(s.as_str())
    }
}

fn parse(text: &str, name: &str) -> Result<BTreeMap<String, StyleSpec>, ThemeError> {
    toml::from_str::<ThemeFile>(text)
        .map(|f| f.styles)
        .map_err(|e| ThemeError { file: name.into(), message: e.to_string() })
}

fn to_style(spec: &StyleSpec, color: bool) -> Result<Style, String> {
    let mut s = Style::default();
    if color {
        if let Some(fg) = &spec.fg {
            s = s.fg(Color::from_str(fg).map_err(|_| format!("'{fg}' is not a colour"))?);
        }
        if let Some(bg) = &spec.bg {
            s = s.bg(Color::from_str(bg).map_err(|_| format!("'{bg}' is not a colour"))?);
        }
    } else if spec.bg.is_some() {
        // A background only carries meaning in colour; keep the element visible in monochrome.
        s = s.add_modifier(Modifier::REVERSED);
    }
    if spec.bold {
        s = s.add_modifier(Modifier::BOLD);
    }
    if spec.reversed {
        s = s.add_modifier(Modifier::REVERSED);
    }
    if spec.underlined {
        s = s.add_modifier(Modifier::UNDERLINED);
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn monochrome_drops_colours_keeps_modifiers() {
        let mono = Theme::defaults(false);
        assert_eq!(mono.style("high").fg, None);
        assert!(mono.style("high").add_modifier.contains(Modifier::BOLD));
        assert!(mono.style("selected").add_modifier.contains(Modifier::REVERSED));
        let colour = Theme::defaults(true);
        assert_eq!(colour.style("high").fg, Some(Color::LightRed));
    }

    #[test]
    fn user_theme_overrides_only_the_styles_it_names() {
        let user = "[styles]\nhigh = { fg = \"#ff8800\", bold = true }\n";
        let t = Theme::build(DEFAULT_THEME, "assets/theme.toml", Some((user, "theme.toml")), true).unwrap();
        assert_eq!(t.style("high").fg, Some(Color::Rgb(0xff, 0x88, 0x00)));
        assert_eq!(t.style("low").fg, Some(Color::Blue));
        let bad = "[styles]\nhigh = { fg = \"no-such-colour\" }\n";
        let err = Theme::build(DEFAULT_THEME, "assets/theme.toml", Some((bad, "theme.toml")), true).unwrap_err();
        assert!(err.to_string().contains("no-such-colour") && err.to_string().starts_with("theme theme.toml"), "{err}");
    }
}
