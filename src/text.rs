//! Wording shared by messages and labels.

/// `1 frame`, `3 frames`.
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_read_naturally() {
        assert_eq!(super::plural(1, "job"), "1 job");
        assert_eq!(super::plural(0, "frame"), "0 frames");
        assert_eq!(super::plural(12, "show"), "12 shows");
    }
}
