// ctest: every kernel of the C ABI on the CPU against float64 references (reference.h).
// Build and run: cmake -S native -B build/native && cmake --build build/native -j && ctest --test-dir build/native
#include <algorithm>
#include <cstring>
#include <thread>

#include "gendiv.h"
#include "gendiv/math.h"
#include "reference.h"

using ref::close;

static void test_logprobs(std::mt19937_64& rng) {
    for (int64_t vocab : {1, 7, 1000, 5003}) {
        const int64_t n = 5;
        auto z = ref::normal(rng, size_t(n * vocab), 3.0);
        if (vocab > 2) z[2] = -INFINITY;
        std::vector<int32_t> y(n);
        for (int64_t i = 0; i < n; ++i) y[i] = int32_t((i * 7919) % vocab);
        if (vocab > 2) y[0] = 3;  // z[2] is -inf, so keep targets off it
        std::vector<float> lp(n), h(n);
        gd_context ctx{-1, 2, nullptr};
        if (gd_token_logprobs(&ctx, z.data(), GD_F32, n, vocab, vocab, y.data(), 0.7f, lp.data(), h.data()) != GD_OK)
            std::printf("FAIL logprobs: %s\n", gd_last_error()), ++ref::g_failures;
        for (int64_t i = 0; i < n; ++i) {
            const float* row = z.data() + i * vocab;
            close("logprob", lp[i], row[y[i]] / 0.7 - ref::lse(row, vocab, 0.7));
            close("entropy", h[i], ref::entropy(row, vocab, 0.7));
        }
    }
}

static void test_kl_exact(std::mt19937_64& rng) {
    const int64_t n = 4, vocab = 3001;
    auto a = ref::normal(rng, n * vocab, 2.0), b = ref::normal(rng, n * vocab, 2.0);
    std::vector<float> out(n);
    if (gd_kl_exact(nullptr, a.data(), b.data(), GD_F32, n, vocab, vocab, vocab, 1.3f, out.data()) != GD_OK)
        std::printf("FAIL kl_exact: %s\n", gd_last_error()), ++ref::g_failures;
    for (int64_t i = 0; i < n; ++i) close("kl_exact", out[i], ref::kl(a.data() + i * vocab, b.data() + i * vocab, vocab, 1.3));
}

static void test_ppo(std::mt19937_64& rng) {
    const int64_t n = 6, vocab = 1037;
    const double t = 0.9, eps = 0.2, c_ent = 0.01;
    auto z = ref::normal(rng, n * vocab, 2.0);
    std::vector<int32_t> act(n);
    std::vector<float> old(n), adv(n), mask = {1, 1, 0, 1, 1, 1};
    std::uniform_real_distribution<double> u(-0.5, 0.5);
    for (int64_t i = 0; i < n; ++i) {
        act[i] = int32_t((i * 131) % vocab);
        double lp = z[i * vocab + act[i]] / t - ref::lse(&z[i * vocab], vocab, t);
        old[i] = float(lp + u(rng));
        adv[i] = float(2 * u(rng));
    }
    gd_ppo_params p{float(t), float(eps), float(eps), 0.0f, float(c_ent), 20.0f};
    std::vector<float> grad(n * vocab);
    gd_ppo_stats st{};
    if (gd_ppo_loss(nullptr, z.data(), GD_F32, n, vocab, vocab, act.data(), old.data(), adv.data(), mask.data(), &p,
                    grad.data(), &st) != GD_OK)
        std::printf("FAIL ppo: %s\n", gd_last_error()), ++ref::g_failures;
    double msum = 0, loss = 0;
    for (int64_t i = 0; i < n; ++i) msum += mask[i];
    for (int64_t i = 0; i < n; ++i) {
        if (mask[i] == 0) {
            for (int64_t v = 0; v < vocab; ++v) close("ppo grad masked", grad[i * vocab + v], 0.0);
            continue;
        }
        const float* row = &z[i * vocab];
        double l = ref::lse(row, vocab, t), h = ref::entropy(row, vocab, t);
        double lp = row[act[i]] / t - l, ratio = std::exp(lp - old[i]);
        double a1 = -adv[i] * ratio, a2 = -adv[i] * std::min(std::max(ratio, 1 - eps), 1 + eps);
        double g = a2 > a1 ? 0.0 : -adv[i] * ratio;
        loss += std::max(a1, a2) / msum - c_ent * h / msum;
        for (int64_t v = 0; v < vocab; ++v) {
            double pv = std::exp(row[v] / t - l), lpv = row[v] / t - l;
            double want = (g * ((v == act[i]) - pv) + c_ent * pv * (lpv + h)) / t / msum;
            close("ppo grad", grad[i * vocab + v], want, 1e-6, 1e-3);
        }
    }
    close("ppo loss", st.loss, loss);
}

static void test_gae_whiten_value() {
    // Hand-worked GAE, gamma = 1, lambda = 0.5, one sequence of 3 then a masked tail:
    // delta2 = 1 - 0.5 = 0.5; delta1 = 0 + 0.5 - 0.2 = 0.3; delta0 = 0 + 0.2 - 0.1 = 0.1
    // A2 = 0.5; A1 = 0.3 + 0.25 = 0.55; A0 = 0.1 + 0.275 = 0.375.
    float r[4] = {0, 0, 1, 9}, v[4] = {0.1f, 0.2f, 0.5f, 7}, m[4] = {1, 1, 1, 0}, a[4], ret[4];
    if (gd_gae(nullptr, r, v, m, 1, 4, 1.0f, 0.5f, a, ret) != GD_OK) ++ref::g_failures;
    close("gae A0", a[0], 0.375);
    close("gae A1", a[1], 0.55);
    close("gae A2", a[2], 0.5);
    close("gae masked", a[3], 0.0);
    close("gae R0", ret[0], 0.475);
    // Whitening of {1, 2, 3} (mask drops the 100): mean 2, Bessel var 1 -> {-1, 0, 1}.
    float x[4] = {1, 2, 100, 3}, wm[4] = {1, 1, 0, 1}, w[4];
    if (gd_masked_whiten(nullptr, x, wm, 4, 1, w) != GD_OK) ++ref::g_failures;
    close("whiten", w[0], -1.0);
    close("whiten", w[3], 1.0);
    close("whiten masked", w[2], 0.0);
    // Value loss: v = 1.5, v_old = 1, R = 2, eps = 0.2: unclipped 0.25, clipped (1.2-2)^2 = 0.64 -> 0.5*0.64.
    float vv = 1.5f, vo = 1.0f, rr = 2.0f, mm = 1.0f, g;
    gd_value_stats vs{};
    if (gd_value_loss(nullptr, &vv, &vo, &rr, &mm, 1, 0.2f, &g, &vs) != GD_OK) ++ref::g_failures;
    close("value loss", vs.loss, 0.32);
    close("value grad", g, 0.0);
}

// One gd_sample call on `threads` threads.
struct Draws {
    std::vector<int32_t> tokens;
    std::vector<float> logprobs, kept;
};
static Draws sample(int threads, const std::vector<float>& z, int64_t rows, int64_t vocab,
                    const gd_sampling_params& p) {
    Draws d{std::vector<int32_t>(rows), std::vector<float>(rows), std::vector<float>(rows)};
    gd_context ctx{-1, threads, nullptr};
    if (gd_sample(&ctx, z.data(), GD_F32, rows, vocab, vocab, nullptr, &p, d.tokens.data(), d.logprobs.data(),
                  d.kept.data()) != GD_OK)
        std::printf("FAIL sample: %s\n", gd_last_error()), ++ref::g_failures;
    return d;
}

static void test_sampling(std::mt19937_64& rng) {
    const int64_t rows = 8, vocab = 50257;
    auto z = ref::normal(rng, rows * vocab, 2.0);
    gd_sampling_params p{1.0f, 0, 1.0f, 0.0f, 1234, 7};
    Draws one = sample(1, z, rows, vocab, p), two = sample(2, z, rows, vocab, p);
    for (int64_t r = 0; r < rows; ++r) {
        ref::check(one.tokens[r] == two.tokens[r], "sample thread-count invariance", one.tokens[r], two.tokens[r], 0);
        close("sample logprob", two.logprobs[r], z[r * vocab + two.tokens[r]] - ref::lse(&z[r * vocab], vocab, 1.0));
    }
    p.temperature = 0.0f;
    Draws greedy = sample(2, z, rows, vocab, p);
    for (int64_t r = 0; r < rows; ++r) {
        int64_t best = 0;
        for (int64_t v = 1; v < vocab; ++v)
            if (z[r * vocab + v] > z[r * vocab + best]) best = v;
        ref::check(greedy.tokens[r] == best, "greedy argmax", greedy.tokens[r], double(best), 0);
    }
}

// Top-k (+ top-p) rows: every token lies in the float64 kept set (the k largest of z/T by value,
// then index; then the shortest prefix reaching top_p of their mass) and the kept mass matches,
// on rows with a whole chunk of -inf and with ties at the k-th value; one and two threads agree.
// These do not depend on the Gumbel noise, so they also check builds whose top-k scan differs
// (GENDIV_NO_CLONES: the portable loop instead of AVX-512 masks).
static void test_sampling_top_k(std::mt19937_64& rng) {
    const int64_t rows = 12, vocab = 50257;
    auto z = ref::normal(rng, rows * vocab, 3.0);
    for (int64_t i = 0; i < 1024; ++i) z[1 * vocab + 2048 + i] = -INFINITY;  // row 1: a dead chunk
    for (int64_t i = 0; i < 80; ++i) z[2 * vocab + 97 * i] = 9.5f;           // row 2: 80 ties near the top
    struct Case {
        int32_t k;
        float top_p, t;
    };
    std::vector<std::vector<int32_t>> orders(rows, std::vector<int32_t>(vocab));  // by value, then index
    for (int64_t r = 0; r < rows; ++r) {
        const float* row = &z[r * vocab];
        for (int32_t i = 0; i < vocab; ++i) orders[r][i] = i;
        std::stable_sort(orders[r].begin(), orders[r].end(), [&](int32_t a, int32_t b) { return row[a] > row[b]; });
    }
    for (Case c : {Case{1, 1.0f, 1.0f}, Case{50, 1.0f, 0.8f}, Case{50, 0.9f, 0.8f}, Case{1000, 0.95f, 1.3f}}) {
        gd_sampling_params p{c.t, c.k, c.top_p, 0.0f, 77, 5};
        Draws one = sample(1, z, rows, vocab, p), two = sample(2, z, rows, vocab, p);
        for (int64_t r = 0; r < rows; ++r) {
            const float* row = &z[r * vocab];
            const std::vector<int32_t>& order = orders[r];
            const double lse = ref::lse(row, vocab, c.t);
            auto prob = [&](int32_t i) { return std::exp(row[i] / double(c.t) - lse); };
            size_t kept = size_t(c.k);
            double total = 0.0, cum = 0.0;
            for (size_t i = 0; i < kept; ++i) total += prob(order[i]);
            for (size_t i = 0; i < kept; ++i) {
                cum += prob(order[i]);
                if (cum >= double(c.top_p) * total) {
                    kept = i + 1;
                    break;
                }
            }
            double mass = 0.0;
            bool in = false;
            for (size_t i = 0; i < kept; ++i) {
                mass += prob(order[i]);
                in |= order[i] == two.tokens[r];
            }
            ref::check(in, "top-k token in the kept set", two.tokens[r], order[0], 0);
            ref::check(one.tokens[r] == two.tokens[r], "top-k thread-count invariance", one.tokens[r],
                       two.tokens[r], 0);
            close("top-k kept mass", two.kept[r], mass, 1e-5, 1e-5);
            close("top-k logprob", two.logprobs[r], row[two.tokens[r]] / double(c.t) - lse, 1e-5, 1e-5);
        }
    }
}

// exp2_fast (the sampler's logsumexp terms) against float64 exp2 over its whole range, with
// its two documented edges: exactly 1 at 0, and 2^-126 below -126 (-inf included).
static void test_exp2_fast() {
    double worst = 0.0;
    for (int i = 0; i <= 2000000; ++i) {
        float y = -126.0f + 253.0f * float(i) / 2000000.0f;  // [-126, 127]
        worst = std::max(worst, std::fabs(double(gendiv::exp2_fast(y)) / std::exp2(double(y)) - 1.0));
    }
    ref::check(worst <= 2.5e-7, "exp2_fast max relative error", worst, 2.5e-7, 0);
    ref::check(gendiv::exp2_fast(0.0f) == 1.0f, "exp2_fast(0)", gendiv::exp2_fast(0.0f), 1.0, 0);
    ref::check(gendiv::exp2_fast(-INFINITY) == std::ldexp(1.0f, -126), "exp2_fast(-inf)", gendiv::exp2_fast(-INFINITY),
               std::ldexp(1.0, -126), 0);
}

// Several threads calling multi-threaded kernels at once: one call holds the thread pool, the
// others start threads of their own; every result must equal the one-thread call's.
static void test_concurrent_calls(std::mt19937_64& rng) {
    const int64_t rows = 16, vocab = 5003;
    auto z = ref::normal(rng, rows * vocab, 3.0);
    gd_sampling_params p{0.9f, 40, 0.95f, 0.0f, 99, 3};
    const Draws want = sample(1, z, rows, vocab, p);
    std::vector<int> bad(4, 0);
    std::vector<std::thread> callers;
    for (int c = 0; c < 4; ++c) {
        callers.emplace_back([&, c] {
            gd_context ctx{-1, 2 + c, nullptr};
            std::vector<int32_t> tok(rows);
            std::vector<float> lp(rows);
            for (int rep = 0; rep < 50; ++rep) {
                gd_sample(&ctx, z.data(), GD_F32, rows, vocab, vocab, nullptr, &p, tok.data(), lp.data(), nullptr);
                for (int64_t r = 0; r < rows; ++r)
                    bad[size_t(c)] += tok[r] != want.tokens[r] || lp[r] != want.logprobs[r];
            }
        });
    }
    for (auto& t : callers) t.join();
    for (int c = 0; c < 4; ++c)
        ref::check(bad[size_t(c)] == 0, "concurrent calls agree with one thread", bad[size_t(c)], 0, 0);
}

static void test_errors() {
    float z[4] = {0, 1, 2, 3}, lp;
    int32_t tok;
    gd_sampling_params p{NAN, 0, 1.0f, 0.0f, 1, 0};
    gd_status s = gd_sample(nullptr, z, GD_F32, 1, 4, 4, nullptr, &p, &tok, &lp, nullptr);
    ref::check(s == GD_ERR_INVALID_ARGUMENT && std::strstr(gd_last_error(), "temperature"), "NaN temperature error",
               s, GD_ERR_INVALID_ARGUMENT, 0);
    gd_context gpu{0, 0, nullptr};
    p.temperature = 1.0f;
    s = gd_sample(&gpu, z, GD_F32, 1, 4, 4, nullptr, &p, &tok, &lp, nullptr);
    if (gd_cuda_device_count() == 0)
        ref::check(s == GD_ERR_NO_CUDA_DEVICE && std::strstr(gd_last_error(), "no CUDA device"), "no CUDA device",
                   s, GD_ERR_NO_CUDA_DEVICE, 0);
}

int main() {
    std::mt19937_64 rng(42);
    test_logprobs(rng);
    test_kl_exact(rng);
    test_ppo(rng);
    test_gae_whiten_value();
    test_sampling(rng);
    test_sampling_top_k(rng);
    test_exp2_fast();
    test_concurrent_calls(rng);
    test_errors();
    std::printf("%s (%d failures)\n", ref::g_failures ? "FAILED" : "passed", ref::g_failures);
    return ref::g_failures ? 1 : 0;
}
