package org.gendiv.core.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.bytedeco.pytorch.Tensor;
import org.gendiv.core.checkpoint.AtomicFiles;
import org.gendiv.core.checkpoint.TensorFiles;
import org.gendiv.core.checkpoint.TextFiles;

/**
 * A stage's run directory: config.json (every resolved setting), metrics.jsonl (one line per
 * logged step), checkpoint/ (everything a bit-exact resume needs), and model/ (the result).
 * A checkpoint is written to a fresh directory and swapped in by renames, so a kill at any
 * moment leaves the previous checkpoint or the new one, never a mix.
 */
public final class RunDir {
    public final Path root;

    public RunDir(Path root) {
        this.root = root;
    }

    public Path model() {
        return root.resolve("model");
    }

    public Path metrics() {
        return root.resolve("metrics.jsonl");
    }

    Path checkpoint() {
        return root.resolve("checkpoint");
    }

    /**
     * Starts a run: a fresh directory, or (resume) one that has a checkpoint, whose stored
     * config.json must equal this one (a changed setting is a new run). Writes config.json; a fresh
     * start drops the metrics of a run that was killed before its first checkpoint.
     */
    public void begin(JsonObject config, boolean resume) throws IOException {
        lock();
        if (!resume && (Files.exists(checkpoint()) || Files.exists(model())))
            throw new Configs.BadConfig(root + ": already holds a run; pass --resume to continue it, or choose another output directory");
        if (resume) Configs.requireSame(root.resolve("config.json"), config);
        Files.createDirectories(root);
        // A run killed before its first checkpoint left metrics and nothing to continue from: it starts over.
        if (!resume) Files.deleteIfExists(metrics());
        AtomicFiles.writeString(root.resolve("config.json"), Configs.pretty(config) + "\n");
    }

    /** The runs this process holds, by directory: a second process is refused, this one may begin again. */
    private static final Map<Path, FileLock> LOCKS = new ConcurrentHashMap<>();

    /**
     * Takes the directory's lock (the file .lock in it) for this process until {@link #release}
     * or exit; another process that holds it makes this an error, so two runs never write one
     * directory at once.
     */
    void lock() throws IOException {
        Path key = root.toAbsolutePath().normalize();
        release();
        Files.createDirectories(root);
        FileChannel ch = FileChannel.open(root.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            ch.close();
            throw new Configs.BadConfig(root + ": another gendiv run is using this directory (it holds " + root.resolve(".lock")
                    + "); wait for it to finish, or choose another output directory");
        }
        LOCKS.put(key, lock);
    }

    /** Lets go of the directory's lock, if this process holds it. */
    public void release() throws IOException {
        FileLock lock = LOCKS.remove(root.toAbsolutePath().normalize());
        if (lock != null) lock.channel().close();
    }

    /** The step the checkpoint reached, or 0 when there is none. */
    public int checkpointStep() throws IOException {
        recoverSwap();
        Path meta = checkpoint().resolve("state.json");
        if (!Files.exists(meta)) return 0;
        return JsonParser.parseString(TextFiles.read(meta)).getAsJsonObject().get("step").getAsInt();
    }

    public void saveCheckpoint(int step, Map<String, Tensor> state) throws IOException {
        Path fresh = root.resolve("checkpoint.new"), old = root.resolve("checkpoint.old");
        deleteTree(fresh);
        Files.createDirectories(fresh);
        TensorFiles.write(fresh.resolve("state.safetensors"), state);
        JsonObject meta = new JsonObject();
        meta.addProperty("step", step);
        Files.writeString(fresh.resolve("state.json"), meta + "\n", StandardCharsets.UTF_8);
        deleteTree(old);
        if (Files.exists(checkpoint())) Files.move(checkpoint(), old, StandardCopyOption.ATOMIC_MOVE);
        Files.move(fresh, checkpoint(), StandardCopyOption.ATOMIC_MOVE);
        deleteTree(old);
    }

    public void loadCheckpoint(Map<String, Tensor> state) throws IOException {
        TensorFiles.readInto(checkpoint().resolve("state.safetensors"), state);
    }

    /** A kill between the two renames leaves checkpoint.old alone: it becomes the checkpoint again. */
    private void recoverSwap() throws IOException {
        Path old = root.resolve("checkpoint.old");
        if (!Files.exists(checkpoint()) && Files.exists(old)) Files.move(old, checkpoint(), StandardCopyOption.ATOMIC_MOVE);
    }

    public void appendMetrics(JsonObject line) throws IOException {
        Files.writeString(metrics(), line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    /** Drops metric lines logged after the step a resume restarts from (they will be logged again). */
    public void truncateMetrics(int step) throws IOException {
        if (!Files.exists(metrics())) return;
        List<String> keep = new ArrayList<>();
        for (String line : Files.readAllLines(metrics())) {
            if (line.isBlank()) continue;
            JsonObject o = JsonParser.parseString(line).getAsJsonObject();
            if (!o.has("step") || o.get("step").getAsInt() < step) keep.add(line);
        }
        AtomicFiles.writeString(metrics(), keep.isEmpty() ? "" : String.join("\n", keep) + "\n");
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (var walk = Files.walk(p)) {
            for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }
}
