package org.gendiv.diversity.reference;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.gendiv.diversity.StudyWords;

/**
 * The straightforward versions of the lexical metrics (String n-grams in HashSets, NLTK-style
 * BLEU with a map per reference): the control the fast engine is tested against and the baseline
 * of its benchmark. Written from docs/study.md and NLTK's sentence_bleu, not from the engine.
 */
public final class NaiveDiversity {
    private NaiveDiversity() {}

    private static List<String> ngrams(List<String> words, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i + n <= words.size(); i++) out.add(String.join(" ", words.subList(i, i + n)));
        return out;
    }

    /** {N_n, C_n} for n = 1..5 over the set's texts. */
    public static long[][] counts(List<String> texts) {
        long[][] r = new long[5][2];
        for (int n = 1; n <= 5; n++) {
            Set<String> seen = new HashSet<>();
            long total = 0;
            for (String t : texts) {
                List<String> g = ngrams(StudyWords.words(t), n);
                seen.addAll(g);
                total += g.size();
            }
            r[n - 1][0] = seen.size();
            r[n - 1][1] = total;
        }
        return r;
    }

    /** Mean EAD_1..5 and mean distinct_1..5. */
    public static double[] eadAndDistinct(List<String> texts, double vocab) {
        long[][] c = counts(texts);
        double ead = 0, distinct = 0;
        for (long[] nc : c) {
            if (nc[1] == 0) continue;
            ead += nc[0] / (vocab * (1 - Math.pow((vocab - 1) / vocab, nc[1])));
            distinct += (double) nc[0] / nc[1];
        }
        return new double[] {ead / 5, distinct / 5};
    }

    private static Map<String, Integer> counter(List<String> words, int n) {
        Map<String, Integer> m = new HashMap<>();
        for (String g : ngrams(words, n)) m.merge(g, 1, Integer::sum);
        return m;
    }

    /** NLTK sentence_bleu(references, hypothesis), weights 0.25 x 4, smoothing method1 (epsilon 0.1). */
    public static double bleu(List<List<String>> refs, List<String> hyp) {
        double logSum = 0;
        for (int n = 1; n <= 4; n++) {
            Map<String, Integer> h = counter(hyp, n), maxRef = new HashMap<>();
            for (List<String> r : refs) counter(r, n).forEach((g, c) -> maxRef.merge(g, c, Math::max));
            long num = 0, den = 0;
            for (var e : h.entrySet()) {
                num += Math.min(e.getValue(), maxRef.getOrDefault(e.getKey(), 0));
                den += e.getValue();
            }
            den = Math.max(1, den);
            if (n == 1 && num == 0) return 0;
            logSum += 0.25 * Math.log(num == 0 ? 0.1 / den : (double) num / den);
        }
        int c = hyp.size(), r = -1;
        for (List<String> ref : refs) {
            int len = ref.size();
            if (r < 0 || Math.abs(len - c) < Math.abs(r - c) || (Math.abs(len - c) == Math.abs(r - c) && len < r)) r = len;
        }
        double bp = c > r ? 1 : (c == 0 ? 0 : Math.exp(1 - (double) r / c));
        return bp * Math.exp(logSum);
    }

    public static double selfBleu(List<String> texts) {
        List<List<String>> words = texts.stream().map(StudyWords::words).toList();
        double s = 0;
        for (int i = 0; i < words.size(); i++) {
            List<List<String>> refs = new ArrayList<>(words);
            refs.remove(i);
            s += bleu(refs, words.get(i));
        }
        return s / words.size();
    }
}
