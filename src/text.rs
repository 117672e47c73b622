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

/// Tags as a user types them, separated by spaces or commas. `Err` names the first tag that
/// is not only letters, digits, '_', '-' and '.'.
pub fn parse_tags(typed: &str) -> Result<Vec<String>, String> {
    let tags: Vec<String> = typed
        .split([' ', ','])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect();
    let valid = |t: &&String| {
        t.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    };
    match tags.iter().find(|t| !valid(t)) {
        Some(bad) => Err(bad.clone()),
        None => Ok(tags),
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

    #[test]
    fn tags_split_on_spaces_and_commas_and_a_bad_one_is_named() {
        assert_eq!(
            super::parse_tags(" general, gpu  highmem,").unwrap(),
            ["general", "gpu", "highmem"]
        );
        assert_eq!(super::parse_tags("").unwrap(), Vec::<String>::new());
        assert_eq!(super::parse_tags("gpu hi:mem").unwrap_err(), "hi:mem");
    }
}
