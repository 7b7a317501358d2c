package io.bgswap;

import io.bgswap.image.ArgbImage;
import io.bgswap.segmentation.ModelSegmenter;
import io.bgswap.testing.PureJavaSession;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One {@link BackgroundSwapper} shared by eight threads over hundreds of images gives exactly the
 * results of one thread: segmentation buffers, matting and compositing hold no per-call state.
 * The engine is {@link PureJavaSession}, so the test checks everything but the engine quickly.
 */
class SwapperConcurrencyTest {
    private static final int IMAGES = 400;

    private static ArgbImage portrait(int index) {
        Random r = new Random(index);
        int w = 24 + r.nextInt(72);
        int h = 24 + r.nextInt(72);
        int[] px = new int[w * h];
        int cx = r.nextInt(w);
        int radius = 5 + r.nextInt(Math.min(w, h));
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                boolean person = (x - cx) * (x - cx) + (y - h) * (y - h) < radius * radius;
                int noise = r.nextInt(40);
                px[y * w + x] = person ? 0xFF000000 | (40 + noise) << 16 | (180 + noise) << 8 | 60
                        : 0xFF000000 | (170 + noise) << 16 | (60 + noise) << 8 | 90;
            }
        }
        return new ArgbImage(w, h, px);
    }

    private static Background background(int index) {
        switch (index % 3) {
            case 0: return Background.color(0x2A6F97);
            case 1: return Background.blur(3f);
            default: return Background.transparent();
        }
    }

    @Test
    void eightThreadsMatchOneThreadExactly() throws Exception {
        PureJavaSession session = new PureJavaSession(64);
        try (BackgroundSwapper swapper = BackgroundSwapper.builder().segmenter(new ModelSegmenter("pure", session, 8)).build()) {
            List<int[]> serial = new ArrayList<>();
            for (int i = 0; i < IMAGES; i++) {
                serial.add(swapper.replace(portrait(i), background(i)).pixels());
            }
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<int[]>> parallel = new ArrayList<>();
                for (int i = 0; i < IMAGES; i++) {
                    int index = i;
                    parallel.add(pool.submit(() -> swapper.replace(portrait(index), background(index)).pixels()));
                }
                for (int i = 0; i < IMAGES; i++) {
                    assertThat(parallel.get(i).get(60, TimeUnit.SECONDS)).as("image %d", i).isEqualTo(serial.get(i));
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(session.runs()).isEqualTo(2L * IMAGES);
        }
        assertThat(session.isClosed()).as("the swapper closes the segmenter it owns").isTrue();
    }

    @Test
    void concurrentInferencesAreBounded() throws Exception {
        PureJavaSession session = new PureJavaSession(128);
        try (ModelSegmenter segmenter = new ModelSegmenter("pure", session, 2)) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> runs = new ArrayList<>();
                for (int i = 0; i < 80; i++) {
                    int index = i;
                    runs.add(pool.submit(() -> segmenter.segment(portrait(index))));
                }
                for (Future<?> f : runs) {
                    f.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(session.runs()).isEqualTo(80);
            assertThat(session.maxActive()).isBetween(1, 2);
        }
        assertThatThrownBy(() -> new ModelSegmenter("pure", new PureJavaSession(8), 0))
                .isInstanceOfSatisfying(BgSwapException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }

    @Test
    void swapperCloseIsIdempotentAndUseAfterCloseIsClosed() {
        PureJavaSession session = new PureJavaSession(16);
        BackgroundSwapper swapper = BackgroundSwapper.builder().segmenter(new ModelSegmenter("pure", session)).build();
        ArgbImage image = portrait(1);
        swapper.replace(image, Background.color(0));
        swapper.close();
        swapper.close();
        assertThatThrownBy(() -> swapper.replace(image, Background.color(0)))
                .isInstanceOfSatisfying(BgSwapException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CLOSED));
        assertThatThrownBy(() -> swapper.matte(image))
                .isInstanceOfSatisfying(BgSwapException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CLOSED));
    }
}
