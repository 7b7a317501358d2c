package io.bgswap.segmentation;

import io.bgswap.BgSwapException;
import io.bgswap.Device;
import io.bgswap.ErrorCode;
import io.bgswap.Segmenter;
import io.bgswap.image.ArgbImage;
import io.bgswap.image.BoxFilter;
import io.bgswap.image.FloatImage;
import io.bgswap.image.Resize;

import java.util.Objects;

/**
 * A {@link Segmenter} that fuses a detailed but person-agnostic model (ISNet, a salient-object
 * model) with a coarse person prior (the MediaPipe selfie model), so that the result has the first
 * one's edges and the second one's idea of what a person is.
 *
 * <p>At the detail model's resolution, with {@code D} its probability and {@code S} the prior's
 * (upsampled bilinearly), and {@code M = [S >= 0.5]}:
 * <ul>
 *   <li><b>gate</b>: {@code g = min(1, gain * box_R(M))}, where {@code box_R} is the mean over a
 *       square of radius {@code R = reach * long side}. Far from any person pixel {@code g = 0}, so
 *       salient things that are not people (posters, statues) are removed; near the person the gate
 *       is open and the detail model's hair and edges pass unchanged.</li>
 *   <li><b>fill</b>: {@code f = clamp((box_r(M) - 0.9) / 0.1) * clamp((0.5 - box_r(D)) / 0.3)}
 *       with {@code r = core * long side}: 1 only deep inside the person prior and where the detail
 *       model misses most of the neighbourhood, i.e. in its holes (blurred faces, dark clothes),
 *       which are filled with the prior; soft hair next to solid detail is left alone.</li>
 *   <li>{@code result = max(g * D, f * S)}.</li>
 * </ul>
 *
 * <p>Thread-safe when both segmenters are. Owns both and closes them.
 */
public final class PersonAwareSegmenter implements Segmenter {
    /** Mean detail probability around a pixel below which it counts as a hole. */
    private static final float HOLE = 0.5f;
    /** Width of the ramp from hole to no hole. */
    private static final float HOLE_RAMP = 0.3f;
    private final Segmenter detail;
    private final Segmenter prior;
    private final Settings settings;

    /**
     * Tuning of the fusion.
     *
     * @param reach how far from the person prior the detail model is trusted, as a share of the long side
     * @param gain  how quickly the gate opens with the share of person pixels around
     * @param core  radius that decides "deep inside the person", as a share of the long side
     */
    public record Settings(float reach, float gain, float core) {
        /** The defaults, measured on the evaluation set (see docs/quality.md). */
        public static final Settings DEFAULT = new Settings(0.03f, 8f, 0.05f);

        public Settings {
            if (!(reach > 0f && reach < 0.5f) || !(gain > 0f) || !(core > 0f && core < 0.5f)) {
                throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "invalid fusion settings " + this);
            }
        }
    }

    /**
     * @param detail the detailed model (e.g. ISNet); its resolution is the output's
     * @param prior  the person prior (e.g. selfie)
     */
    public PersonAwareSegmenter(Segmenter detail, Segmenter prior) {
        this(detail, prior, Settings.DEFAULT);
    }

    /**
     * @param detail   the detailed model; its resolution is the output's
     * @param prior    the person prior
     * @param settings the fusion's tuning
     */
    public PersonAwareSegmenter(Segmenter detail, Segmenter prior, Settings settings) {
        this.detail = Objects.requireNonNull(detail, "detail");
        this.prior = Objects.requireNonNull(prior, "prior");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    public FloatImage segment(ArgbImage image) {
        return fuse(detail.segment(image), prior.segment(image), settings);
    }

    /**
     * The fusion on its own, for probabilities computed elsewhere. Both maps cover the whole image.
     *
     * @param detailProbability the detailed model's probability
     * @param priorProbability  the person prior's probability, at any resolution
     * @param settings          the tuning
     * @return the fused probability at {@code detailProbability}'s resolution
     */
    public static FloatImage fuse(FloatImage detailProbability, FloatImage priorProbability, Settings settings) {
        int w = detailProbability.width();
        int h = detailProbability.height();
        float[] s = (priorProbability.width() == w && priorProbability.height() == h ? priorProbability
                : Resize.bilinear(priorProbability, w, h)).data();
        float[] d = detailProbability.data();
        float[] mask = new float[s.length];
        for (int i = 0; i < s.length; i++) {
            mask[i] = s[i] >= 0.5f ? 1f : 0f;
        }
        int longSide = Math.max(w, h);
        FloatImage m = new FloatImage(w, h, mask);
        float[] near = BoxFilter.mean(m, Math.max(1, Math.round(settings.reach() * longSide))).data();
        int coreRadius = Math.max(1, Math.round(settings.core() * longSide));
        float[] inside = BoxFilter.mean(m, coreRadius).data();
        float[] around = BoxFilter.mean(detailProbability, coreRadius).data();
        float[] out = new float[s.length];
        for (int i = 0; i < out.length; i++) {
            float g = Math.min(1f, settings.gain() * near[i]);
            float f = Math.max(0f, Math.min(1f, (inside[i] - 0.9f) / 0.1f))
                    * Math.max(0f, Math.min(1f, (HOLE - around[i]) / HOLE_RAMP));
            out[i] = Math.max(g * d[i], f * s[i]);
        }
        return new FloatImage(w, h, out);
    }

    /** @return the detailed model */
    public Segmenter detail() {
        return detail;
    }

    /** @return the person prior */
    public Segmenter prior() {
        return prior;
    }

    @Override
    public String modelName() {
        return detail.modelName() + "+" + prior.modelName();
    }

    @Override
    public String backend() {
        return detail.backend();
    }

    @Override
    public Device device() {
        return detail.device();
    }

    @Override
    public void close() {
        try {
            detail.close();
        } finally {
            prior.close();
        }
    }
}
