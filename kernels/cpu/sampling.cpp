// Sampling on the CPU: temperature, top-k, top-p, min-p, then Gumbel-max over the kept set
// with Philox noise countered by (row id, step, token), so a row's token depends only on its
// own logits, seed, row id and step (never on batch layout or thread count).
//
// One read of each row: the chunk loop keeps an online logsumexp and either the running
// Gumbel argmax (no filter) or a candidate set that provably contains the kept set (a top-k
// heap, or every token within the filters' threshold of the running max); the filters then
// run on the candidates only.
#include <algorithm>
#include <cmath>

#include "cpu.h"

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

// The top-k candidates so far as a binary heap with the worst-ranked on top: a better candidate
// replaces the top and sifts down once (one walk instead of pop_heap + push_heap).
struct TopK {
    std::vector<Candidate>& h;
    void push(Candidate c) {
        h.push_back(c);
        std::push_heap(h.begin(), h.end(), ranks_before);
    }
    void replace_top(Candidate c) {
        size_t n = h.size(), i = 0;
        for (;;) {
            size_t l = 2 * i + 1, r = l + 1, worst = i;
            Candidate w = c;
            if (l < n && ranks_before(w, h[l])) worst = l, w = h[l];
            if (r < n && ranks_before(w, h[r])) worst = r;
            if (worst == i) break;
            h[i] = h[worst];
            i = worst;
        }
        h[i] = c;
    }
};

struct Scratch {
    std::vector<float> buf = std::vector<float>(kChunk);
    std::vector<float> keys = std::vector<float>(kChunk);
    std::vector<uint32_t> bits = std::vector<uint32_t>(kChunk);
    std::vector<Candidate> cands;
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

// Calls f(i) for the indices of buf[0, n) whose value may exceed floor (floor may rise as f runs;
// f checks again), skipping blocks of 64 whose vectorised max does not: the filters keep a few
// tokens in tens of thousands, so most blocks cost one vector compare.
template <class F>
inline void for_each_above(const float* buf, int64_t n, const float& floor, F f) {
    constexpr int64_t kBlock = 64;
    for (int64_t b0 = 0; b0 < n; b0 += kBlock) {
        int64_t b1 = std::min(n, b0 + kBlock);
        float m = -kInf;
#pragma omp simd reduction(max : m)
        for (int64_t i = b0; i < b1; ++i) m = buf[i] > m ? buf[i] : m;
        if (m <= floor) continue;
        for (int64_t i = b0; i < b1; ++i) f(i);
    }
}

struct Draw {
    int32_t token;
    float logprob, kept_mass;
};

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

template <class T>
Draw sample_row(const T* z, int64_t vocab, const gd_sampling_params& p, const DrawKey& key, Scratch& sc) {
    if (p.temperature == 0.0f) return greedy_row(z, vocab, sc.buf.data());
    const float inv_t = 1.0f / p.temperature;
    const bool top_k = p.top_k > 0 && p.top_k < vocab;
    const bool top_p = p.top_p < 1.0f;
    const bool min_p = p.min_p > 0.0f;
    const bool filtered = top_k || top_p || min_p;
    // Candidates for top-p / min-p without top-k: the kept set lies within
    // {x - lse >= log((1 - top_p) / V)} and {x - max >= log(min_p)}; the running max never
    // exceeds lse or the final max, so testing against it keeps a superset (margin for rounding).
    float rel = -kInf;
    if (top_p) rel = std::max(rel, std::log((1.0f - p.top_p) / float(vocab)) - 1e-3f);
    if (min_p) rel = std::max(rel, std::log(p.min_p) - 1e-3f);

    float* buf = sc.buf.data();
    sc.cands.clear();
    LseState st;
    float best_key = -kInf;
    int64_t best_i = -1;
    float heap_floor = -kInf;  // top-k: the k-th best value once the heap is full (-inf never enters)
    for (int64_t c0 = 0; c0 < vocab; c0 += kChunk) {
        int64_t n = std::min(kChunk, vocab - c0);
        float cm = chunk_load_max(z + c0, n, inv_t, buf);
        if (cm == -kInf) continue;
        lse_merge(st, cm, chunk_sum_exp(buf, n, cm));
        if (!filtered) {
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
        } else if (top_k) {
            TopK heap{sc.cands};
            for_each_above(buf, n, heap_floor, [&](int64_t i) {
                if (buf[i] <= heap_floor) return;  // equal values: the earlier index stays
                Candidate c{buf[i], int32_t(c0 + i)};
                if (int64_t(heap.h.size()) < p.top_k) heap.push(c);
                else heap.replace_top(c);
                if (int64_t(heap.h.size()) == p.top_k) heap_floor = heap.h.front().x;
            });
        } else {
            float thr = st.m + rel;
            for_each_above(buf, n, std::nextafter(thr, -kInf), [&](int64_t i) {
                if (buf[i] >= thr) sc.cands.push_back({buf[i], int32_t(c0 + i)});
            });
        }
    }
    if (st.m == -kInf) return {-1, NAN, 0.0f};
    const LogNorm nz = log_norm(st.m, st.s);
    auto prob = [&](float x) { return std::exp(double(nz.logp(x))); };
    if (!filtered) return {int32_t(best_i), nz.logp(load_logit(z, best_i) * inv_t), 1.0f};

    auto& cands = sc.cands;
    std::sort(cands.begin(), cands.end(), ranks_before);
    size_t kept = cands.size();
    if (top_p) {
        double total = 1.0;  // the top-k set's mass when top-k ran first, else the whole distribution
        if (top_k) {
            total = 0.0;
            for (const auto& c : cands) total += prob(c.x);
        }
        double cum = 0.0;
        for (size_t i = 0; i < cands.size(); ++i) {
            cum += prob(cands[i].x);
            if (cum >= double(p.top_p) * total) {
                kept = i + 1;
                break;
            }
        }
    }
    if (min_p) {
        float floor_x = cands[0].x + std::log(p.min_p);
        size_t i = 1;
        while (i < kept && cands[i].x >= floor_x) ++i;
        kept = i;
    }
    double mass = 0.0;
    float best = -kInf;
    int32_t token = -1;
    for (size_t i = 0; i < kept; ++i) {
        mass += prob(cands[i].x);
        float k = cands[i].x + token_gumbel(key, cands[i].idx);
        if (k > best || (k == best && cands[i].idx < token)) {
            best = k;
            token = cands[i].idx;
        }
    }
    if (token < 0) token = cands[0].idx;  // only when every kept logit is -inf: cannot happen
    return {token, nz.logp(load_logit(z, token) * inv_t), float(mass)};
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
