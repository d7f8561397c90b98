//! window: the clock that says which events and articles are recent.

use serde::{Deserialize, Serialize};

/// "Today" for the online window: the second-latest publication date seen
/// (the latest while only one was). One article with a wild date (a typo,
/// 2099, a hostile input) cannot make every event and possible original
/// old at once; two articles that agree move the clock.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct WindowClock<T> {
    latest: Option<T>,
    second: Option<T>,
}

impl<T: Ord + Copy> WindowClock<T> {
    /// Counts one more publication date.
    pub fn observe(&mut self, day: T) {
        match self.latest {
            Some(latest) if day > latest => {
                self.second = Some(latest);
                self.latest = Some(day);
            }
            Some(_) => {
                if self.second.is_none_or(|s| day > s) {
                    self.second = Some(day);
                }
            }
            None => self.latest = Some(day),
        }
    }

    /// The clock's date (`None` before any date was seen).
    pub fn now(&self) -> Option<T> {
        self.second.or(self.latest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_outlier_does_not_move_the_clock_two_do() {
        let mut c = WindowClock::default();
        assert_eq!(c.now(), None);
        c.observe(10);
        assert_eq!(c.now(), Some(10));
        c.observe(99_999);
        assert_eq!(c.now(), Some(10), "one far-future date alone");
        c.observe(12);
        assert_eq!(c.now(), Some(12));
        c.observe(11);
        assert_eq!(c.now(), Some(12), "never back");
        c.observe(99_998);
        assert_eq!(c.now(), Some(99_998), "two dates agree");
    }
}
