package io.bgswap.segmentation;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;
import io.bgswap.image.ArgbImage;
import io.bgswap.internal.CoreBudget;
import io.bgswap.testing.PureJavaSession;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Runs of several segmenters together never take more threads than the cores of their budget. */
class ModelSegmenterCoresTest {
    private static ArgbImage image(int i) {
        int[] px = new int[40 * 30];
        for (int k = 0; k < px.length; k++) {
            px[k] = 0xFF000000 | ((k * 7 + i) & 0xFF) << 16 | ((k * 3) & 0xFF) << 8;
        }
        return new ArgbImage(40, 30, px);
    }

    private static int maxActive(int cores, int cpuThreads) throws Exception {
        CoreBudget budget = new CoreBudget(cores);
        PureJavaSession session = new PureJavaSession(96);
        try (ModelSegmenter a = new ModelSegmenter("a", session, 8, cpuThreads, budget);
             ModelSegmenter b = new ModelSegmenter("b", session, 8, cpuThreads, budget)) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> runs = new ArrayList<>();
                for (int i = 0; i < 120; i++) {
                    ModelSegmenter s = i % 2 == 0 ? a : b;
                    int index = i;
                    runs.add(pool.submit(() -> s.segment(image(index))));
                }
                for (Future<?> f : runs) {
                    f.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(session.runs()).isEqualTo(120);
            assertThat(budget.available()).as("every run gave its cores back").isEqualTo(cores);
        }
        return session.maxActive();
    }

    @Test
    void runsOfAllThreadsTakeTurns() throws Exception {
        assertThat(maxActive(4, 4)).isEqualTo(1);
        assertThat(maxActive(4, 3)).isEqualTo(1);
        assertThat(maxActive(4, 2)).isBetween(1, 2);
    }

    @Test
    void aNegativeThreadCountIsRefused() {
        assertThatThrownBy(() -> new ModelSegmenter("x", new PureJavaSession(8), 1, -1))
                .isInstanceOfSatisfying(BgSwapException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }
}
