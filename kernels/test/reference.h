// Float64 references of the kernels' formulas, written independently of kernels/include, and
// a tiny check harness shared by the ctest programs.
#ifndef GENDIV_TEST_REFERENCE_H
#define GENDIV_TEST_REFERENCE_H

#include <cmath>
#include <cstdio>
#include <limits>
#include <random>
#include <vector>

namespace ref {

inline int g_failures = 0;
inline void check(bool ok, const char* what, double got, double want, double tol) {
    if (!ok) {
        ++g_failures;
        std::printf("FAIL %s: got %.9g want %.9g (tol %.3g)\n", what, got, want, tol);
    }
}
inline void close(const char* what, double got, double want, double atol = 1e-4, double rtol = 1e-4) {
    bool ok = (std::isnan(got) && std::isnan(want)) || got == want || std::fabs(got - want) <= atol + rtol * std::fabs(want);
    check(ok, what, got, want, atol + rtol * std::fabs(want));
}

inline double lse(const float* z, int64_t v, double t) {
    double m = -INFINITY;
    for (int64_t i = 0; i < v; ++i) m = std::max(m, z[i] / t);
    if (m == -INFINITY) return m;
    double s = 0;
    for (int64_t i = 0; i < v; ++i) s += std::exp(z[i] / t - m);
    return m + std::log(s);
}
inline double entropy(const float* z, int64_t v, double t) {
    double l = lse(z, v, t), h = 0;
    for (int64_t i = 0; i < v; ++i) {
        double lp = z[i] / t - l;
        if (std::isfinite(lp)) h -= std::exp(lp) * lp;
    }
    return h;
}
inline double kl(const float* a, const float* b, int64_t v, double t) {
    double la = lse(a, v, t), lb = lse(b, v, t), k = 0;
    for (int64_t i = 0; i < v; ++i) {
        double lpa = a[i] / t - la, lpb = b[i] / t - lb;
        if (std::isfinite(lpa)) k += std::exp(lpa) * (lpa - lpb);
    }
    return k;
}

inline std::vector<float> normal(std::mt19937_64& rng, size_t n, double scale) {
    std::normal_distribution<double> d(0.0, scale);
    std::vector<float> x(n);
    for (auto& v : x) v = float(d(rng));
    return x;
}

}  // namespace ref

#endif
