//! OpenCue frame specs: `"5"`, `"1-100"`, `"1-100x5"` (every 5th), `"1-100y5"` (all but every
//! 5th), `"1-100:5"` (interleaved order, same frames), comma-separated.

/// One item of a frame spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Item {
    start: i32,
    end: i32,
    step: i32,
    inverse: bool,
}

impl Item {
    fn contains(&self, n: i32) -> bool {
        if n < self.start || n > self.end {
            return false;
        }
        let on_step = (n - self.start) % self.step == 0;
        on_step != self.inverse
    }
}

/// A parsed frame spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameSet {
    items: Vec<Item>,
}

impl FrameSet {
    /// Parses a spec; the error says which part is wrong.
    pub fn parse(spec: &str) -> Result<Self, String> {
        let mut items = Vec::new();
        for raw in spec.split(',') {
            let part = raw.trim();
            if part.is_empty() {
                continue;
            }
            items.push(
                parse_item(part).ok_or_else(|| {
                    format!("{part:?} is not a frame range like 1-100 or 1-100x5")
                })?,
            );
        }
        if items.is_empty() {
            return Err("the frame range is empty".into());
        }
        Ok(Self { items })
    }

    /// The shortest spec of plain runs naming exactly `numbers`: `[1,2,3,7,9,10]` → `1-3,7,9-10`.
    pub fn spec_of(numbers: impl IntoIterator<Item = i32>) -> String {
        let mut sorted: Vec<i32> = numbers.into_iter().collect();
        sorted.sort_unstable();
        sorted.dedup();
        let mut runs: Vec<(i32, i32)> = Vec::new();
        for n in sorted {
            match runs.last_mut() {
                Some((_, end)) if *end + 1 == n => *end = n,
                _ => runs.push((n, n)),
            }
        }
        runs.iter()
            .map(|&(a, b)| {
                if a == b {
                    a.to_string()
                } else {
                    format!("{a}-{b}")
                }
            })
            .collect::<Vec<_>>()
            .join(",")
    }

    /// True when frame `n` is in the set.
    pub fn contains(&self, n: i32) -> bool {
        self.items.iter().any(|i| i.contains(n))
    }
}

fn parse_item(part: &str) -> Option<Item> {
    // A leading '-' is a negative start, not a range separator.
    let split_at = part
        .char_indices()
        .skip(1)
        .find(|&(_, c)| c == '-')
        .map(|(i, _)| i);
    let Some(dash) = split_at else {
        let n = part.parse().ok()?;
        return Some(Item {
            start: n,
            end: n,
            step: 1,
            inverse: false,
        });
    };
    let start: i32 = part[..dash].trim().parse().ok()?;
    let rest = &part[dash + 1..];
    let (end_str, step, inverse) = match rest.find(['x', 'y', ':']) {
        Some(i) => {
            let step: i32 = rest[i + 1..].trim().parse().ok()?;
            let inverse = rest.as_bytes()[i] == b'y';
            // ':' interleaves the order; the frames are the same.
            let step = if rest.as_bytes()[i] == b':' { 1 } else { step };
            (&rest[..i], step, inverse)
        }
        None => (rest, 1, false),
    };
    let end: i32 = end_str.trim().parse().ok()?;
    if step < 1 || end < start {
        return None;
    }
    Some(Item {
        start,
        end,
        step,
        inverse,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_spec_forms() {
        let s = FrameSet::parse("1-10x3, 20, 30-32").unwrap();
        let got: Vec<i32> = (0..40).filter(|n| s.contains(*n)).collect();
        assert_eq!(got, vec![1, 4, 7, 10, 20, 30, 31, 32]);
        let y = FrameSet::parse("1-6y2").unwrap();
        assert_eq!(
            (1..=6).filter(|n| y.contains(*n)).collect::<Vec<_>>(),
            vec![2, 4, 6]
        );
        assert!(FrameSet::parse("-5--1").unwrap().contains(-3));
        assert!(FrameSet::parse("1-100:10").unwrap().contains(55));
        assert!(FrameSet::parse("abc").is_err());
        assert!(FrameSet::parse("10-1").is_err());
        assert!(FrameSet::parse("").is_err());
    }

    #[test]
    fn spec_of_names_exactly_the_numbers() {
        assert_eq!(FrameSet::spec_of([3, 1, 2, 7, 10, 9, 2]), "1-3,7,9-10");
        assert_eq!(FrameSet::spec_of([]), "");
        let spec = FrameSet::spec_of([1001, 1003]);
        let set = FrameSet::parse(&spec).unwrap();
        assert!(set.contains(1001) && !set.contains(1002) && set.contains(1003));
    }
}
