//! The tenants' vectors in memory, for the exact top-k by cosine: per tenant and kind one
//! contiguous int8 matrix (a row per record, a scale per row). A query scores every row — its
//! int8 components (the query's unit vector quantised like a row: ±127 at its largest
//! component, about 2 significant digits) against each row's, with AVX2 where the CPU has it
//! — a block of rows at a time, and keeps the best k in a heap. Reading the rows (25.6 MB at
//! 100,000 records of 256 dimensions) is bound by memory bandwidth, not by the arithmetic.
//! Loaded from redb on a tenant's first semantic query, then kept in step by the writes
//! (after their commit, like the search index); every change carries its outbox sequence
//! number, so a change that arrives late never overwrites a newer one.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::sync::{Arc, Mutex, RwLock};

use crate::search::Kind;

/// A record's vector: int8 components and the scale that turns them back into a unit vector.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantized {
    pub scale: f32,
    pub v: Vec<i8>,
}

impl Quantized {
    pub fn of(unit: &[f32]) -> Quantized {
        let peak = unit.iter().fold(0f32, |m, x| m.max(x.abs()));
        let scale = if peak > 0.0 { peak / 127.0 } else { 1.0 };
        Quantized {
            scale,
            v: unit
                .iter()
                .map(|x| (x / scale).round().clamp(-127.0, 127.0) as i8)
                .collect(),
        }
    }
}

/// One change to a tenant's vectors, after its commit.
#[derive(Debug, Clone)]
pub struct Change {
    pub kind: Kind,
    pub tenant: u64,
    pub id: u64,
    /// The outbox sequence number of the write.
    pub seq: u64,
    /// `None`: the record is gone, or has no text to embed.
    pub vector: Option<Quantized>,
}

/// The vectors of one tenant's records of one kind: row `i` is `rows[i * dims..][..dims]`.
#[derive(Default)]
pub struct Shelf {
    dims: usize,
    ids: Vec<u64>,
    seqs: Vec<u64>,
    scales: Vec<f32>,
    /// Components in [-127, 127] (a stored -128 is read as -127), so that the kernel's pair
    /// sums cannot saturate (see [`dot_rows`]).
    rows: Vec<i8>,
    at: HashMap<u64, usize>,
    /// Records removed, with the sequence number of their removal.
    gone: HashMap<u64, u64>,
}

impl Shelf {
    pub fn new(dims: usize) -> Shelf {
        Shelf {
            dims,
            ..Shelf::default()
        }
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Bytes held (for the memory report).
    pub fn bytes(&self) -> usize {
        self.rows.capacity() + self.ids.capacity() * 20 + self.at.capacity() * 24
    }

    /// Applies a change unless a newer one for the record is already here.
    pub fn apply(&mut self, id: u64, seq: u64, vector: Option<&Quantized>) {
        let newest = self
            .at
            .get(&id)
            .map(|&i| self.seqs[i])
            .or_else(|| self.gone.get(&id).copied());
        if newest.is_some_and(|n| n > seq) {
            return;
        }
        match vector {
            Some(q) if q.v.len() == self.dims => {
                self.gone.remove(&id);
                let i = match self.at.get(&id) {
                    Some(&i) => i,
                    None => {
                        self.at.insert(id, self.ids.len());
                        self.ids.push(id);
                        self.seqs.push(0);
                        self.scales.push(0.0);
                        self.rows.resize(self.rows.len() + self.dims, 0);
                        self.ids.len() - 1
                    }
                };
                self.seqs[i] = seq;
                self.scales[i] = q.scale;
                for (to, &x) in self.rows[i * self.dims..][..self.dims].iter_mut().zip(&q.v) {
                    *to = x.max(-127);
                }
            }
            _ => {
                self.gone.insert(id, seq);
                if let Some(i) = self.at.remove(&id) {
                    let last = self.ids.len() - 1;
                    self.ids.swap_remove(i);
                    self.seqs.swap_remove(i);
                    self.scales.swap_remove(i);
                    if i != last {
                        let (head, tail) = self.rows.split_at_mut(last * self.dims);
                        head[i * self.dims..(i + 1) * self.dims].copy_from_slice(tail);
                        self.at.insert(self.ids[i], i);
                    }
                    self.rows.truncate(last * self.dims);
                }
            }
        }
    }

    /// The cosine similarity of record `id` to `query`, when it has a vector.
    pub fn similarity(&self, query: &Quantized, id: u64) -> Option<f32> {
        let i = *self.at.get(&id)?;
        if query.v.len() != self.dims {
            return None;
        }
        let mut dot = [0];
        dot_rows(&query.v, &self.rows[i * self.dims..][..self.dims], &mut dot);
        Some(dot[0] as f32 * self.scales[i] * query.scale)
    }

    /// The `k` records most similar to `query`, best first (ties by id), with their cosine
    /// similarity; `keep` may refuse ids. Exact: every row is scored, by its int8 dot product
    /// with the query's int8 components times the row's scale.
    pub fn top(&self, query: &Quantized, k: usize, keep: impl Fn(u64) -> bool) -> Vec<(u64, f32)> {
        if k == 0 || query.v.len() != self.dims {
            return Vec::new();
        }
        let mut best = Best::new(k);
        let mut dots = [0i32; BLOCK];
        for (b, rows) in self.rows.chunks(BLOCK * self.dims).enumerate() {
            let dots = &mut dots[..rows.len() / self.dims];
            dot_rows(&query.v, rows, dots);
            for (j, &dot) in dots.iter().enumerate() {
                let i = b * BLOCK + j;
                best.offer(dot as f32 * self.scales[i], || self.ids[i], &keep);
            }
        }
        best.sorted(query.scale)
    }
}

/// Rows scored at a time: their dot products stay in L1 until they are ranked.
const BLOCK: usize = 256;

/// The best `k` (score, id) offered, kept in a min-heap: a row that does not beat the worst
/// kept costs one comparison, and its id is read only when its score ties the worst.
struct Best {
    k: usize,
    heap: BinaryHeap<Reverse<(Ordered, Reverse<u64>)>>,
}

impl Best {
    fn new(k: usize) -> Best {
        Best {
            k,
            heap: BinaryHeap::with_capacity(k + 1),
        }
    }

    #[inline(always)]
    fn offer(&mut self, score: f32, id: impl Fn() -> u64, keep: impl Fn(u64) -> bool) {
        let worst = (self.heap.len() == self.k)
            .then(|| self.heap.peek())
            .flatten();
        if let Some(Reverse((Ordered(s), _))) = worst
            && score < *s
        {
            return;
        }
        let entry = Reverse((Ordered(score), Reverse(id())));
        if worst.is_some_and(|w| entry >= *w) || !keep(entry.0.1.0) {
            return;
        }
        self.heap.push(entry);
        if self.heap.len() > self.k {
            self.heap.pop();
        }
    }

    /// Best first, ties by id; scores times `scale`.
    fn sorted(self, scale: f32) -> Vec<(u64, f32)> {
        self.heap
            .into_sorted_vec()
            .into_iter()
            .map(|Reverse((s, id))| (id.0, s.0 * scale))
            .collect()
    }
}

/// The dot product of `q` with each row of `rows` (`q.len()` components each, in
/// [-127, 127]; `q`'s may be -128), summed in i32, into `out` (one per row).
fn dot_rows(q: &[i8], rows: &[i8], out: &mut [i32]) {
    debug_assert_eq!(rows.len(), q.len() * out.len());
    #[cfg(target_arch = "x86_64")]
    if q.len().is_multiple_of(32) && std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2, checked just above; rows are whole multiples of 32.
        unsafe { dot_rows_avx2(q, rows, out) };
        return;
    }
    for (o, row) in out.iter_mut().zip(rows.chunks_exact(q.len())) {
        *o = q
            .iter()
            .zip(row)
            .map(|(&x, &y)| i32::from(i16::from(x) * i16::from(y)))
            .sum();
    }
}

/// [`dot_rows`] with AVX2, four rows at a time, 32 components per instruction: the row's
/// bytes take the query's signs (`sign`), are multiplied by the query's magnitudes and added
/// in pairs to i16 (`maddubs`: |q| ≤ 128 and |r| ≤ 127, so a pair sum ≤ 32,512 never
/// saturates), then to i32 (`madd` by 1); the four rows' sums are folded together at the end.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn dot_rows_avx2(q: &[i8], rows: &[i8], out: &mut [i32]) {
    use std::arch::x86_64::*;
    let dims = q.len();
    let ones = _mm256_set1_epi16(1);
    // SAFETY (every load): 32 bytes at `c * 32 < dims` into `q`, or into a row of `dims`
    // bytes (dims is a multiple of 32, `rows` holds `out.len()` of them).
    let load = |p: *const i8| unsafe { _mm256_loadu_si256(p.cast()) };
    let step = |acc: __m256i, q: __m256i, abs_q: __m256i, r: __m256i| {
        let pairs = _mm256_maddubs_epi16(abs_q, _mm256_sign_epi8(r, q));
        _mm256_add_epi32(acc, _mm256_madd_epi16(pairs, ones))
    };
    let mut quads = rows.chunks_exact(4 * dims);
    let mut outs = out.chunks_exact_mut(4);
    for (quad, out) in (&mut quads).zip(&mut outs) {
        let mut acc = [_mm256_setzero_si256(); 4];
        for c in 0..dims / 32 {
            let qc = load(q[c * 32..].as_ptr());
            let abs_q = _mm256_abs_epi8(qc);
            for (r, acc) in acc.iter_mut().enumerate() {
                *acc = step(*acc, qc, abs_q, load(quad[r * dims + c * 32..].as_ptr()));
            }
        }
        let sums = _mm256_hadd_epi32(
            _mm256_hadd_epi32(acc[0], acc[1]),
            _mm256_hadd_epi32(acc[2], acc[3]),
        );
        let sums = _mm_add_epi32(
            _mm256_castsi256_si128(sums),
            _mm256_extracti128_si256(sums, 1),
        );
        // SAFETY: `out` is 4 i32s.
        unsafe { _mm_storeu_si128(out.as_mut_ptr().cast(), sums) };
    }
    for (row, out) in quads
        .remainder()
        .chunks_exact(dims)
        .zip(outs.into_remainder())
    {
        let mut acc = _mm256_setzero_si256();
        for c in 0..dims / 32 {
            let qc = load(q[c * 32..].as_ptr());
            acc = step(acc, qc, _mm256_abs_epi8(qc), load(row[c * 32..].as_ptr()));
        }
        let half = _mm_add_epi32(
            _mm256_castsi256_si128(acc),
            _mm256_extracti128_si256(acc, 1),
        );
        let half = _mm_hadd_epi32(half, half);
        *out = _mm_cvtsi128_si32(_mm_hadd_epi32(half, half));
    }
}

#[derive(Clone, Copy, PartialEq)]
struct Ordered(f32);
impl Eq for Ordered {}
impl PartialOrd for Ordered {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ordered {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// (tenant, kind).
type Key = (u64, u8);

/// Every loaded shelf. A shelf is loaded whole under its lock, so changes that arrive while
/// it loads wait and then apply on top of what was read.
#[derive(Default)]
pub struct Shelves {
    loaded: Mutex<HashMap<Key, Arc<RwLock<Shelf>>>>,
}

impl Shelves {
    /// The tenant's shelf of `kind`, loading it with `load` the first time.
    pub fn get(
        &self,
        kind: Kind,
        tenant: u64,
        load: impl FnOnce(&mut Shelf) -> crate::error::Result<()>,
        dims: usize,
    ) -> crate::error::Result<Arc<RwLock<Shelf>>> {
        let (shelf, fresh) = {
            let mut loaded = self.loaded.lock().unwrap();
            match loaded.get(&(tenant, kind as u8)) {
                Some(s) => (s.clone(), false),
                None => {
                    let s = Arc::new(RwLock::new(Shelf::new(dims)));
                    loaded.insert((tenant, kind as u8), s.clone());
                    (s, true)
                }
            }
        };
        if fresh {
            // Held while loading: queries and changes for this shelf wait until it is whole.
            let mut guard = shelf.write().unwrap();
            if let Err(e) = load(&mut guard) {
                drop(guard);
                self.loaded.lock().unwrap().remove(&(tenant, kind as u8));
                return Err(e);
            }
        }
        Ok(shelf)
    }

    /// The tenant's shelf of `kind`, when it is loaded.
    pub fn loaded(&self, kind: Kind, tenant: u64) -> Option<Arc<RwLock<Shelf>>> {
        self.loaded
            .lock()
            .unwrap()
            .get(&(tenant, kind as u8))
            .cloned()
    }

    /// Applies committed changes to the shelves already loaded (the others read them from
    /// redb when they load).
    pub fn apply(&self, changes: &[Change]) {
        for c in changes {
            let shelf = self
                .loaded
                .lock()
                .unwrap()
                .get(&(c.tenant, c.kind as u8))
                .cloned();
            if let Some(shelf) = shelf {
                shelf.write().unwrap().apply(c.id, c.seq, c.vector.as_ref());
            }
        }
    }

    /// Forgets a tenant's shelves (the tenant was deleted).
    pub fn forget_tenant(&self, tenant: u64) {
        self.loaded.lock().unwrap().retain(|(t, _), _| *t != tenant);
    }

    /// Forgets every loaded shelf (after a rebuild recomputed the vectors).
    pub fn clear(&self) {
        self.loaded.lock().unwrap().clear();
    }

    /// Records and bytes held in memory.
    pub fn usage(&self) -> (usize, usize) {
        let loaded = self.loaded.lock().unwrap();
        loaded.values().fold((0, 0), |(n, b), s| {
            let s = s.read().unwrap();
            (n + s.len(), b + s.bytes())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(v: &[f32]) -> Quantized {
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        Quantized::of(&v.iter().map(|x| x / norm).collect::<Vec<_>>())
    }

    #[test]
    fn top_k_is_by_cosine_and_changes_apply_in_sequence_order() {
        let mut s = Shelf::new(3);
        s.apply(1, 1, Some(&q(&[1.0, 0.0, 0.0])));
        s.apply(2, 2, Some(&q(&[0.7, 0.7, 0.0])));
        s.apply(3, 3, Some(&q(&[0.0, 0.0, 1.0])));
        let top = s.top(&q(&[1.0, 0.1, 0.0]), 2, |_| true);
        assert_eq!(top.iter().map(|t| t.0).collect::<Vec<_>>(), vec![1, 2]);
        assert!((top[0].1 - 0.995).abs() < 0.02, "{top:?}");
        assert_eq!(s.top(&q(&[1.0, 0.1, 0.0]), 5, |id| id != 1)[0].0, 2);
        // A late, older change is ignored; a removal moves the last row into the gap.
        s.apply(1, 0, Some(&q(&[0.0, 0.0, 1.0])));
        assert_eq!(s.top(&q(&[1.0, 0.0, 0.0]), 1, |_| true)[0].0, 1);
        s.apply(1, 4, None);
        s.apply(1, 2, Some(&q(&[1.0, 0.0, 0.0])));
        assert_eq!(s.len(), 2);
        let top = s.top(&q(&[0.0, 0.0, 1.0]), 3, |_| true);
        assert_eq!(top.iter().map(|t| t.0).collect::<Vec<_>>(), vec![3, 2]);
        s.apply(1, 5, Some(&q(&[1.0, 0.0, 0.0])));
        assert_eq!(s.len(), 3, "a newer write brings it back");
    }

    /// The plain i32 dot product, the kernel's reference.
    fn plain(a: &[i8], b: &[i8]) -> i32 {
        a.iter()
            .zip(b)
            .map(|(&x, &y)| i32::from(x) * i32::from(y))
            .sum()
    }

    fn xorshift(seed: u64) -> impl FnMut() -> u64 {
        let mut x = seed;
        move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        }
    }

    #[test]
    fn the_kernel_agrees_with_the_plain_dot_product_at_the_extremes() {
        let mut next = xorshift(11);
        for dims in [3, 32, 64, 256, 288] {
            for n in [0, 1, 3, 4, 5, 9, 257] {
                let query_cases: [&dyn Fn(usize) -> i8; 4] = [
                    &|_| 127,
                    &|_| -128,
                    &|j| if j % 2 == 0 { 127 } else { -128 },
                    &|_| 0,
                ];
                let mut queries: Vec<Vec<i8>> = query_cases
                    .iter()
                    .map(|f| (0..dims).map(f).collect())
                    .collect();
                queries.push((0..dims).map(|_| next() as i8).collect());
                let rows: Vec<i8> = (0..n * dims)
                    .map(|j| match (j / dims) % 4 {
                        0 => 127,
                        1 => -127,
                        2 => {
                            if j % 3 == 0 {
                                -127
                            } else {
                                127
                            }
                        }
                        _ => (next() as i8).max(-127),
                    })
                    .collect();
                for q in &queries {
                    let mut out = vec![0; n];
                    dot_rows(q, &rows, &mut out);
                    let want: Vec<i32> = rows.chunks_exact(dims).map(|r| plain(q, r)).collect();
                    assert_eq!(out, want, "dims {dims}, rows {n}, query {:?}", &q[..3]);
                }
            }
        }
    }

    /// Every row scored and sorted: what `top` must return.
    fn every_row(s: &Shelf, q: &Quantized, k: usize, keep: impl Fn(u64) -> bool) -> Vec<u64> {
        let mut all: Vec<(f32, u64)> = (0..s.len())
            .map(|i| {
                let row = &s.rows[i * s.dims..][..s.dims];
                (plain(&q.v, row) as f32 * s.scales[i], s.ids[i])
            })
            .filter(|(_, id)| keep(*id))
            .collect();
        all.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        all.into_iter().take(k).map(|(_, id)| id).collect()
    }

    /// On a large shelf of real embeddings (many near ties: six words each out of 27) and of
    /// random vectors, `top` returns exactly the best k of every row scored, ties by id,
    /// filtered or not, after removals moved rows around.
    #[test]
    fn top_is_the_exact_top_k_of_every_row() {
        let words = [
            "rust",
            "backend",
            "payments",
            "kubernetes",
            "nurse",
            "teacher",
            "sales",
            "finance",
            "react",
            "designer",
            "data",
            "python",
            "warehouse",
            "logistics",
            "marketing",
            "legal",
            "recruiter",
            "android",
            "security",
            "devops",
            "clinic",
            "accounting",
            "support",
            "embedded",
            "robotics",
            "chemistry",
            "retail",
        ];
        let dims = crate::semantic::model().dims();
        let mut next = xorshift(7);
        let mut s = Shelf::new(dims);
        for id in 0..6_000u64 {
            let v = if id % 3 == 0 {
                q(&(0..dims)
                    .map(|_| (next() % 2001) as f32 - 1000.0)
                    .collect::<Vec<_>>())
            } else {
                let text: Vec<&str> = (0..6)
                    .map(|_| words[next() as usize % words.len()])
                    .collect();
                crate::semantic::embed(&text.join(" ")).expect("a vector")
            };
            s.apply(id, id, Some(&v));
        }
        for id in (0..6_000u64).step_by(7) {
            s.apply(id, 10_000, None);
        }
        assert_eq!(s.len(), 6_000 - 6_000usize.div_ceil(7));
        for query in [
            "payments backend engineer",
            "hospital nurse",
            "react designer",
            "legal",
        ] {
            let qv = crate::semantic::embed(query).expect("a vector");
            for k in [1, 20, 100, 10_000] {
                let got: Vec<u64> = s.top(&qv, k, |_| true).iter().map(|t| t.0).collect();
                assert_eq!(got, every_row(&s, &qv, k, |_| true), "{query}, k {k}");
            }
            let odd = |id: u64| id.is_multiple_of(97);
            let got: Vec<u64> = s.top(&qv, 10, odd).iter().map(|t| t.0).collect();
            assert_eq!(got, every_row(&s, &qv, 10, odd), "{query}, filtered");
            let top = s.top(&qv, 3, |_| true);
            for (id, cosine) in top {
                assert_eq!(s.similarity(&qv, id), Some(cosine));
            }
        }
    }
}
