package org.gendiv.core.study;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.gendiv.core.checkpoint.AtomicFiles;
import org.gendiv.core.checkpoint.TextFiles;
import org.gendiv.core.io.Configs;
import org.gendiv.core.model.Devices;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.bytedeco.pytorch.global.torch;

/**
 * results.json: the config, each seed's results, and their combination. With one seed the
 * combined numbers carry the bootstrap CI over inputs; with several, each is the mean over seeds
 * with a t-based 95% CI over the seeds' means. Leaves are {"mean": x, "ci95": [lo, hi]}.
 */
public final class Results {
    private Results() {}

    static JsonObject combine(StudyConfig c, List<JsonObject> perSeed, Map<String, Double> timings) {
        JsonObject r = new JsonObject();
        r.add("config", Configs.toJson(c));
        JsonArray seeds = new JsonArray(), each = new JsonArray();
        for (JsonObject s : perSeed) {
            seeds.add(s.get("seed"));
            each.add(s);
        }
        r.add("seeds", seeds);
        List<JsonObject> tasks = new ArrayList<>();
        for (JsonObject s : perSeed) tasks.add(s.getAsJsonObject("tasks"));
        JsonObject combined = perSeed.size() == 1 ? tasks.get(0).deepCopy() : (JsonObject) combineTrees(tasks);
        if (perSeed.size() > 1) {  // pass / fail is per seed: each seed's checks kept, failures named with their seed
            List<Long> seedList = new ArrayList<>();
            for (JsonObject s : perSeed) seedList.add(s.get("seed").getAsLong());
            for (String task : combined.keySet()) {
                List<JsonObject> blocks = new ArrayList<>();
                for (JsonObject t : tasks)
                    if (t.getAsJsonObject(task).has("instruments")) blocks.add(t.getAsJsonObject(task).getAsJsonObject("instruments"));
                if (blocks.size() == tasks.size()) combined.getAsJsonObject(task).add("instruments", Instruments.combine(blocks, seedList));
            }
        }
        r.add("tasks", combined);
        r.add("per_seed", each);
        JsonObject t = new JsonObject();
        timings.forEach((k, v) -> t.addProperty(k, Math.round(v * 10) / 10.0));
        r.add("timings", t);
        r.add("platform", platform());
        return r;
    }

    /**
     * What decides the last bits of every number here besides the config: LibTorch's thread
     * count, the instruction set its CPU kernels dispatch to, and OpenBLAS's kernel (its
     * OPENBLAS_CORETYPE; the launcher pins AVX2 machines and AVX-512 ones alike to Haswell's).
     * Two runs with equal configs and equal platforms give the same results.json.
     */
    static JsonObject platform() {
        JsonObject p = new JsonObject();
        p.addProperty("device", Devices.cuda() ? "cuda" : "cpu");
        p.addProperty("threads", torch.get_num_threads());
        p.addProperty("aten_cpu_capability", torch.get_cpu_capability().getString());
        String core = System.getenv("OPENBLAS_CORETYPE");
        p.addProperty("openblas_coretype", core == null || core.isBlank() ? "detected" : core);
        p.addProperty("arch", System.getProperty("os.arch"));
        return p;
    }

    /**
     * Same-shaped trees: every {"mean", "ci95"} leaf becomes the mean over trees with a t 95% CI,
     * other numbers their mean, anything else comes from the first tree.
     */
    static JsonElement combineTrees(List<JsonObject> trees) {
        JsonObject first = trees.get(0);
        if (first.has("mean") && first.has("ci95")) {
            double[] v = new double[trees.size()];
            for (int i = 0; i < v.length; i++) v[i] = trees.get(i).get("mean").getAsDouble();
            return meanWithCi(v);
        }
        JsonObject out = new JsonObject();
        for (String k : first.keySet()) {
            if (k.equals("instruments")) continue;  // combined per seed (combine)
            JsonElement e = first.get(k);
            if (e.isJsonObject()) {
                List<JsonObject> sub = new ArrayList<>();
                for (JsonObject t : trees) sub.add(t.getAsJsonObject(k));
                out.add(k, combineTrees(sub));
            } else if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
                double sum = 0;  // a plain number (a training metric): its mean over seeds
                for (JsonObject t : trees) sum += t.get(k).getAsDouble();
                out.addProperty(k, sum / trees.size());
            } else out.add(k, e);
        }
        return out;
    }

    static JsonObject meanWithCi(double[] v) {
        int n = v.length;
        double m = 0, ss = 0;
        for (double x : v) m += x / n;
        for (double x : v) ss += (x - m) * (x - m);
        double half = n > 1 ? T975[Math.min(n - 1, T975.length - 1)] * Math.sqrt(ss / (n - 1) / n) : 0;
        JsonObject o = new JsonObject();
        o.addProperty("mean", m);
        JsonArray ci = new JsonArray();
        ci.add(m - half);
        ci.add(m + half);
        o.add("ci95", ci);
        return o;
    }

    /** Student's t 97.5% quantiles by degrees of freedom (index); the last entry is the normal's 1.96. */
    private static final double[] T975 = {Double.NaN, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262,
            2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 1.96};

    static void write(Path file, JsonObject results) throws IOException {
        AtomicFiles.writeString(file, gson().toJson(results) + "\n");
    }

    static com.google.gson.Gson gson() {
        return new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().disableHtmlEscaping().create();
    }

    public static JsonObject read(Path file) throws IOException {
        return JsonParser.parseString(TextFiles.read(file)).getAsJsonObject();
    }

    /** The mean of each key over the last ten metric lines that have it. */
    static JsonObject lastMetrics(Path metrics, String... keys) throws IOException {
        JsonObject o = new JsonObject();
        if (!Files.exists(metrics)) return o;
        List<String> lines = Files.readAllLines(metrics);
        for (String key : keys) {
            double sum = 0;
            int n = 0;
            for (int i = lines.size() - 1; i >= 0 && n < 10; i--) {
                if (lines.get(i).isBlank()) continue;
                JsonObject l = JsonParser.parseString(lines.get(i)).getAsJsonObject();
                if (l.has(key) && l.get(key).getAsJsonPrimitive().isNumber()) {
                    sum += l.get(key).getAsDouble();
                    n++;
                }
            }
            if (n > 0) o.addProperty(key, sum / n);
        }
        return o;
    }
}
