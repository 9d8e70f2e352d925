package org.gendiv.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.bytedeco.openblas.presets.openblas_nolapack;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.gendiv.core.model.BatchWorkers;
import org.junit.jupiter.api.Test;

/** Batches side by side: results in batch order, a batch's exception rethrown as it was, thread counts restored. */
class BatchWorkersTest {
    @Test
    void resultsComeInOrderAndThreadCountsAreRestored() {
        int torchThreads = torch.get_num_threads(), blas = openblas_nolapack.blas_get_num_threads();
        List<Integer> heard = new ArrayList<>();
        List<Integer> out = BatchWorkers.map(7, 2, i -> {
            if (i == 0) sleep(50);  // the first batch finishes last
            return i * i;
        }, heard::add);
        assertEquals(List.of(0, 1, 4, 9, 16, 25, 36), out);
        assertEquals(7, heard.size());
        assertEquals(torchThreads, torch.get_num_threads());
        assertEquals(blas, openblas_nolapack.blas_get_num_threads());
    }

    /** A batch's tensors are freed when the batch ends, in turn and side by side (scoring keeps no batch's activations alive). */
    /** A rank working alone runs on every core of the machine, then on its share again; gendiv.workers still decides. */
    @Test
    void onAllCoresUsesTheMachinesCores() throws Exception {
        String before = System.getProperty("gendiv.workers");
        try {
            System.clearProperty("gendiv.workers");
            assertEquals(BatchWorkers.cores(), BatchWorkers.count());
            assertEquals(Runtime.getRuntime().availableProcessors(), (int) BatchWorkers.onAllCores(BatchWorkers::count));
            assertEquals(BatchWorkers.cores(), BatchWorkers.count());
            System.setProperty("gendiv.workers", "1");
            assertEquals(1, (int) BatchWorkers.onAllCores(BatchWorkers::count));
        } finally {
            if (before == null) System.clearProperty("gendiv.workers");
            else System.setProperty("gendiv.workers", before);
        }
    }

    @Test
    void aBatchsTensorsAreFreedWithIt() {
        for (int workers : new int[] {1, 2}) {
            Tensor[] made = new Tensor[3];
            BatchWorkers.map(3, workers, i -> {
                made[i] = torch.zeros(64, 64);
                return i;
            }, null);
            for (Tensor t : made) assertTrue(t.isNull(), workers + " workers: a batch's tensor outlived it");
        }
    }

    @Test
    void aBatchsExceptionIsRethrownAsItWas() {
        int torchThreads = torch.get_num_threads();
        var e = assertThrows(IllegalArgumentException.class, () -> BatchWorkers.map(4, 2, i -> {
            if (i == 2) throw new IllegalArgumentException("batch 2 is bad");
            return i;
        }, null));
        assertEquals("batch 2 is bad", e.getMessage());
        assertEquals(torchThreads, torch.get_num_threads());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
