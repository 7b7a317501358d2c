package io.bgswap.segmentation;

import io.bgswap.BgSwapException;
import io.bgswap.Device;
import io.bgswap.ErrorCode;
import io.bgswap.Segmenter;
import io.bgswap.image.ArgbImage;
import io.bgswap.image.FloatImage;
import io.bgswap.image.Resize;

import java.util.Objects;

/**
 * A {@link Segmenter} that decides, from the evidence of a detailed but person-agnostic model
 * (ISNet, a salient-object model) and a coarse person prior (the MediaPipe selfie model), where
 * the person certainly is, where the background certainly is, and where the edge is still to be
 * found; its output is a trimap that a {@link io.bgswap.Matter} completes.
 *
 * <p>The output is coded in the probability itself: exactly {@code 1} is definite person,
 * exactly {@code 0} definite background, and values in {@code [}{@value #UNKNOWN_MIN}{@code ,
 * }{@value #UNKNOWN_MAX}{@code ]} are unknown, carrying the detailed model's probability as a
 * hint. The default matter keeps the decisions and mattes the unknown band only, so the person's
 * interior is solid whatever the detailed model said there.
 *
 * <p>At the detailed model's resolution, with the photo's aspect ratio, {@code D} the detailed
 * probability and {@code S} the prior (the mean of a pass on the photo and one on its mirror
 * image, which cancels part of the prior's own noise), {@code M = [S >= 0.5]},
 * {@code F = [D >= 0.5]} and {@code L} the person's size (the long side of the bounding box of
 * {@code M}); every distance is a share of {@code L}, so the rule does not depend on how large the
 * person is in the frame:
 * <ul>
 *   <li><b>person</b> {@code P}: the prior's interior ({@code M} eroded by {@code core * L}), and
 *       every pixel of {@code F} that the prior gives at least 2 % and that lies
 *       within {@code reach * L} of {@code M}, or within three times that on a
 *       part of {@code F} lying mostly inside {@code M} (a hand the prior cut short). Salient
 *       things farther from any person pixel, or where the prior sees nothing (posters, statues, a
 *       cup, a logo beside the head), are background; ISNet's holes deep inside the prior (blurred
 *       faces, dark clothes it misses) are person.</li>
 *   <li><b>unknown</b>: every pixel within {@code edge * L} of the boundary of {@code P}, and,
 *       within {@code soft * L} of it, every pixel where the models disagree or where ISNet is
 *       soft next to its own edge (hair, fur, motion blur): the band is wide where the photo
 *       shows a soft edge and narrow along clothes and skin.</li>
 *   <li>the rest of {@code P} is definite person, the rest definite background.</li>
 * </ul>
 *
 * <p>Thread-safe when both segmenters are. Owns both and closes them.
 */
public final class PersonAwareSegmenter implements Segmenter {
    /** Lowest value of an unknown pixel in the output; below it (exactly 0) is definite background. */
    public static final float UNKNOWN_MIN = 0.03f;
    /** Highest value of an unknown pixel in the output; above it (exactly 1) is definite person. */
    public static final float UNKNOWN_MAX = 0.97f;
    /** ISNet values strictly between these are soft (its own uncertain edge). */
    private static final float SOFT_LOW = 0.05f;
    private static final float SOFT_HIGH = 0.95f;
    /** Share of the image the prior must cover to count as a person; below it ISNet stands alone. */
    private static final float MIN_PERSON_SHARE = 0.002f;
    /** Prior below which ISNet's pixels are not a person's whatever their distance (a logo, a sign beside the head). */
    private static final float PRIOR_TAIL = 0.02f;
    /** How much farther than {@code reach} a part of ISNet's mask that lies mostly in the prior counts (a hand, an arm). */
    private static final float ATTACHED_REACH = 3f;
    private final Segmenter detail;
    private final Segmenter prior;
    private final Settings settings;

    /**
     * Distances of the decision, each as a share of the person's size {@code L = sqrt(area)}.
     *
     * @param core  how far inside the prior's edge the prior alone makes definite person
     * @param reach how far beyond the prior's edge the detailed model's person pixels count
     * @param edge  half-width of the unknown band everywhere along the person's boundary
     * @param soft  half-width up to which the band widens where the models disagree or ISNet is soft
     */
    public record Settings(float core, float reach, float edge, float soft) {
        /** The defaults (see docs/quality.md for how they were chosen). */
        public static final Settings DEFAULT = new Settings(0.05f, 0.04f, 0.005f, 0.04f);

        public Settings {
            if (!(core >= 0f && core < 0.5f) || !(reach >= 0f && reach < 0.5f) || !(edge > 0f && edge < 0.5f)
                    || !(soft >= edge && soft < 0.5f)) {
                throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "invalid person trimap settings " + this);
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
     * @param settings the decision's distances
     */
    public PersonAwareSegmenter(Segmenter detail, Segmenter prior, Settings settings) {
        this.detail = Objects.requireNonNull(detail, "detail");
        this.prior = Objects.requireNonNull(prior, "prior");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    public FloatImage segment(ArgbImage image) {
        return decide(detail.segment(image), priorEvidence(prior, image), image.width(), image.height(), settings);
    }

    /**
     * The person prior as this segmenter uses it: the mean of a pass on the photo and a pass on
     * its mirror image (mirrored back).
     *
     * @param prior the prior's segmenter
     * @param image the photo
     * @return the prior's probability at its own resolution
     */
    public static FloatImage priorEvidence(Segmenter prior, ArgbImage image) {
        FloatImage direct = prior.segment(image);
        FloatImage mirrored = mirror(prior.segment(mirror(image)));
        FloatImage m = mirrored.sameSize(direct) ? mirrored : Resize.bilinear(mirrored, direct.width(), direct.height());
        float[] out = new float[direct.data().length];
        for (int i = 0; i < out.length; i++) {
            out[i] = 0.5f * (direct.data()[i] + m.data()[i]);
        }
        return new FloatImage(direct.width(), direct.height(), out);
    }

    /**
     * The decision on its own, for probabilities computed elsewhere. Both maps cover the whole photo.
     *
     * @param detailProbability the detailed model's probability
     * @param priorProbability  the person prior's probability, at any resolution
     * @param imageWidth        the photo's width, for its aspect ratio
     * @param imageHeight       the photo's height
     * @param settings          the distances
     * @return the trimap-coded probability (see the class description) with the photo's aspect
     *     ratio and the detailed model's long side
     */
    public static FloatImage decide(FloatImage detailProbability, FloatImage priorProbability, int imageWidth,
                                    int imageHeight, Settings settings) {
        int side = Math.max(detailProbability.width(), detailProbability.height());
        float scale = Math.min(1f, (float) side / Math.max(imageWidth, imageHeight));
        int w = Math.max(1, Math.round(imageWidth * scale));
        int h = Math.max(1, Math.round(imageHeight * scale));
        float[] d = Resize.bilinear(detailProbability, w, h).data();
        float[] s = Resize.bilinear(priorProbability, w, h).data();
        int n = w * h;
        boolean[] m = new boolean[n];
        boolean[] f = new boolean[n];
        int area = 0;
        for (int i = 0; i < n; i++) {
            m[i] = s[i] >= 0.5f;
            f[i] = d[i] >= 0.5f;
            area += m[i] ? 1 : 0;
        }
        boolean[] person;
        float size;
        if (area < MIN_PERSON_SHARE * n) {
            // no person in the prior: the detailed model alone says what the subject is
            person = f;
            size = extent(f, w, h);
        } else {
            size = extent(m, w, h);
            boolean[] core = Morphology.erode(m, w, h, radius(settings.core(), size));
            // ISNet's pixels near the prior, or on a part of ISNet's mask that lies mostly in the
            // prior (a hand the prior cut short), are the person's where the prior gives them some chance
            boolean[] near = Morphology.dilate(m, w, h, radius(settings.reach(), size));
            boolean[] attached = attached(f, m, w);
            boolean[] farther = Morphology.dilate(m, w, h, radius(ATTACHED_REACH * settings.reach(), size));
            person = new boolean[n];
            for (int i = 0; i < n; i++) {
                person[i] = core[i] || (f[i] && s[i] > PRIOR_TAIL && (near[i] || (attached[i] && farther[i])));
            }
        }
        boolean[] background = Morphology.not(person);
        int edge = Math.max(1, radius(settings.edge(), size));
        int soft = Math.max(edge, radius(settings.soft(), size));
        boolean[] nearP = Morphology.dilate(person, w, h, edge);
        boolean[] nearB = Morphology.dilate(background, w, h, edge);
        boolean[] wideP = Morphology.dilate(person, w, h, soft);
        boolean[] wideB = Morphology.dilate(background, w, h, soft);
        // ISNet's own edge: pixels next to both of its sides
        boolean[] detailEdge = Morphology.dilate(f, w, h, edge);
        boolean[] detailEdgeB = Morphology.dilate(Morphology.not(f), w, h, edge);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            // the models disagree where ISNet reaches beyond the prior (hair, a hand), where the
            // prior reaches beyond ISNet (its coarse edge, a gap between arm and body) and where
            // ISNet misses part of the person: near the boundary the photo decides
            boolean disagree = f[i] != m[i];
            boolean unsure = disagree || (d[i] > SOFT_LOW && d[i] < SOFT_HIGH && detailEdge[i] && detailEdgeB[i]);
            boolean unknown = (nearP[i] && nearB[i]) || (unsure && wideP[i] && wideB[i]);
            out[i] = unknown ? Math.max(UNKNOWN_MIN, Math.min(UNKNOWN_MAX, d[i])) : (person[i] ? 1f : 0f);
        }
        return new FloatImage(w, h, out);
    }

    /** @return the long side of the bounding box of {@code mask}, at least 1 */
    private static float extent(boolean[] mask, int w, int h) {
        int x0 = w;
        int x1 = -1;
        int y0 = h;
        int y1 = -1;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (mask[y * w + x]) {
                    x0 = Math.min(x0, x);
                    x1 = Math.max(x1, x);
                    y0 = Math.min(y0, y);
                    y1 = Math.max(y1, y);
                }
            }
        }
        return Math.max(1, Math.max(x1 - x0 + 1, y1 - y0 + 1));
    }

    /** @return pixels of the parts of {@code detail} that lie at least half inside {@code prior} */
    private static boolean[] attached(boolean[] detail, boolean[] prior, int w) {
        int[] label = new int[detail.length];
        int count = Components.label(detail, w, label);
        int[] size = new int[count];
        int[] inside = new int[count];
        for (int i = 0; i < label.length; i++) {
            if (label[i] >= 0) {
                size[label[i]]++;
                inside[label[i]] += prior[i] ? 1 : 0;
            }
        }
        boolean[] out = new boolean[detail.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = label[i] >= 0 && 2 * inside[label[i]] >= size[label[i]];
        }
        return out;
    }

    private static int radius(float share, float size) {
        return Math.round(share * size);
    }

    private static ArgbImage mirror(ArgbImage image) {
        int w = image.width();
        int h = image.height();
        int[] src = image.pixels();
        int[] out = new int[src.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                out[y * w + x] = src[y * w + w - 1 - x];
            }
        }
        return new ArgbImage(w, h, out);
    }

    private static FloatImage mirror(FloatImage image) {
        int w = image.width();
        int h = image.height();
        float[] src = image.data();
        float[] out = new float[src.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                out[y * w + x] = src[y * w + w - 1 - x];
            }
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
