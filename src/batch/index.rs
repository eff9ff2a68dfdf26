//! The table from an application id's hash to the application's place in its part: open
//! addressing with linear probing over one flat array of 8-byte slots (the upper half of the
//! id's hash beside the place), at most three quarters full.
//!
//! Why not `hashbrown`, which the batch used before: gathering a large batch waits on memory,
//! once per row, for the row's application (rows come in any order, and a million
//! applications do not fit in a core's cache). Asking for that memory some rows ahead hides
//! the wait, but only if finding where to ask costs no wait itself: here the slot of a hash is
//! known without reading anything ([`Index::prefetch_slot`]), and a slot names its
//! application without reading the application ([`Index::prefetch_candidates`]). `hashbrown`
//! exposes neither step.

/// A slot: the upper 32 bits of the id's hash, and the application's place plus one in the
/// lower 32 (0: empty).
type Slot = u64;

const EMPTY: Slot = 0;

/// The fewest slots a table that holds anything has.
const MIN_SLOTS: usize = 1 << 10;

/// The table of one part of a batch.
#[derive(Default)]
pub(super) struct Index {
    slots: Vec<Slot>,
    len: usize,
}

/// The tag of a hash: its upper half, which the slot's position (the lower bits) does not use.
fn tag(hash: u64) -> u64 {
    hash & 0xFFFF_FFFF_0000_0000
}

/// Asks the processor to bring the cache line of `value` in, without waiting for it (a hint,
/// on x86-64; elsewhere nothing: `safe_arch` wraps only x86's instructions).
#[inline(always)]
pub(super) fn prefetch<T>(value: &T) {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse"))]
    safe_arch::prefetch_t0(value);
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse")))]
    let _ = value;
}

impl Index {
    /// Where the probe for `hash` starts (the table is not empty).
    fn start(&self, hash: u64) -> usize {
        // The lower 32 bits of the hash: a table has at most 2^32 slots, so the position never
        // uses the bits the tag holds.
        let low = (hash & 0xFFFF_FFFF) as u32;
        usize::try_from(low).unwrap_or(usize::MAX) & (self.slots.len() - 1)
    }

    /// The places whose slot carries `hash`'s tag, in probe order, until `found` says yes.
    pub(super) fn find(&self, hash: u64, mut found: impl FnMut(u32) -> bool) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut at = self.start(hash);
        loop {
            let slot = *self.slots.get(at)?;
            if slot == EMPTY {
                return None;
            }
            if tag(slot) == tag(hash) {
                let k = ((slot & 0xFFFF_FFFF) as u32).wrapping_sub(1);
                if found(k) {
                    return Some(k);
                }
            }
            at = (at + 1) & mask;
        }
    }

    /// Asks for the slot where the probe for `hash` starts.
    pub(super) fn prefetch_slot(&self, hash: u64) {
        if !self.slots.is_empty()
            && let Some(slot) = self.slots.get(self.start(hash))
        {
            prefetch(slot);
        }
    }

    /// Calls `ask` with each place whose slot carries `hash`'s tag (to ask for its memory).
    pub(super) fn prefetch_candidates(&self, hash: u64, mut ask: impl FnMut(u32)) {
        self.find(hash, |k| {
            ask(k);
            false
        });
    }

    /// Adds place `k` (the next one: places are added in order, from 0) under `hash`.
    /// `hash_of` gives the hash of any place added before, to move them when the table grows.
    pub(super) fn insert(&mut self, hash: u64, k: u32, hash_of: impl Fn(u32) -> u64) {
        debug_assert_eq!(k as usize, self.len, "places are added in order, from 0");
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            let slots = (self.slots.len() * 2).max(MIN_SLOTS);
            self.slots.clear();
            self.slots.resize(slots, EMPTY);
            let placed = u32::try_from(self.len).unwrap_or(u32::MAX);
            self.len = 0;
            for j in 0..placed {
                self.place(hash_of(j), j);
            }
        }
        self.place(hash, k);
    }

    /// The slots the table holds (full or empty).
    #[cfg(test)]
    pub(super) fn slots(&self) -> usize {
        self.slots.len()
    }

    /// Puts `k` in the first empty slot of `hash`'s probe (there is one: the table is at most
    /// three quarters full).
    fn place(&mut self, hash: u64, k: u32) {
        let mask = self.slots.len() - 1;
        let mut at = self.start(hash);
        while self.slots.get(at).is_some_and(|&s| s != EMPTY) {
            at = (at + 1) & mask;
        }
        if let Some(slot) = self.slots.get_mut(at) {
            *slot = tag(hash) | u64::from(k.wrapping_add(1));
            self.len += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_place_added_and_nothing_else() {
        let mut index = Index::default();
        // Hashes that share their lower bits (one probe run) and their upper bits (one tag).
        let hash =
            |k: u32| if k.is_multiple_of(3) { u64::from(k % 7) } else { (u64::from(k) << 40) | u64::from(k % 5) };
        for k in 0..5000u32 {
            assert_eq!(index.find(hash(k), |j| j == k), None);
            index.insert(hash(k), k, hash);
            assert_eq!(index.find(hash(k), |j| j == k), Some(k));
        }
        for k in 0..5000u32 {
            assert_eq!(index.find(hash(k), |j| j == k), Some(k), "{k}");
            let mut asked = Vec::new();
            index.prefetch_candidates(hash(k), |j| asked.push(j));
            assert!(asked.contains(&k) && asked.iter().all(|&j| tag(hash(j)) == tag(hash(k))));
        }
        assert_eq!(index.find(u64::MAX, |_| true), None);
        assert!(index.slots.len() >= 5000 * 4 / 3);
    }
}
