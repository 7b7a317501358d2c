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
 * (upsampled bilinearly), {@code M = [S >= 0.5]} and {@code F = [D >= 0.5]}:
 * <ul>
 *   <li><b>gate</b>: {@code g = min(1, gain * box_R(M))}, where {@code box_R} is the mean over a
 *       square of radius {@code R = reach * long side}. Far from any person pixel {@code g = 0}, so
 *       salient things that are not people (posters, statues) are removed; near the person the gate
 *       is open and the detail model's hair and edges pass unchanged.</li>
 *   <li><b>attached parts</b>: a connected part of {@code F} that lies mostly (at least half) inside
 *       {@code M} belongs to the person, and within {@code attach * long side} of {@code M} (plus a
 *       few pixels for its soft edge) it passes ungated: a hand or an elbow that the coarse prior
 *       cut short keeps its detail.</li>
 *   <li><b>fill</b>: {@code f = clamp((box_r(M) - 0.9) / 0.1) * clamp((0.5 - box_r(D)) / 0.3)}
 *       with {@code r = core * long side}: 1 only deep inside the person prior and where the detail
 *       model misses most of the neighbourhood, i.e. in its holes (blurred faces, dark clothes),
 *       which are filled with the prior. Only enclosed holes are filled: background of {@code F}
 *       connected to the image border (and a margin around it) is the scene, such as the gap
 *       between a raised arm and the head, which the coarse prior often covers.</li>
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
    /** Pixels kept clear of the scene (border-connected background) when filling holes. */
    private static final int HOLE_MARGIN = 3;
    /** Share of a detail part's pixels that must lie in the person prior for it to be attached. */
    private static final float ATTACHED_SHARE = 0.5f;
    /** Pixels around an attached part that pass ungated too (its soft edge). */
    private static final int ATTACHED_EDGE = 8;
    private final Segmenter detail;
    private final Segmenter prior;
    private final Settings settings;

    /**
     * Tuning of the fusion.
     *
     * @param reach  how far from the person prior the detail model is trusted, as a share of the long side
     * @param gain   how quickly the gate opens with the share of person pixels around
     * @param core   radius that decides "deep inside the person", as a share of the long side
     * @param attach how far from the person prior a part attached to the person passes ungated, as a
     *               share of the long side; 0 turns attached parts off
     */
    public record Settings(float reach, float gain, float core, float attach) {
        /** The defaults, measured on the evaluation set (see docs/quality.md). */
        public static final Settings DEFAULT = new Settings(0.03f, 8f, 0.05f, 0.04f);

        public Settings {
            if (!(reach > 0f && reach < 0.5f) || !(gain > 0f) || !(core > 0f && core < 0.5f)
                    || !(attach >= 0f && attach < 0.5f)) {
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
        boolean[] detailMask = new boolean[s.length];
        for (int i = 0; i < s.length; i++) {
            mask[i] = s[i] >= 0.5f ? 1f : 0f;
            detailMask[i] = d[i] >= 0.5f;
        }
        int longSide = Math.max(w, h);
        FloatImage m = new FloatImage(w, h, mask);
        float[] near = BoxFilter.mean(m, Math.max(1, Math.round(settings.reach() * longSide))).data();
        int coreRadius = Math.max(1, Math.round(settings.core() * longSide));
        float[] inside = BoxFilter.mean(m, coreRadius).data();
        float[] around = BoxFilter.mean(detailProbability, coreRadius).data();
        float[] scene = scene(detailMask, w, h);
        float[] attached = settings.attach() > 0f ? attached(detailMask, m, settings.attach()) : null;
        float[] out = new float[s.length];
        for (int i = 0; i < out.length; i++) {
            float g = attached != null && attached[i] > 0f ? 1f : Math.min(1f, settings.gain() * near[i]);
            float f = scene[i] > 0f ? 0f
                    : Math.max(0f, Math.min(1f, (inside[i] - 0.9f) / 0.1f))
                            * Math.max(0f, Math.min(1f, (HOLE - around[i]) / HOLE_RAMP));
            out[i] = Math.max(g * d[i], f * s[i]);
        }
        return new FloatImage(w, h, out);
    }

    /**
     * @return per pixel, above 0 where the scene is: background of the detail mask connected to
     *     the image border, and {@link #HOLE_MARGIN} pixels around it
     */
    private static float[] scene(boolean[] detailMask, int w, int h) {
        boolean[] background = new boolean[detailMask.length];
        for (int i = 0; i < background.length; i++) {
            background[i] = !detailMask[i];
        }
        int[] label = new int[background.length];
        int count = Components.label(background, w, label);
        boolean[] touchesBorder = new boolean[count];
        for (int x = 0; x < w; x++) {
            mark(label, x, touchesBorder);
            mark(label, (h - 1) * w + x, touchesBorder);
        }
        for (int y = 0; y < h; y++) {
            mark(label, y * w, touchesBorder);
            mark(label, y * w + w - 1, touchesBorder);
        }
        float[] scene = new float[label.length];
        for (int i = 0; i < scene.length; i++) {
            scene[i] = label[i] >= 0 && touchesBorder[label[i]] ? 1f : 0f;
        }
        return BoxFilter.mean(new FloatImage(w, h, scene), HOLE_MARGIN).data();
    }

    private static void mark(int[] label, int i, boolean[] touches) {
        if (label[i] >= 0) {
            touches[label[i]] = true;
        }
    }

    /**
     * @return per pixel, above 0 on parts of the detail mask that lie mostly inside the person
     *     prior, within {@code attach} of it, and {@link #ATTACHED_EDGE} pixels around them
     */
    private static float[] attached(boolean[] detailMask, FloatImage priorMask, float attach) {
        int w = priorMask.width();
        int h = priorMask.height();
        float[] prior = priorMask.data();
        int[] label = new int[detailMask.length];
        int count = Components.label(detailMask, w, label);
        int[] size = new int[count];
        int[] inPrior = new int[count];
        for (int i = 0; i < label.length; i++) {
            if (label[i] >= 0) {
                size[label[i]]++;
                if (prior[i] > 0f) {
                    inPrior[label[i]]++;
                }
            }
        }
        float[] reach = BoxFilter.mean(priorMask, Math.max(1, Math.round(attach * Math.max(w, h)))).data();
        float[] keep = new float[label.length];
        for (int i = 0; i < keep.length; i++) {
            int c = label[i];
            if (c >= 0 && reach[i] > 0f && inPrior[c] >= ATTACHED_SHARE * size[c]) {
                keep[i] = 1f;
            }
        }
        return BoxFilter.mean(new FloatImage(w, h, keep), ATTACHED_EDGE).data();
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
