package io.bgswap.video;

import io.bgswap.Background;
import io.bgswap.BgSwapException;
import io.bgswap.compositing.LinearLightCompositor;
import io.bgswap.image.ArgbImage;
import io.bgswap.image.FloatImage;
import io.bgswap.matting.GuidedFilterMatter;
import io.bgswap.testing.TestSegmenter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FramePipelineTest {
    /** Person = red pixels, at 64x64 like a small model. */
    static final class RedKey extends TestSegmenter {
        RedKey() {
            super("red-key");
        }

        final AtomicInteger calls = new AtomicInteger();
        volatile RuntimeException failAt;
        volatile int failIndex = -1;

        @Override
        public FloatImage segment(ArgbImage image) {
            return segment(image, FloatImage.create(64, 64));
        }

        @Override
        public FloatImage segment(ArgbImage image, FloatImage out) {
            if (calls.getAndIncrement() == failIndex) {
                throw failAt;
            }
            for (int y = 0; y < 64; y++) {
                for (int x = 0; x < 64; x++) {
                    int p = image.get(x * image.width() / 64, y * image.height() / 64);
                    out.data()[y * 64 + x] = ((p >> 16) & 0xFF) > 128 && (p & 0xFF) < 64 ? 1f : 0f;
                }
            }
            return out;
        }




    }

    static ArgbImage frame(int w, int h, int squareX) {
        ArgbImage img = ArgbImage.create(w, h);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                boolean sq = x >= squareX && x < squareX + w / 4 && y >= h / 4 && y < 3 * h / 4;
                img.pixels()[y * w + x] = sq ? 0xFFE01010 : 0xFF2040A0 + (x % 7);
            }
        }
        return img;
    }

    @Test
    void deliversEveryFrameInOrderWithTheResultOfTheStagesAndReusesBuffers() {
        RedKey seg = new RedKey();
        List<Long> order = new ArrayList<>();
        Set<int[]> outputBuffers = Collections.newSetFromMap(new IdentityHashMap<>());
        int n = 40;
        try (FramePipeline p = FramePipeline.builder(seg).background(Background.color(0x00FF00)).capacity(3).build()) {
            ArgbImage reused = ArgbImage.create(128, 96);
            Iterator<ArgbImage> src = new Iterator<>() {
                int t;

                @Override
                public boolean hasNext() {
                    return t < n;
                }

                @Override
                public ArgbImage next() {
                    ArgbImage f = frame(128, 96, t++);
                    System.arraycopy(f.pixels(), 0, reused.pixels(), 0, f.pixels().length);
                    return reused;
                }
            };
            long count = p.run(src, f -> {
                order.add(f.index());
                outputBuffers.add(f.image().pixels());
                int sx = (int) f.index();
                // inside the square: the person (red) stays; far corner: the green background
                int person = f.image().get(sx + 16, 48);
                assertThat((person >> 16) & 0xFF).isGreaterThan(0xD0);
                assertThat((person >> 8) & 0xFF).isLessThan(0x60);
                assertThat(f.image().get(127, 2) & 0xFFFFFF).isEqualTo(0x00FF00);
                assertThat(f.alpha().get(sx + 16, 48)).isGreaterThan(0.9f);
            });
            assertThat(count).isEqualTo(n);
        }
        for (int i = 0; i < n; i++) {
            assertThat(order.get(i)).isEqualTo(i);
        }
        assertThat(outputBuffers).as("output buffers are the capacity's slots, reused").hasSizeLessThanOrEqualTo(3);
    }

    @Test
    void appliesBackpressureWhenTheConsumerDoesNotTake() throws Exception {
        RedKey seg = new RedKey();
        try (FramePipeline p = FramePipeline.builder(seg).capacity(2).build()) {
            ArgbImage f = frame(32, 32, 0);
            assertThat(p.offer(f, 1, TimeUnit.SECONDS)).isTrue();
            assertThat(p.offer(f, 1, TimeUnit.SECONDS)).isTrue();
            assertThat(p.offer(f, 200, TimeUnit.MILLISECONDS)).as("no slot free").isFalse();
            FramePipeline.Frame first = p.take();
            assertThat(first.index()).isZero();
            first.close();
            first.close();
            assertThat(p.offer(f, 1, TimeUnit.SECONDS)).isTrue();
            p.finish();
            try (FramePipeline.Frame second = p.take(); FramePipeline.Frame third = p.take()) {
                assertThat(second.index()).isEqualTo(1);
                assertThat(third.index()).isEqualTo(2);
            }
            assertThat(p.take()).isNull();
            assertThat(p.isDone()).isTrue();
            assertThatThrownBy(() -> p.submit(f)).isInstanceOf(BgSwapException.class);
        }
    }

    @Test
    void aFailingStageIsReportedToTheConsumer() {
        RedKey seg = new RedKey();
        seg.failIndex = 3;
        seg.failAt = new IllegalStateException("engine fell over");
        FramePipeline p = FramePipeline.builder(seg).build();
        List<Long> seen = new ArrayList<>();
        Iterator<ArgbImage> src = List.of(frame(32, 32, 0), frame(32, 32, 1), frame(32, 32, 2), frame(32, 32, 3),
                frame(32, 32, 4), frame(32, 32, 5)).iterator();
        assertThatThrownBy(() -> p.run(src, f -> seen.add(f.index())))
                .isInstanceOf(BgSwapException.class).hasMessageContaining("engine fell over");
        assertThat(seen).containsExactly(0L, 1L, 2L);
        p.close();
        p.close();
        assertThatThrownBy(() -> p.submit(frame(32, 32, 0))).isInstanceOf(BgSwapException.class);
    }

    @Test
    void intoOverloadsMatchTheAllocatingOnes() {
        ArgbImage img = frame(200, 120, 30);
        FloatImage prob = new RedKey().segment(img);
        GuidedFilterMatter matter = new GuidedFilterMatter(64, 0, 1e-3f);
        FloatImage a1 = matter.refine(img, prob);
        FloatImage a2 = matter.refine(img, prob, FloatImage.create(200, 120));
        assertThat(a2.data()).containsExactly(a1.data());
        LinearLightCompositor c = new LinearLightCompositor();
        ArgbImage scene = frame(300, 100, 5);
        for (Background bg : List.of(Background.color(0x123456), Background.image(scene), Background.transparent())) {
            ArgbImage r1 = c.composite(img, a1, bg);
            ArgbImage r2 = c.composite(img, a1, bg, ArgbImage.create(200, 120));
            for (int i = 0; i < r1.pixels().length; i++) {
                int x = r1.pixels()[i];
                int y = r2.pixels()[i];
                for (int s = 0; s < 32; s += 8) {
                    assertThat(Math.abs(((x >> s) & 0xFF) - ((y >> s) & 0xFF))).as("%s pixel %d", bg, i).isLessThanOrEqualTo(1);
                }
            }
        }
        // the reduced-resolution blur stays close to the full-resolution one
        ArgbImage b1 = c.composite(img, a1, Background.blur(12));
        ArgbImage b2 = c.composite(img, a1, Background.blur(12), ArgbImage.create(200, 120));
        double diff = 0;
        for (int i = 0; i < b1.pixels().length; i++) {
            diff += Math.abs((b1.pixels()[i] & 0xFF) - (b2.pixels()[i] & 0xFF));
        }
        assertThat(diff / b1.pixels().length).isLessThan(6.0);
        ArgbImage cover = LinearLightCompositor.cover(scene, ArgbImage.create(200, 120));
        assertThat(cover.pixels()).hasSize(200 * 120);
    }
}
