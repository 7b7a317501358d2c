package io.bgswap.onnx;

import io.bgswap.Background;
import io.bgswap.BackgroundSwapper;
import io.bgswap.image.ArgbImage;
import io.bgswap.model.BuiltinModel;
import io.bgswap.model.ModelStore;
import io.bgswap.testing.TestImages;
import io.bgswap.image.Images;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * One swapper on the real ISNet (small) model shared by eight threads gives the same pictures as
 * one thread. The long version over hundreds of images runs on the pure-Java engine
 * ({@code SwapperConcurrencyTest} in bgswap-api); this one proves the engine side. Two inferences
 * run at once (one engine thread each); more multiply memory without adding speed on two cores.
 */
class SharedSwapperConcurrencyIT {
    private static final int THREADS = 8;
    private static final int IMAGES = 3;
    private static final int PER_THREAD = 2;

    private static ArgbImage image(int i) {
        return Images.fromBufferedImage(TestImages.quadrants(64 + 16 * i, 48 + 8 * i));
    }

    @Test
    void eightThreadsOnTheRealModelMatchOneThread() throws Exception {
        ModelStore store = ModelStore.defaultStore();
        assumeTrue(store.isCached(BuiltinModel.ISNET_SMALL) || !store.offline(), "isnet-small is not cached and offline mode is on");
        try (BackgroundSwapper swapper = BackgroundSwapper.builder().model("isnet-small").backend("onnx").threads(1)
                .maxConcurrentInferences(2).build()) {
            List<int[]> serial = new ArrayList<>();
            for (int i = 0; i < IMAGES; i++) {
                serial.add(swapper.replace(image(i), Background.color(0x336699)).pixels());
            }
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                List<Future<Boolean>> results = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    int offset = t;
                    results.add(pool.submit(() -> {
                        boolean same = true;
                        for (int k = 0; k < PER_THREAD; k++) {
                            int i = (offset + k) % IMAGES;
                            same &= java.util.Arrays.equals(swapper.replace(image(i), Background.color(0x336699)).pixels(), serial.get(i));
                        }
                        return same;
                    }));
                }
                for (Future<Boolean> r : results) {
                    assertThat(r.get(30, TimeUnit.MINUTES)).isTrue();
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
