//! The one order-keeping parallel map of the engine: the per-article
//! stages of ingest and the distributed worker's batch stages both go
//! through it.

use std::sync::{Mutex, PoisonError};

/// Items a thread takes from the queue at a time: small, so that a block of
/// slow articles costs little at the end, large enough that the queue's
/// lock is rarely contended.
const BLOCK: usize = 8;

/// `f` over every item on all cores, results in input order. Below
/// `min_parallel` items (or on one core) it runs on the calling thread,
/// where spawning would cost more than the work. Otherwise each thread takes
/// blocks of [`BLOCK`] items in turn, so uneven costs balance, and the
/// blocks are put back in order. `f` sees one item at a time, so the result
/// does not depend on the schedule (the same on any core count). A panic of
/// `f` is passed on; callers that must survive one catch it in `f`.
pub(crate) fn map_in_order<I: Send, T: Send>(items: Vec<I>, min_parallel: usize, f: impl Fn(I) -> T + Sync) -> Vec<T> {
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    if threads == 1 || items.len() < min_parallel.max(2) {
        return items.into_iter().map(f).collect();
    }
    let queue = Mutex::new(items.into_iter().enumerate());
    let (f, queue) = (&f, &queue);
    let mut parts: Vec<(usize, Vec<T>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(move || {
                    let mut done = Vec::new();
                    loop {
                        let block: Vec<(usize, I)> =
                            queue.lock().unwrap_or_else(PoisonError::into_inner).by_ref().take(BLOCK).collect();
                        let Some(&(start, _)) = block.first() else { return done };
                        done.push((start, block.into_iter().map(|(_, item)| f(item)).collect()));
                    }
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
    });
    parts.sort_unstable_by_key(|p| p.0);
    parts.into_iter().flat_map(|p| p.1).collect()
}

#[cfg(test)]
mod tests {
    use super::map_in_order;

    #[test]
    fn keeps_input_order_for_any_length() {
        for n in [0usize, 1, 2, 3, 7, 64, 1001] {
            let items: Vec<usize> = (0..n).collect();
            let out = map_in_order(items, 2, |i| i * 3 + 1);
            assert_eq!(out, (0..n).map(|i| i * 3 + 1).collect::<Vec<_>>(), "n = {n}");
        }
    }

    #[test]
    fn maps_borrowed_items() {
        let words = ["a", "bb", "ccc"].map(String::from);
        assert_eq!(map_in_order(words.iter().collect(), 2, |w| w.len()), vec![1, 2, 3]);
    }

    #[test]
    fn uneven_costs_keep_input_order() {
        let items: Vec<u64> = (0..200).collect();
        let out = map_in_order(items, 64, |i| {
            if i % 17 == 0 {
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
            i * 2
        });
        assert_eq!(out, (0..200).map(|i| i * 2).collect::<Vec<_>>());
    }

    #[test]
    #[should_panic(expected = "item 5")]
    fn a_panic_is_passed_on() {
        map_in_order((0..100).collect::<Vec<u32>>(), 2, |i| if i == 5 { panic!("item 5") } else { i });
    }
}
