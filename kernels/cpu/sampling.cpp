// Sampling on the CPU: temperature, top-k, top-p, min-p, then Gumbel-max over the kept set
// with Philox noise countered by (row id, step, token), so a row's token depends only on its
// own logits, seed, row id and step (never on batch layout or thread count).
//
// One read of each row: the chunk loop keeps an online logsumexp and either the running
// Gumbel argmax (no filter) or what the filters need: for top-k the row's scaled values and
// their block maxima (in a row-sized scratch; the k best are picked after the loop from the few
// blocks whose maximum reaches a floor), else every token within the filters' threshold of the
// running max. The filters then run on the candidates only: sorted when they are few, and for
// top-p alone on a flat distribution (tens of thousands of candidates) binned by value, so that
// only the few candidates near the top-p boundary are sorted.
#include <algorithm>
#include <cmath>
#include <functional>

#include "cpu.h"

#if GD_FMV
#include <immintrin.h>
#endif

namespace gendiv::cpu {
namespace {

struct Candidate {
    float x;      // z / T
    int32_t idx;  // token id
};
// Sort order and top-k order: larger value first, lower index first on ties.
struct RanksBefore {
    bool operator()(const Candidate& a, const Candidate& b) const { return a.x > b.x || (a.x == b.x && a.idx < b.idx); }
};
constexpr RanksBefore ranks_before{};

struct Scratch {
    std::vector<float> buf = std::vector<float>(kChunk);
    std::vector<float> keys = std::vector<float>(kChunk);
    std::vector<uint32_t> bits = std::vector<uint32_t>(kChunk);
    std::vector<float> row;     // top-k: the row's scaled logits, for the selection after the loop
    std::vector<float> maxima;  // top-k: the row's block maxima
    std::vector<float> order;   // top-k: the maxima a floor is selected from
    std::vector<int32_t> reach;  // top-k: the blocks reaching the first floor
    std::vector<Candidate> pool;   // the filters' candidates: vocabulary-sized, written without a branch
    std::vector<Candidate> side;
    std::vector<uint32_t> hist;
};

// Gumbel keys x + g for a chunk starting at token c0 (a multiple of 4); n_pad = n rounded up
// to 4, with buf padded by -inf. Two flat loops (Philox bits, then keys) so both vectorise.
// Returns the largest key.
GD_HOT float chunk_gumbel_keys(const float* buf, int64_t n_pad, int64_t c0, DrawKey key, uint32_t* bits,
                               float* keys) {
    uint32_t block0 = uint32_t(c0 >> 2);
#pragma omp simd
    for (int64_t g = 0; g < n_pad / 4; ++g) {
        Philox4 r = draw_block(key, block0 + uint32_t(g));
        bits[4 * g + 0] = r.v[0];
        bits[4 * g + 1] = r.v[1];
        bits[4 * g + 2] = r.v[2];
        bits[4 * g + 3] = r.v[3];
    }
    float best = -kInf;
#pragma omp simd reduction(max : best)
    for (int64_t i = 0; i < n_pad; ++i) {
        float k = buf[i] + gumbel(bits[i]);
        keys[i] = k;
        best = k > best ? k : best;
    }
    return best;
}

// Loads n <= kChunk logits scaled by inv_t into buf, like chunk_load_max, and writes the max of
// each block of 64 to maxima; returns the chunk's max.
constexpr int64_t kBlock = 64;
template <class T>
GD_HOT float chunk_load_block_maxima(const T* z, int64_t n, float inv_t, float* buf, float* maxima) {
    float cm = -kInf;
    for (int64_t b0 = 0, j = 0; b0 < n; b0 += kBlock, ++j) {
        const int64_t b1 = std::min(n, b0 + kBlock);
        float m = -kInf;
#pragma omp simd reduction(max : m)
        for (int64_t i = b0; i < b1; ++i) {
            float x = load_logit(z, i) * inv_t;
            buf[i] = x;
            m = x > m ? x : m;
        }
        maxima[j] = m;
        cm = m > cm ? m : cm;
    }
    return cm;
}

// Asks for the logits of the chunk at c0 (if any) to be brought into the cache: the chunk loop
// is bound by memory when it loads a chunk and by arithmetic after, so the next chunk's loads
// can overlap this one's arithmetic.
template <class T>
inline void prefetch_chunk(const T* z, int64_t c0, int64_t vocab) {
    if (c0 >= vocab) return;
    const char* p = reinterpret_cast<const char*>(z + c0);
    const int64_t bytes = std::min(kChunk, vocab - c0) * int64_t(sizeof(T));
    for (int64_t b = 0; b < bytes; b += 64) __builtin_prefetch(p + b);
}

// Calls f(i) for the indices of buf[0, n) whose value may exceed floor, skipping blocks of 64
// whose max (in maxima, from chunk_load_block_maxima) does not: the filters keep a few tokens in tens of
// thousands, so most blocks cost one compare.
template <class F>
inline void for_each_above(const float* buf, int64_t n, const float* maxima, float floor, F f) {
    for (int64_t b0 = 0, j = 0; b0 < n; b0 += kBlock, ++j) {
        if (maxima[j] <= floor) continue;
        for (int64_t i = b0, b1 = std::min(n, b0 + kBlock); i < b1; ++i) f(i);
    }
}

// Keeps the candidates c[0, n) for which keep(c) holds, in order, without a branch (about half
// go on flat distributions, where a branch would mispredict); returns how many.
template <class Keep>
size_t compact(Candidate* c, size_t n, Keep keep) {
    size_t k = 0;
    for (size_t i = 0; i < n; ++i) {
        Candidate x = c[i];
        c[k] = x;
        k += keep(x) ? 1 : 0;
    }
    return k;
}

struct Draw {
    int32_t token;
    float logprob, kept_mass;
};

// Gumbel keys x + g of n candidates in any order (one Philox block per token, vectorised across
// tokens; the same bits as token_gumbel) and the sum of exp(x - m) for their mass. Returns the
// largest key.
GD_HOT float candidate_keys(const float* x, const uint32_t* ids, int64_t n, float m, DrawKey key, float* keys,
                            float& out_mass) {
    float best = -kInf, terms[kChunk];
#pragma omp simd reduction(max : best)
    for (int64_t i = 0; i < n; ++i) {
        uint32_t id = ids[i], j = id & 3u;
        Philox4 r = draw_block(key, id >> 2);
        uint32_t bits = j == 0 ? r.v[0] : (j == 1 ? r.v[1] : (j == 2 ? r.v[2] : r.v[3]));
        float k = x[i] + gumbel(bits);
        keys[i] = k;
        best = k > best ? k : best;
        terms[i] = exp_nonpos(x[i] - m);
    }
    LaneSums mass;
    mass.add(terms, n);
    out_mass = mass.total();
    return best;
}

// Gumbel-max over the kept candidates (any order; the lowest token id on tied keys) and their
// probability mass; the caller fills in the drawn token's log-prob.
Draw gumbel_max_of(const Candidate* c, size_t n, const LogNorm& nz, const DrawKey& key, Scratch& sc) {
    float best = -kInf;
    int32_t token = -1;
    double mass = 0.0;
    for (size_t c0 = 0; c0 < n; c0 += size_t(kChunk)) {
        int64_t len = int64_t(std::min(size_t(kChunk), n - c0));
        for (int64_t i = 0; i < len; ++i) {
            sc.buf[i] = c[c0 + i].x;
            sc.bits[i] = uint32_t(c[c0 + i].idx);
        }
        float chunk_mass;
        float chunk_best = candidate_keys(sc.buf.data(), sc.bits.data(), len, nz.m, key, sc.keys.data(), chunk_mass);
        mass += chunk_mass;
        if (chunk_best < best) continue;
        for (int64_t i = 0; i < len; ++i) {
            int32_t id = c[c0 + i].idx;
            if (sc.keys[i] > best || (sc.keys[i] == best && id < token)) {
                best = sc.keys[i];
                token = id;
            }
        }
    }
    if (token < 0) token = c[0].idx;  // only when every kept logit is -inf: cannot happen
    return {token, NAN, float(mass * std::exp(-double(nz.log_s)))};
}

// Top-p alone sorts its candidates up to this many; past it, it bins them (top_p_boundary).
constexpr size_t kSortLimit = 4096;

// sum exp(x - m) over the candidates with (m - x) inv_w < end, i.e. in the bins before end.
GD_HOT double mass_before_bin(const Candidate* c, size_t n, float m, float inv_w, float end) {
    double total = 0.0;
    for (size_t c0 = 0; c0 < n; c0 += size_t(kChunk)) {
        size_t c1 = std::min(n, c0 + size_t(kChunk));
        float terms[kChunk];
#pragma omp simd
        for (size_t i = c0; i < c1; ++i) terms[i - c0] = (m - c[i].x) * inv_w < end ? exp_nonpos(c[i].x - m) : 0.0f;
        LaneSums s;
        s.add(terms, int64_t(c1 - c0));
        total += double(s.total());
    }
    return total;
}

// Top-p without top-k: the chunk loop's threshold test lets in every token within
// log((1 - top_p) / V) of the max, on a flat distribution most of the vocabulary, and sorting
// them all would cost far more than reading the logits. Instead the candidates are counted in
// bins of m - x (1024 bins over the threshold's span, the last one open-ended). A bin b's mass
// relative to the max lies between count e^-(b+1)w and count e^-bw, so every bin before the
// first one whose upper cumulative bound reaches top_p is wholly kept, and every bin after the
// first one whose lower cumulative bound reaches it is wholly dropped; only the few candidates
// between are sorted, to find the last kept one. Returns that candidate: the kept set is every
// candidate ranking at or before it (a sentinel below every candidate when all are kept).
Candidate top_p_boundary(const Candidate* c, size_t n, const LogNorm& nz, float span, float top_p, Scratch& sc) {
    constexpr size_t kBins = 1024;
    constexpr Candidate kKeepAll{-kInf, INT32_MAX};
    const float w = span / float(kBins), inv_w = float(kBins) / span;
    auto bin = [&](float x) {
        float d = (nz.m - x) * inv_w;
        return d < float(kBins - 1) ? uint32_t(d) : uint32_t(kBins - 1);
    };
    auto& hist = sc.hist;
    hist.assign(kBins, 0);
    for (size_t i = 0; i < n; ++i) ++hist[bin(c[i].x)];
    const double target = double(top_p) * std::exp(double(nz.log_s));  // top_p of sum exp(x - m)
    // The bounds give up a further 1e-3 in log space each way for rounding.
    double upper = 0.0, lower = 0.0;
    size_t hi = kBins, lo = kBins - 1;
    for (size_t b = 0; b < kBins; ++b) {
        upper += double(hist[b]) * std::exp(-double(b) * w + 1e-3);
        if (b + 1 < kBins) lower += double(hist[b]) * std::exp(-double(b + 1) * w - 1e-3);
        if (hi == kBins && upper >= target) hi = b;
        if (lower >= target) {
            lo = b;
            break;
        }
    }
    if (hi == kBins) return kKeepAll;  // rounding only: the bounds never reached top_p
    // Exact mass of the wholly kept bins; the undecided ones set aside.
    double cum = mass_before_bin(c, n, nz.m, inv_w, float(hi));
    auto& side = sc.side;
    if (side.size() < n) side.resize(n);
    size_t n_side = 0;
    for (size_t i = 0; i < n; ++i) {  // without a branch: about half the candidates lie before hi
        uint32_t b = bin(c[i].x);
        side[n_side] = c[i];
        n_side += (b >= hi) & (b <= lo) ? 1 : 0;
    }
    std::sort(side.begin(), side.begin() + std::ptrdiff_t(n_side), ranks_before);
    for (size_t i = 0; i < n_side; ++i) {
        cum += double(exp_nonpos(side[i].x - nz.m));
        if (cum >= target) return side[i];
    }
    return n_side == 0 ? kKeepAll : side[n_side - 1];
}

// Appends {x[i], i0 + i} to out for the finite x[i] >= floor, i < n, in order; returns how many.
// The top-k scan calls it on the blocks reaching its floor, where one or two values in 64 go in.
GD_FMV_DEFAULT size_t append_at_or_above(const float* x, int64_t n, int32_t i0, float floor, Candidate* out) {
    size_t k = 0;
    for (int64_t i = 0; i < n; ++i) {  // without a branch
        out[k] = {x[i], i0 + int32_t(i)};
        k += (x[i] >= floor) & (x[i] > -kInf) ? 1 : 0;
    }
    return k;
}
#if GD_FMV
// With AVX-512 (chosen at load time): sixteen compares at a time into a bit mask, then one step
// per value that goes in.
__attribute__((target("avx512f"))) size_t append_at_or_above(const float* x, int64_t n, int32_t i0, float floor,
                                                              Candidate* out) {
    const __m512 lo = _mm512_set1_ps(floor), ninf = _mm512_set1_ps(-kInf);
    size_t k = 0;
    for (int64_t j = 0; j < n; j += 16) {
        __mmask16 live = n - j >= 16 ? __mmask16(0xffff) : __mmask16((1u << (n - j)) - 1);
        __m512 v = _mm512_maskz_loadu_ps(live, x + j);
        unsigned m = _mm512_mask_cmp_ps_mask(_mm512_mask_cmp_ps_mask(live, v, lo, _CMP_GE_OQ), v, ninf, _CMP_GT_OQ);
        for (; m != 0; m &= m - 1) {
            int t = __builtin_ctz(m);
            out[k++] = {x[j + t], i0 + int32_t(j + t)};
        }
    }
    return k;
}
#endif

// Top-k of a row from its scaled logits (sc.row) and block maxima (sc.maxima), into sc.pool,
// unsorted; returns how many (k, or fewer when the row has fewer finite values). The k-th
// largest of the maxima of any k disjoint groups is a floor for the k-th largest value (each of
// those groups holds a value at least that large). A first floor comes cheaply from groups of 8
// blocks; the blocks reaching it (about a hundred) give a second, higher one, the k-th largest of
// their own maxima; only the blocks reaching that one (k, plus ties) are scanned, and only their
// values at or above it are candidates (a little over k). The candidates then give the k best in
// rank order (larger value, then lower index); -inf never enters.
size_t top_k_of_row(Scratch& sc, int64_t vocab, int64_t blocks, int64_t k) {
    const float* row = sc.row.data();
    const float* maxima = sc.maxima.data();
    auto kth_largest = [&](std::vector<float>& v) {
        std::nth_element(v.begin(), v.begin() + (k - 1), v.end(), std::greater<float>());
        return v[size_t(k - 1)];
    };
    float floor = -kInf;
    const int64_t groups = (blocks + 7) / 8;
    auto& order = sc.order;
    if (k <= groups) {
        order.clear();
        for (int64_t g = 0; g < groups; ++g) {
            float m = -kInf;
            for (int64_t b = 8 * g; b < std::min(blocks, 8 * g + 8); ++b) m = std::max(m, maxima[b]);
            order.push_back(m);
        }
        floor = kth_largest(order);
    }
    auto& reach = sc.reach;  // the finite blocks whose maximum reaches the floor
    reach.clear();
    for (int64_t b = 0; b < blocks; ++b)
        if (maxima[b] >= floor && maxima[b] > -kInf) reach.push_back(int32_t(b));
    if (int64_t(reach.size()) > k) {  // the second floor
        order.clear();
        for (int32_t b : reach) order.push_back(maxima[b]);
        floor = kth_largest(order);
    }
    size_t room = 0;
    for (int32_t b : reach) room += maxima[b] >= floor ? size_t(kBlock) : 0;
    if (sc.pool.size() < room) sc.pool.resize(room);
    Candidate* out = sc.pool.data();
    size_t n = 0;
    for (int32_t b : reach) {
        if (maxima[b] < floor) continue;
        int64_t i0 = b * kBlock;
        n += append_at_or_above(row + i0, std::min(kBlock, vocab - i0), int32_t(i0), floor, out + n);
    }
    if (n > size_t(k)) {
        std::nth_element(out, out + (k - 1), out + n, ranks_before);
        n = size_t(k);
    }
    return n;
}

// argmax of a row, lowest index on ties, one read (chunks through L1).
template <class T>
Draw greedy_row(const T* z, int64_t vocab, float* buf) {
    float best = -kInf;
    int64_t best_i = -1, ties = 0;
    for (int64_t c0 = 0; c0 < vocab; c0 += kChunk) {
        int64_t n = std::min(kChunk, vocab - c0);
        float cm = chunk_load_max(z + c0, n, 1.0f, buf);
        if (cm < best || cm == -kInf) continue;
        int64_t count = 0;
#pragma omp simd reduction(+ : count)
        for (int64_t i = 0; i < n; ++i) count += buf[i] == cm ? 1 : 0;
        if (cm > best) {
            int64_t i = 0;
            while (buf[i] != cm) ++i;
            best = cm;
            best_i = c0 + i;
            ties = 0;
        }
        ties += count;
    }
    if (best == -kInf) return {-1, NAN, 0.0f};
    // T -> 0 limit of softmax(z/T): uniform over the tied maxima.
    return {int32_t(best_i), -std::log(float(ties)), 1.0f};
}

// Temperature alone (the study's setting): Gumbel-max over the whole row in one read, the
// logsumexp merged along for the drawn token's log-prob; a chunk whose max plus the largest
// possible Gumbel noise cannot beat the best key so far gets no keys.
template <class T>
Draw plain_row(const T* z, int64_t vocab, float inv_t, const DrawKey& key, Scratch& sc) {
    float* buf = sc.buf.data();
    LseState st;
    float best_key = -kInf;
    int64_t best_i = -1;
    for (int64_t c0 = 0; c0 < vocab; c0 += kChunk) {
        int64_t n = std::min(kChunk, vocab - c0);
        float cm = chunk_load_max(z + c0, n, inv_t, buf);
        prefetch_chunk(z, c0 + kChunk, vocab);  // fetched while this chunk's exp sum and keys run
        if (cm == -kInf) continue;
        lse_merge(st, cm, chunk_sum_exp(buf, n, cm));
        if (cm + kGumbelMax <= best_key) continue;  // no token here can win
        int64_t n_pad = (n + 3) & ~int64_t(3);
        for (int64_t i = n; i < n_pad; ++i) buf[i] = -kInf;
        float chunk_best = chunk_gumbel_keys(buf, n_pad, c0, key, sc.bits.data(), sc.keys.data());
        if (chunk_best > best_key) {  // the first index holding it: lowest index on ties
            int64_t i = 0;
            while (sc.keys[i] != chunk_best) ++i;
            best_key = chunk_best;
            best_i = c0 + i;
        }
    }
    if (st.m == -kInf) return {-1, NAN, 0.0f};
    const LogNorm nz = log_norm(st.m, st.s);
    return {int32_t(best_i), nz.logp(load_logit(z, best_i) * inv_t), 1.0f};
}

// Top-p's cut of the candidates cands[0, kept) (top-k's set, or the threshold's): the fewest,
// in rank order, whose mass reaches top_p of the distribution (of top-k's set when top-k ran
// first). Returns how many stay, first in cands.
size_t top_p_cut(Candidate* cands, size_t kept, const LogNorm& nz, float rel, const gd_sampling_params& p, bool top_k,
                 Scratch& sc) {
    auto prob = [&](float x) { return std::exp(double(nz.logp(x))); };
    if (!top_k && kept > kSortLimit) {
        // Those let in while the running max was lower than the final one may go at once.
        const float thr = nz.m + rel;
        kept = compact(cands, kept, [&](const Candidate& c) { return c.x >= thr; });
        Candidate last = top_p_boundary(cands, kept, nz, -rel, p.top_p, sc);
        return compact(cands, kept, [&](const Candidate& c) {  // ranking at or before the last kept
            return (c.x > last.x) | ((c.x == last.x) & (c.idx <= last.idx));
        });
    }
    std::sort(cands, cands + kept, ranks_before);
    double total = 1.0;  // the top-k set's mass when top-k ran first, else the whole distribution
    if (top_k) {
        total = 0.0;
        for (size_t i = 0; i < kept; ++i) total += prob(cands[i].x);
    }
    double cum = 0.0;
    for (size_t i = 0; i < kept; ++i) {
        cum += prob(cands[i].x);
        if (cum >= double(p.top_p) * total) return i + 1;
    }
    return kept;
}

// Top-k, top-p and min-p, in that order: one read of the row gathers the candidates (top-k keeps
// the scaled row and its block maxima to select its k from; top-p and min-p alone keep those
// within a threshold of the running max) and the logsumexp; then top-p's cut, min-p's floor
// against the most likely token, and Gumbel-max over what is kept.
template <class T>
Draw filtered_row(const T* z, int64_t vocab, const gd_sampling_params& p, float inv_t, const DrawKey& key, Scratch& sc) {
    const bool top_k = p.top_k > 0 && p.top_k < vocab;
    const bool top_p = p.top_p < 1.0f;
    const bool min_p = p.min_p > 0.0f;
    // Candidates for top-p / min-p without top-k: the kept set lies within
    // {x - lse >= log((1 - top_p) / V)} and {x - max >= log(min_p)}; the running max never
    // exceeds lse or the final max, so testing against it keeps a superset (margin for rounding).
    float rel = -kInf;
    if (top_p) rel = std::max(rel, std::log((1.0f - p.top_p) / float(vocab)) - 1e-3f);
    if (min_p) rel = std::max(rel, std::log(p.min_p) - 1e-3f);

    float* buf = sc.buf.data();
    float maxima[kChunk / kBlock];
    size_t n_cands = 0;  // the threshold's candidates, in sc.pool
    if (!top_k && sc.pool.size() < size_t(vocab)) sc.pool.resize(size_t(vocab));
    LseState st;
    const int64_t blocks = (vocab + kBlock - 1) / kBlock;
    if (top_k && sc.row.size() < size_t(vocab)) sc.row.resize(size_t(vocab));
    if (top_k && sc.maxima.size() < size_t(blocks)) sc.maxima.resize(size_t(blocks));
    for (int64_t c0 = 0; c0 < vocab; c0 += kChunk) {
        int64_t n = std::min(kChunk, vocab - c0);
        // top-k keeps the row and every chunk's block maxima (-inf ones too) for its selection
        if (top_k) buf = sc.row.data() + c0;  // kChunk is a multiple of kBlock
        float* block_max = top_k ? sc.maxima.data() + c0 / kBlock : maxima;
        float cm = chunk_load_block_maxima(z + c0, n, inv_t, buf, block_max);
        prefetch_chunk(z, c0 + kChunk, vocab);  // fetched while this chunk's exp sum and filters run
        if (cm == -kInf) continue;
        lse_merge(st, cm, chunk_sum_exp(buf, n, cm));
        if (!top_k) {
            float thr = st.m + rel;
            Candidate* out = sc.pool.data();  // sized to the vocabulary: written without a branch
            for_each_above(buf, n, maxima, std::nextafter(thr, -kInf), [&](int64_t i) {
                out[n_cands] = {buf[i], int32_t(c0 + i)};
                n_cands += buf[i] >= thr ? 1 : 0;
            });
        }
    }
    if (st.m == -kInf) return {-1, NAN, 0.0f};
    const LogNorm nz = log_norm(st.m, st.s);

    size_t kept = top_k ? top_k_of_row(sc, vocab, blocks, p.top_k) : n_cands;  // may grow the pool
    Candidate* cands = sc.pool.data();
    if (top_p) kept = top_p_cut(cands, kept, nz, rel, p, top_k, sc);
    else std::sort(cands, cands + kept, ranks_before);
    if (min_p) {  // against the most likely token, whose x is the row's max: it always stays
        const float floor_x = nz.m + std::log(p.min_p);
        kept = compact(cands, kept, [&](const Candidate& c) { return c.x >= floor_x; });
    }
    Draw d = gumbel_max_of(cands, kept, nz, key, sc);
    d.logprob = nz.logp(load_logit(z, d.token) * inv_t);
    return d;
}

// One row's draw: greedy at temperature 0, else Gumbel-max over the row (plain) or over what
// the filters keep.
template <class T>
Draw sample_row(const T* z, int64_t vocab, const gd_sampling_params& p, const DrawKey& key, Scratch& sc) {
    if (p.temperature == 0.0f) return greedy_row(z, vocab, sc.buf.data());
    const float inv_t = 1.0f / p.temperature;
    const bool filtered = (p.top_k > 0 && p.top_k < vocab) || p.top_p < 1.0f || p.min_p > 0.0f;
    return filtered ? filtered_row(z, vocab, p, inv_t, key, sc) : plain_row(z, vocab, inv_t, key, sc);
}

template <class T>
void sample_rows(const T* logits, int64_t rows, int64_t vocab, int64_t stride, const int64_t* row_ids,
                 const gd_sampling_params& p, int32_t* out_tokens, float* out_logprobs, float* out_kept,
                 int threads) {
    parallel_for(rows, threads, vocab, [&](int64_t r0, int64_t r1) {
        Scratch sc;
        for (int64_t r = r0; r < r1; ++r) {
            DrawKey key = draw_key(p.seed, row_ids ? row_ids[r] : r, p.step);
            Draw d = sample_row(logits + r * stride, vocab, p, key, sc);
            out_tokens[r] = d.token;
            out_logprobs[r] = d.logprob;
            if (out_kept) out_kept[r] = d.kept_mass;
        }
    });
}

}  // namespace

gd_status sample(const gd_context* ctx, const void* logits, int32_t dtype, int64_t rows, int64_t vocab,
                 int64_t row_stride, const int64_t* row_ids, const gd_sampling_params* p, int32_t* out_tokens,
                 float* out_logprobs, float* out_kept_mass) {
    int threads = resolve_threads(ctx ? ctx->num_threads : 0);
    if (dtype == GD_BF16)
        sample_rows(static_cast<const uint16_t*>(logits), rows, vocab, row_stride, row_ids, *p, out_tokens,
                    out_logprobs, out_kept_mass, threads);
    else
        sample_rows(static_cast<const float*>(logits), rows, vocab, row_stride, row_ids, *p, out_tokens,
                    out_logprobs, out_kept_mass, threads);
    return GD_OK;
}

}  // namespace gendiv::cpu
