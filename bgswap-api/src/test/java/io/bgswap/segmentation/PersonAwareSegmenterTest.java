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

    /** Prior: a person occupying the square 60..140 (coarse, 50x50) with a faint tail around it. */
    private static FloatImage prior() {
        FloatImage s = FloatImage.create(50, 50);
        for (int y = 12; y < 38; y++) {
            for (int x = 12; x < 38; x++) {
                s.data()[y * 50 + x] = 0.1f; // the prior's soft tail around the person
            }
        }
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

    private static FloatImage decide(FloatImage detail, FloatImage prior) {
        return PersonAwareSegmenter.decide(detail, prior, N, N, PersonAwareSegmenter.Settings.DEFAULT);
    }

    @Test
    void interiorIsSolidFarObjectsAreBackgroundAndTheEdgeIsUnknown() {
        FloatImage f = decide(detail(), prior());
        assertThat(f.width()).isEqualTo(N);
        assertThat(f.get(15, 15)).as("poster far from the person").isZero();
        assertThat(f.get(100, 100)).as("ISNet's hole deep inside the person").isEqualTo(1f);
        assertThat(f.get(70, 70)).as("body").isEqualTo(1f);
        assertThat(f.get(180, 180)).as("background").isZero();
        assertThat(f.get(140, 100)).as("soft hair at the edge: unknown, with ISNet's value as hint")
                .isCloseTo(0.4f, within(0.01f));
        assertThat(f.get(60, 100)).as("hard edge: unknown")
                .isBetween(PersonAwareSegmenter.UNKNOWN_MIN, PersonAwareSegmenter.UNKNOWN_MAX);
        for (float v : f.data()) {
            assertThat(v == 0f || v == 1f || (v >= PersonAwareSegmenter.UNKNOWN_MIN && v <= PersonAwareSegmenter.UNKNOWN_MAX))
                    .as("value %s is a decision or an unknown", v).isTrue();
        }
    }

    @Test
    void unknownBandIsNarrowAlongHardEdges() {
        FloatImage f = decide(detail(), prior());
        // the band along the hard left edge (x = 60) is a few pixels wide
        assertThat(f.get(50, 100)).as("well outside the hard edge").isZero();
        assertThat(f.get(70, 100)).as("well inside the hard edge").isEqualTo(1f);
        int unknown = 0;
        for (int x = 40; x < 80; x++) {
            float v = f.get(x, 100);
            unknown += v > 0f && v < 1f ? 1 : 0;
        }
        assertThat(unknown).as("unknown pixels across the hard edge").isBetween(1, 6);
    }

    @Test
    void keepsPartsAttachedToThePerson() {
        FloatImage f = decide(armAndNotch(), prior());
        assertThat(f.get(146, 75)).as("arm beyond the prior, attached to the person").isGreaterThan(0.5f);
        assertThat(f.get(199, 75)).as("far beyond the arm").isZero();
    }

    @Test
    void priorEvidenceAveragesThePhotoAndItsMirrorImage() {
        FloatImage left = FloatImage.create(4, 1);
        left.data()[0] = 1f;
        Segmenter leftOnly = new Fixed("prior", left, new AtomicInteger());
        FloatImage e = PersonAwareSegmenter.priorEvidence(leftOnly, ArgbImage.create(4, 1));
        assertThat(e.data()).containsExactly(0.5f, 0f, 0f, 0.5f);
    }

    @Test
    void aSmallPersonGetsASecondPassOnACropAroundThem() {
        // a "prior" that sees red pixels at a coarse 16 x 16 resolution, like a model with a small input
        Segmenter redAt16 = new TestSegmenter("prior") {
            @Override
            public FloatImage segment(ArgbImage image) {
                ArgbImage small = io.bgswap.image.Resize.bilinear(image, 16, 16);
                FloatImage out = FloatImage.create(16, 16);
                for (int i = 0; i < 256; i++) {
                    out.data()[i] = ((small.pixels()[i] >> 16) & 0xFF) / 255f;
                }
                return out;
            }
        };
        int w = 400;
        int h = 300;
        ArgbImage photo = ArgbImage.create(w, h);
        boolean[] person = new boolean[w * h];
        for (int y = 180; y < 300; y++) {
            for (int x = 90; x < 140; x++) {
                person[y * w + x] = true;
                photo.pixels()[y * w + x] = 0xFFFF0000;
            }
        }
        FloatImage evidence = PersonAwareSegmenter.priorEvidence(redAt16, photo);
        assertThat(evidence.width()).as("finer than the prior's own grid").isGreaterThan(16);
        assertThat((float) evidence.width() / evidence.height()).isCloseTo(4f / 3f, within(0.02f));
        FloatImage wholeOnly = redAt16.segment(photo);
        assertThat(edgeError(evidence, person, w, h)).as("crop pass against the whole photo's pass")
                .isLessThan(0.5 * edgeError(wholeOnly, person, w, h));
        // far from the person nothing changes
        assertThat(evidence.sample(0.02 * evidence.width(), 0.05 * evidence.height())).isZero();
    }

    @Test
    void aPersonFillingTheFrameGetsNoCropPass() {
        AtomicInteger calls = new AtomicInteger();
        Segmenter counting = new TestSegmenter("prior") {
            @Override
            public FloatImage segment(ArgbImage image) {
                calls.incrementAndGet();
                FloatImage out = FloatImage.create(16, 16);
                for (int y = 2; y < 16; y++) {
                    for (int x = 3; x < 13; x++) {
                        out.data()[y * 16 + x] = 1f;
                    }
                }
                return out;
            }
        };
        FloatImage evidence = PersonAwareSegmenter.priorEvidence(counting, ArgbImage.create(64, 64));
        assertThat(calls.get()).as("the photo and its mirror image only").isEqualTo(2);
        assertThat(evidence.width()).isEqualTo(16);
    }

    /** Mean absolute difference from the true mask, sampled at every photo pixel. */
    private static double edgeError(FloatImage evidence, boolean[] truth, int w, int h) {
        double sum = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float v = evidence.sample((x + 0.5) * evidence.width() / w, (y + 0.5) * evidence.height() / h);
                sum += Math.abs(v - (truth[y * w + x] ? 1f : 0f));
            }
        }
        return sum / (w * h);
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
    void segmenterRunsBothAndClosesBoth() {
        AtomicInteger closed = new AtomicInteger();
        Segmenter d = new Fixed("isnet", detail(), closed);
        Segmenter s = new Fixed("selfie", prior(), closed);
        try (PersonAwareSegmenter seg = new PersonAwareSegmenter(d, s)) {
            assertThat(seg.modelName()).isEqualTo("isnet+selfie");
            FloatImage f = seg.segment(ArgbImage.create(N, N));
            assertThat(f.get(15, 15)).isZero();
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
