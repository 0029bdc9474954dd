//! Stable sorting with one copy of the sort code in the page's .wasm.
//!
//! `slice::sort_by` is generic over the element and the comparison, so each call site with
//! its own closure compiles the whole stable sort (driftsort: quicksort, merges, small sorts,
//! about 3.4 KB of wasm) again: 36 copies were 123 KB of the page's code. On wasm32 these
//! functions sort a list of positions with one comparison behind `dyn`, so the sort is compiled
//! once, then move the elements into that order (a small loop per element type). The result
//! is what `sort_by` gives, equal elements keeping their order; native builds call `sort_by`
//! itself, which is faster.

use std::cmp::Ordering;

/// Sorts `items` by `compare`, keeping equal items in their order (as `slice::sort_by`).
pub fn sort_by<T>(items: &mut [T], compare: impl FnMut(&T, &T) -> Ordering) {
    #[cfg(not(target_arch = "wasm32"))]
    items.sort_by(compare);
    #[cfg(target_arch = "wasm32")]
    by_positions(items, compare);
}

/// `sort_by` through a sorted list of positions (see the module docs).
#[cfg(any(target_arch = "wasm32", test))]
fn by_positions<T>(items: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
    if items.len() < 2 {
        return;
    }
    let mut order: Vec<usize> = (0..items.len()).collect();
    {
        let items = &*items;
        sort_positions(&mut order, &mut |a, b| compare(&items[a], &items[b]));
    }
    permute(items, &mut order);
}

/// Collects key-value pairs into a B-tree map by inserting them one by one: the same map as
/// `collect()` (a later pair wins over an earlier one with the same key), without
/// `BTreeMap::from_iter`'s stable sort of the pairs, compiled once per pair type.
pub trait IntoMap<K: Ord, V>: Iterator<Item = (K, V)> + Sized {
    fn into_map(self) -> std::collections::BTreeMap<K, V> {
        let mut map = std::collections::BTreeMap::new();
        for (key, value) in self {
            map.insert(key, value);
        }
        map
    }
}

impl<K: Ord, V, I: Iterator<Item = (K, V)>> IntoMap<K, V> for I {}

/// Sorts `items` by the key `key` gives, keeping equal items in their order.
pub fn sort_by_key<T, K: Ord>(items: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `items` in ascending order, keeping equal items in their order.
pub fn sort<T: Ord>(items: &mut [T]) {
    sort_by(items, T::cmp);
}

/// The one stable sort the page compiles: positions, compared through `dyn`.
#[cfg(any(target_arch = "wasm32", test))]
fn sort_positions(order: &mut [usize], compare: &mut dyn FnMut(usize, usize) -> Ordering) {
    order.sort_by(|&a, &b| compare(a, b));
}

/// Puts `items` in `order` (`order[k]` is the position of the item that goes at `k`), by
/// following each cycle of the permutation once; `order` is used up.
#[cfg(any(target_arch = "wasm32", test))]
fn permute<T>(items: &mut [T], order: &mut [usize]) {
    for start in 0..items.len() {
        let mut at = start;
        loop {
            let next = order[at];
            order[at] = at;
            if next == start || next == at {
                break;
            }
            items.swap(at, next);
            at = next;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permute_puts_every_item_where_the_order_says() {
        let mut items = vec!['a', 'b', 'c', 'd', 'e', 'f'];
        // A 3-cycle, a 2-cycle and a fixed point.
        let mut order = vec![2, 0, 1, 4, 3, 5];
        permute(&mut items, &mut order);
        assert_eq!(items, vec!['c', 'a', 'b', 'e', 'd', 'f']);
    }

    #[test]
    fn sorting_keeps_equal_items_in_their_order() {
        let mut items = vec![(2, 'a'), (1, 'b'), (2, 'c'), (1, 'd'), (0, 'e')];
        by_positions(&mut items, |a, b| a.0.cmp(&b.0));
        assert_eq!(
            items,
            vec![(0, 'e'), (1, 'b'), (1, 'd'), (2, 'a'), (2, 'c')]
        );
    }

    #[test]
    fn the_page_sort_gives_what_sort_by_gives() {
        // Many lengths and many equal keys: every order std's stable sort gives, this gives.
        let mut state = 7_u64;
        for len in 0..200 {
            let items: Vec<(u64, usize)> = (0..len)
                .map(|i| {
                    state = state
                        .wrapping_mul(6_364_136_223_846_793_005)
                        .wrapping_add(1);
                    ((state >> 59) % 7, i)
                })
                .collect();
            let mut ours = items.clone();
            let mut std = items;
            by_positions(&mut ours, |a, b| b.0.cmp(&a.0));
            std.sort_by_key(|p| std::cmp::Reverse(p.0));
            assert_eq!(ours, std, "length {len}");
        }
    }
}
