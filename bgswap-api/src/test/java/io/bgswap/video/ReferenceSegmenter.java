package io.bgswap.video;

import io.bgswap.image.ArgbImage;
import io.bgswap.image.FloatImage;
import io.bgswap.image.Resize;
import io.bgswap.testing.TestSegmenter;

import java.util.Random;
import java.util.function.IntFunction;

/**
 * A segmenter for measuring temporal behaviour without a model: it returns the true alpha of the
 * frame it is given (looked up by call order), reduced to a 256x256 probability and disturbed by a
 * smooth random field in logit space that changes every frame, which makes edges wander and
 * spurious patches come and go the way a real model's output flickers. Frames must be segmented
 * in order (the frame pipeline does). Not thread-safe.
 */
final class ReferenceSegmenter extends TestSegmenter {
    static final int SIZE = 256;
    private static final int GRID = 12;

    private final IntFunction<FloatImage> truthOfFrame;
    private final float noise;
    private final Random random;
    private int next;

    /**
     * @param truthOfFrame the true full-resolution alpha of frame {@code t}
     * @param noise        standard deviation of the logit disturbance
     * @param seed         random seed
     */
    ReferenceSegmenter(IntFunction<FloatImage> truthOfFrame, float noise, long seed) {
        super("reference+noise");
        this.truthOfFrame = truthOfFrame;
        this.noise = noise;
        this.random = new Random(seed);
    }

    @Override
    public FloatImage segment(ArgbImage image) {
        return segment(image, FloatImage.create(SIZE, SIZE));
    }

    @Override
    public FloatImage segment(ArgbImage image, FloatImage out) {
        FloatImage truth = truthOfFrame.apply(next++);
        Resize.area(truth, out, null);
        FloatImage coarse = FloatImage.create(GRID, GRID);
        for (int i = 0; i < coarse.data().length; i++) {
            coarse.data()[i] = (float) (random.nextGaussian() * noise);
        }
        FloatImage field = Resize.bilinear(coarse, out.width(), out.height());
        float[] p = out.data();
        float[] f = field.data();
        for (int i = 0; i < p.length; i++) {
            float q = Math.max(0.02f, Math.min(0.98f, p[i]));
            double logit = Math.log(q / (1 - q)) + f[i];
            p[i] = (float) (1 / (1 + Math.exp(-logit)));
        }
        return out;
    }
}
