//! Wording shared by messages and labels, and the text matching the table filters share.

/// `1 frame`, `3 frames`.
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// True when `haystack` contains `needle_lower` (already lower-cased), ignoring case. Names,
/// hosts and paths are ASCII: those are compared in place, with no allocation per row (the
/// filters run over 100,000 frames); anything else is lower-cased first.
pub fn contains_ignore_case(haystack: &str, needle_lower: &str) -> bool {
    if needle_lower.is_empty() {
        return true;
    }
    if !haystack.is_ascii() || !needle_lower.is_ascii() {
        return haystack.to_lowercase().contains(needle_lower);
    }
    let (h, n) = (haystack.as_bytes(), needle_lower.as_bytes());
    h.len() >= n.len()
        && h.windows(n.len())
            .any(|w| w.iter().zip(n).all(|(a, b)| a.to_ascii_lowercase() == *b))
}

/// The matcher of a name filter: `None` when the filter is plain text (or empty), the
/// case-insensitive regex when `regex` is set, or `Err` with a sentence when it does not compile.
pub fn name_regex(text: &str, regex: bool) -> Result<Option<regex::Regex>, String> {
    if !regex || text.is_empty() {
        return Ok(None);
    }
    regex::RegexBuilder::new(text)
        .case_insensitive(true)
        .build()
        .map(Some)
        .map_err(|e| {
            format!(
                "Not a valid regex: {}",
                e.to_string().lines().last().unwrap_or("")
            )
        })
}

/// [`name_regex`] as a view uses it: the regex to match with, and the sentence to show when it
/// does not compile (an invalid regex filters nothing by name).
pub fn name_filter(text: &str, regex: bool) -> (Option<regex::Regex>, Option<String>) {
    match name_regex(text, regex) {
        Ok(re) => (re, None),
        Err(e) => (None, Some(e)),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn case_is_ignored_with_or_without_ascii() {
        use super::contains_ignore_case as c;
        assert!(c("render0042/8.00/0", "render00"));
        assert!(c("Aurora-SH0010_comp", "sh0010"));
        assert!(!c("render0042", "ws"));
        assert!(c("anything", ""));
        assert!(!c("ab", "abc"));
        assert!(c("Ölfeld-Straße", "straße"));
    }

    #[test]
    fn counts_read_naturally() {
        assert_eq!(super::plural(1, "job"), "1 job");
        assert_eq!(super::plural(0, "frame"), "0 frames");
        assert_eq!(super::plural(12, "show"), "12 shows");
    }
}
