//! Moves lists into one, in parallel: each list is written into its own part
//! of the result's spare capacity. A serial `concat` copied 244,000 resources
//! on one thread (the "concatenated" stage went from 0.031 s to 0.015 s at 2
//! threads, benches/README.md).
#![allow(unsafe_code)]

use rayon::prelude::*;

/// The items of `lists`, in order, in one list: the lists are moved in
/// parallel, each freed once moved (so the memory they take is not doubled).
pub fn concat<T: Send>(lists: Vec<Vec<T>>) -> Vec<T> {
    let total = lists.iter().map(Vec::len).sum();
    let mut out = Vec::with_capacity(total);
    let mut rest = &mut out.spare_capacity_mut()[..total];
    let mut parts = Vec::with_capacity(lists.len());
    for list in lists {
        let (part, tail) = std::mem::take(&mut rest).split_at_mut(list.len());
        parts.push((part, list));
        rest = tail;
    }
    parts.into_par_iter().for_each(|(part, list)| {
        for (slot, item) in part.iter_mut().zip(list) {
            slot.write(item);
        }
    });
    // SAFETY: the parts cover the first `total` places (the lists' lengths
    // add up to `total`), and each part was filled from its list, as long as
    // the part.
    unsafe { out.set_len(total) };
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn concat_keeps_the_order_of_lists_and_items() {
        let lists = vec![
            vec!["a".to_string(), "b".to_string()],
            vec![],
            vec!["c".to_string()],
        ];
        assert_eq!(super::concat(lists), ["a", "b", "c"]);
        assert!(super::concat(Vec::<Vec<String>>::new()).is_empty());
    }
}
