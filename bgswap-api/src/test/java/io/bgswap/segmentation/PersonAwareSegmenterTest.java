package io.bgswap.segmentation;

import io.bgswap.Segmenter;
import io.bgswap.image.ArgbImage;
import io.bgswap.image.FloatImage;
import io.bgswap.testing.TestSegmenter;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PersonAwareSegmenterTest {
    private static final int N = 200;

    /** Prior: a person occupying the square 60..140 (coarse, 50x50). */
    private static FloatImage prior() {
        FloatImage s = FloatImage.create(50, 50);
        for (int y = 15; y < 35; y++) {
            for (int x = 15; x < 35; x++) {
                s.data()[y * 50 + x] = 0.95f;
            }
        }
        return s;
    }

    /** Detail: the same person with a soft fringe, a hole in the middle and a "poster" far away. */
    private static FloatImage detail() {
        FloatImage d = FloatImage.create(N, N);
        for (int y = 0; y < N; y++) {
            for (int x = 0; x < N; x++) {
                float v = 0;
                if (x >= 60 && x < 140 && y >= 60 && y < 140) {
                    v = 1f;
                }
                if (x >= 140 && x < 146 && y >= 60 && y < 140) {
                    v = 0.4f; // hair just outside the prior
                }
                if (x >= 85 && x < 115 && y >= 85 && y < 115) {
                    v = 0.05f; // a hole (a blurred face)
                }
                if (x >= 5 && x < 25 && y >= 5 && y < 25) {
                    v = 0.9f; // a poster far from the person
                }
                d.data()[y * N + x] = v;
            }
        }
        return d;
    }

    @Test
    void removesFarObjectsFillsHolesAndKeepsSoftEdges() {
        FloatImage f = PersonAwareSegmenter.fuse(detail(), prior(), PersonAwareSegmenter.Settings.DEFAULT);
        assertThat(f.width()).isEqualTo(N);
        assertThat(f.get(15, 15)).as("poster").isLessThan(0.05f);
        assertThat(f.get(100, 100)).as("hole").isGreaterThan(0.9f);
        assertThat(f.get(142, 100)).as("hair").isCloseTo(0.4f, within(0.01f));
        assertThat(f.get(70, 70)).as("body").isEqualTo(1f);
        assertThat(f.get(180, 180)).as("background").isZero();
    }

    /** The person square with an arm beyond the prior and a wide notch open to the scene. */
    private static FloatImage armAndNotch() {
        FloatImage d = FloatImage.create(N, N);
        for (int y = 0; y < N; y++) {
            for (int x = 0; x < N; x++) {
                boolean body = x >= 60 && x < 140 && y >= 60 && y < 140;
                boolean arm = x >= 140 && x < 150 && y >= 70 && y < 80;
                boolean notch = x >= 115 && y >= 90 && y < 111;
                d.data()[y * N + x] = (body || arm) && !notch ? 1f : 0f;
            }
        }
        return d;
    }

    @Test
    void keepsPartsAttachedToThePersonAndFillsOnlyEnclosedHoles() {
        FloatImage f = PersonAwareSegmenter.fuse(armAndNotch(), prior(), PersonAwareSegmenter.Settings.DEFAULT);
        assertThat(f.get(146, 75)).as("arm beyond the prior, attached to the person").isEqualTo(1f);
        assertThat(f.get(125, 100)).as("notch open to the scene, inside the prior").isZero();
        PersonAwareSegmenter.Settings noAttach = new PersonAwareSegmenter.Settings(0.03f, 8f, 0.05f, 0f);
        assertThat(PersonAwareSegmenter.fuse(armAndNotch(), prior(), noAttach).get(146, 75))
                .as("the same arm, gated without attachment").isZero();
    }

    @Test
    void segmenterRunsBothAndClosesBoth() {
        AtomicInteger closed = new AtomicInteger();
        Segmenter d = new Fixed("isnet", detail(), closed);
        Segmenter s = new Fixed("selfie", prior(), closed);
        try (PersonAwareSegmenter seg = new PersonAwareSegmenter(d, s)) {
            assertThat(seg.modelName()).isEqualTo("isnet+selfie");
            FloatImage f = seg.segment(ArgbImage.create(10, 10));
            assertThat(f.get(15, 15)).isLessThan(0.05f);
        }
        assertThat(closed.get()).isEqualTo(2);
    }

    /** Gives a fixed probability map and counts how often it is closed. */
    private static final class Fixed extends TestSegmenter {
        private final FloatImage out;
        private final AtomicInteger closed;

        Fixed(String name, FloatImage out, AtomicInteger closed) {
            super(name);
            this.out = out;
            this.closed = closed;
        }

        @Override
        public FloatImage segment(ArgbImage image) {
            return out.copy();
        }

        @Override
        public void close() {
            closed.incrementAndGet();
        }
    }
}
