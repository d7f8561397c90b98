//! The order-keeping parallel map of the distributed worker's batch stages.

/// `f` over every item on all cores, results in input order: the items are
/// cut into one contiguous chunk per core, each mapped on its own scoped
/// thread, and the chunks joined in order. `f` sees one item at a time, so
/// the result does not depend on the cut (the same on any core count). A
/// panic of `f` is passed on; callers that must survive one catch it in `f`.
///
/// `ingest::map_indexed` stays apart: it hands out small blocks in turn
/// because its articles' costs are uneven, and turns panics into failures.
pub(crate) fn map_in_order<I: Send, T: Send>(items: Vec<I>, f: impl Fn(I) -> T + Sync) -> Vec<T> {
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    if threads == 1 || items.len() < 2 {
        return items.into_iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let mut parts: Vec<Vec<I>> = Vec::with_capacity(threads);
    let mut it = items.into_iter().peekable();
    while it.peek().is_some() {
        parts.push(it.by_ref().take(chunk).collect());
    }
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> =
            parts.into_iter().map(|part| scope.spawn(move || part.into_iter().map(f).collect::<Vec<_>>())).collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
    })
}

#[cfg(test)]
mod tests {
    use super::map_in_order;

    #[test]
    fn keeps_input_order_for_any_length() {
        for n in [0usize, 1, 2, 3, 7, 64, 1001] {
            let items: Vec<usize> = (0..n).collect();
            let out = map_in_order(items, |i| i * 3 + 1);
            assert_eq!(out, (0..n).map(|i| i * 3 + 1).collect::<Vec<_>>(), "n = {n}");
        }
    }

    #[test]
    fn maps_borrowed_items() {
        let words = ["a", "bb", "ccc"].map(String::from);
        assert_eq!(map_in_order(words.iter().collect(), |w| w.len()), vec![1, 2, 3]);
    }
}
