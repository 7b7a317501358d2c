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
        public static final Settings DEFAULT = new Settings(0.05f, 0.04f, 0.003f, 0.04f);

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
     * its mirror image (mirrored back), which cancels part of the prior's own noise; and where the
     * person covers a small part of the frame (full-body and group shots, a person far away), a
     * second such pass on a crop around the person, so that the prior sees the person at several
     * times its own input resolution. The crop's result replaces the whole photo's inside the crop,
     * blended over a ramp along the crop's edges that lie inside the photo.
     *
     * @param prior the prior's segmenter
     * @param image the photo
     * @return the prior's probability covering the whole photo, at the prior's resolution or, after
     *     a crop pass, at the crop pass's resolution (at most {@value #PRIOR_MAX_SIDE} pixels on the
     *     long side)
     */
    public static FloatImage priorEvidence(Segmenter prior, ArgbImage image) {
        FloatImage whole = mirroredMean(prior, image);
        int[] box = personBox(whole, image.width(), image.height());
        if (box == null) {
            return whole;
        }
        ArgbImage crop = crop(image, box);
        return paste(whole, mirroredMean(prior, crop), box, image.width(), image.height());
    }

    /** Share of the person's size added around its box for the crop pass (context for the prior). */
    static final float CROP_MARGIN = 0.15f;
    /** The crop pass runs when the crop covers at most this share of the photo's area. */
    static final float CROP_MAX_AREA = 0.5f;
    /** Long side of the prior's output after a crop pass, at most. */
    static final int PRIOR_MAX_SIDE = 1024;

    private static FloatImage mirroredMean(Segmenter prior, ArgbImage image) {
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
     * @return {@code {x0, y0, x1, y1}} (photo pixels, end exclusive) of the person's box with its
     *     margin, or {@code null} when there is no person or the crop would gain too little
     */
    static int[] personBox(FloatImage prior, int imageWidth, int imageHeight) {
        int gw = prior.width();
        int gh = prior.height();
        float[] p = prior.data();
        int x0 = gw;
        int y0 = gh;
        int x1 = -1;
        int y1 = -1;
        int area = 0;
        for (int y = 0; y < gh; y++) {
            for (int x = 0; x < gw; x++) {
                if (p[y * gw + x] >= 0.5f) {
                    area++;
                    x0 = Math.min(x0, x);
                    x1 = Math.max(x1, x);
                    y0 = Math.min(y0, y);
                    y1 = Math.max(y1, y);
                }
            }
        }
        if (area < MIN_PERSON_SHARE * gw * gh) {
            return null;
        }
        double sx = (double) imageWidth / gw;
        double sy = (double) imageHeight / gh;
        double bx0 = x0 * sx;
        double by0 = y0 * sy;
        double bx1 = (x1 + 1) * sx;
        double by1 = (y1 + 1) * sy;
        double margin = CROP_MARGIN * Math.max(bx1 - bx0, by1 - by0);
        int[] box = {
            (int) Math.max(0, Math.floor(bx0 - margin)), (int) Math.max(0, Math.floor(by0 - margin)),
            (int) Math.min(imageWidth, Math.ceil(bx1 + margin)), (int) Math.min(imageHeight, Math.ceil(by1 + margin))};
        long cropArea = (long) (box[2] - box[0]) * (box[3] - box[1]);
        return cropArea <= CROP_MAX_AREA * imageWidth * imageHeight ? box : null;
    }

    private static ArgbImage crop(ArgbImage image, int[] box) {
        int cw = box[2] - box[0];
        int ch = box[3] - box[1];
        int[] out = new int[cw * ch];
        for (int y = 0; y < ch; y++) {
            System.arraycopy(image.pixels(), (box[1] + y) * image.width() + box[0], out, y * cw, cw);
        }
        return new ArgbImage(cw, ch, out);
    }

    /** The whole photo's prior with the crop's pasted in, at the crop's resolution (capped). */
    private static FloatImage paste(FloatImage whole, FloatImage near, int[] box, int imageWidth, int imageHeight) {
        int cw = box[2] - box[0];
        int ch = box[3] - box[1];
        // the crop's grid spacing, in photo pixels, sets the output's
        double pixel = Math.min((double) cw / near.width(), (double) ch / near.height());
        pixel = Math.max(pixel, (double) Math.max(imageWidth, imageHeight) / PRIOR_MAX_SIDE);
        int ow = Math.max(1, (int) Math.round(imageWidth / pixel));
        int oh = Math.max(1, (int) Math.round(imageHeight / pixel));
        double ramp = Math.max(1, CROP_MARGIN / 2 * Math.max(cw, ch) / (1 + 2 * CROP_MARGIN));
        float[] out = new float[ow * oh];
        for (int oy = 0; oy < oh; oy++) {
            double iy = (oy + 0.5) * imageHeight / oh;
            for (int ox = 0; ox < ow; ox++) {
                double ix = (ox + 0.5) * imageWidth / ow;
                float w = whole.sample(ix * whole.width() / imageWidth, iy * whole.height() / imageHeight);
                if (ix >= box[0] && ix < box[2] && iy >= box[1] && iy < box[3]) {
                    // distance to the crop's edges that are not the photo's own
                    double d = Double.MAX_VALUE;
                    d = box[0] > 0 ? Math.min(d, ix - box[0]) : d;
                    d = box[1] > 0 ? Math.min(d, iy - box[1]) : d;
                    d = box[2] < imageWidth ? Math.min(d, box[2] - ix) : d;
                    d = box[3] < imageHeight ? Math.min(d, box[3] - iy) : d;
                    float t = (float) Math.min(1, d / ramp);
                    float n = near.sample((ix - box[0]) * near.width() / cw, (iy - box[1]) * near.height() / ch);
                    w = t * n + (1 - t) * w;
                }
                out[oy * ow + ox] = w;
            }
        }
        return new FloatImage(ow, oh, out);
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
