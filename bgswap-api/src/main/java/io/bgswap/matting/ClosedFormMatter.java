package io.bgswap.matting;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;
import io.bgswap.Matter;
import io.bgswap.image.ArgbImage;
import io.bgswap.image.FloatImage;
import io.bgswap.image.Resize;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The matting-refinement {@link Matter} for stills: a trimap band around the boundary of the coarse
 * probability, and closed-form matting (Levin, Lischinski and Weiss 2008) solved inside that band
 * at a reduced working resolution.
 *
 * <ol>
 *   <li>The photo and the probability are brought to the working resolution (long side
 *       {@code workingSize}); a {@link Trimap} marks as unknown the pixels the model is unsure
 *       about and a band of {@code bandRadius} working pixels around its 0.5 boundary, except
 *       where the segmenter has decided (values of exactly 0 or 1, see {@link Matter}): a
 *       segmenter that draws its own unknown band is matted in that band only.</li>
 *   <li>Inside the band alpha minimises {@code a' L a + lambda |a - p|^2}, with {@code L} the
 *       matting Laplacian of the colour photo (windows of radius {@code radius}, regularisation
 *       {@code eps}), the known pixels fixed to 0 or 1 and a weak pull {@code lambda} towards the
 *       model's probability {@code p} where colour alone cannot decide. The system is solved by
 *       conjugate gradients with the Laplacian applied through box filters, never formed.</li>
 *   <li>The solution is upsampled bilinearly to the photo's size; pixels outside the band keep
 *       their known value, exactly 0 or 1. (Carrying the solution's local linear model to full
 *       resolution instead was measured too and gave larger errors on the evaluation set.)</li>
 * </ol>
 *
 * Thread-safe: holds only immutable settings; each call allocates its own buffers.
 */
public final class ClosedFormMatter implements Matter {
    private static final Logger LOG = LoggerFactory.getLogger(ClosedFormMatter.class);

    private final Settings settings;

    /**
     * Settings of the solve.
     *
     * @param workingSize   long side of the resolution the solve runs at
     * @param bandRadius    half-width of the unknown band around the boundary, in working pixels
     * @param radius        radius of the matting Laplacian's windows
     * @param eps           regularisation of the windows' colour covariance (sRGB / 255 units)
     * @param lambda        pull towards the model's probability inside the band
     * @param iterations    most conjugate-gradient iterations
     * @param tolerance     relative residual at which the solve stops
     */
    public record Settings(int workingSize, int bandRadius, int radius, float eps, float lambda, int iterations,
                           float tolerance) {
        /** The defaults, chosen on the evaluation set (see docs/quality.md). */
        public static final Settings DEFAULT = new Settings(640, 6, 1, 1e-5f, 0.01f, 12, 1e-3f);

        public Settings {
            if (workingSize < 16 || bandRadius < 1 || radius < 1 || !(eps > 0f) || !(lambda >= 0f) || iterations < 1
                    || !(tolerance > 0f)) {
                throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "invalid closed-form matting settings " + this);
            }
        }
    }

    /** A matter with {@link Settings#DEFAULT}. */
    public ClosedFormMatter() {
        this(Settings.DEFAULT);
    }

    /** @param settings the settings */
    public ClosedFormMatter(Settings settings) {
        this.settings = java.util.Objects.requireNonNull(settings, "settings");
    }

    /** @return the settings in use */
    public Settings settings() {
        return settings;
    }

    @Override
    public FloatImage refine(ArgbImage image, FloatImage probability) {
        int w = image.width();
        int h = image.height();
        float scale = Math.min(1f, (float) settings.workingSize() / Math.max(w, h));
        int ww = Math.max(1, Math.round(w * scale));
        int wh = Math.max(1, Math.round(h * scale));
        FloatImage[] low = ww == w && wh == h ? channels(image) : channels(image, ww, wh);
        FloatImage p = Resize.bilinear(probability, ww, wh);
        Trimap trimap = Trimap.fromProbability(p, settings.bandRadius(), 0.02f, 0.98f, decisions(probability, ww, wh));
        ColorGuide guide = new ColorGuide(low, settings.radius(), settings.eps());
        float[] alpha = solve(guide, trimap, p.data());
        return new FloatImage(w, h, toPhotoSize(alpha, trimap.labels(), ww, wh, w, h));
    }

    /**
     * @param probability a segmenter's output
     * @param width       the working width
     * @param height      the working height
     * @return at the working size, the share of each pixel that the segmenter decided (values of
     *     exactly 0 or 1, see {@link Matter}): the bilinear resampling of a mask of its decisions
     */
    static FloatImage decisions(FloatImage probability, int width, int height) {
        float[] p = probability.data();
        return Resize.bilinear(probability.width(), probability.height(), i -> p[i] == 0f || p[i] == 1f,
                FloatImage.create(width, height));
    }

    /**
     * The solution brought to the photo's size: resampled bilinearly and clamped to {@code [0, 1]}
     * where a pixel takes a share of an unknown working pixel; elsewhere only known pixels (exactly
     * 0 or 1) contribute, and the pixel keeps the nearer of the two values. Besides the result it
     * allocates one mask of working rows by photo columns, no second photo-sized plane.
     *
     * @param alpha  the solution at the working size
     * @param labels the trimap's labels at the working size
     * @param ww     the working width
     * @param wh     the working height
     * @param w      the photo's width
     * @param h      the photo's height
     * @return the alpha matte at {@code w x h} (may be {@code alpha} when the sizes are equal)
     */
    static float[] toPhotoSize(float[] alpha, byte[] labels, int ww, int wh, int w, int h) {
        float[] out = ww == w && wh == h ? alpha : Resize.bilinear(new FloatImage(ww, wh, alpha), FloatImage.create(w, h)).data();
        Resize.Axis ax = Resize.Axis.of(ww, w);
        Resize.Axis ay = Resize.Axis.of(wh, h);
        // per working row and photo column: does the column's sample take a share of an unknown
        // pixel of that row (the lower neighbour always, the upper one when its weight is above 0)
        boolean[] reach = new boolean[wh * w];
        for (int r = 0; r < wh; r++) {
            int row = r * ww;
            for (int x = 0; x < w; x++) {
                reach[r * w + x] = labels[row + ax.lo()[x]] == Trimap.UNKNOWN
                        || (ax.weight()[x] > 0f && labels[row + ax.hi()[x]] == Trimap.UNKNOWN);
            }
        }
        for (int y = 0; y < h; y++) {
            int upper = ay.lo()[y] * w;
            int lower = ay.weight()[y] > 0f ? ay.hi()[y] * w : upper;
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                float v = out[i];
                if (reach[upper + x] || reach[lower + x]) {
                    out[i] = v < 0f ? 0f : (v > 1f ? 1f : v);
                } else {
                    out[i] = v >= 0.5f ? 1f : 0f;
                }
            }
        }
        return out;
    }

    /**
     * Conjugate gradients on the unknown pixels of {@code (L + lambda) a = lambda p}, with the known
     * pixels held at 0 or 1.
     */
    float[] solve(ColorGuide guide, Trimap trimap, float[] p) {
        byte[] labels = trimap.labels();
        int n = labels.length;
        float lambda = settings.lambda();
        float[] x = new float[n];
        boolean[] free = new boolean[n];
        int unknown = 0;
        for (int i = 0; i < n; i++) {
            if (labels[i] == Trimap.UNKNOWN) {
                free[i] = true;
                x[i] = p[i];
                unknown++;
            } else {
                x[i] = labels[i] == Trimap.FOREGROUND ? 1f : 0f;
            }
        }
        if (unknown == 0) {
            return x;
        }
        // the products are read at unknown pixels only: where these lie in under a quarter of the
        // blocks (a trimap's band), compute them there alone; per pixel the blocks cost about
        // three times the whole image's filters (3.2x with every block of a 640 x 427 plane)
        int[] active = guide.blocksOf(free);
        int[] blocks = (long) active.length * ColorGuide.BLOCK * ColorGuide.BLOCK < n / 4 ? active : null;
        float[] lx = new float[n];
        laplacian(guide, x, lx, blocks);
        float[] res = new float[n];
        double rr = 0;
        double bnorm = 0;
        for (int i = 0; i < n; i++) {
            if (free[i]) {
                res[i] = lambda * (p[i] - x[i]) - lx[i];
                rr += (double) res[i] * res[i];
                bnorm += (double) (lambda * p[i]) * (lambda * p[i]) + (double) lx[i] * lx[i];
            }
        }
        double stop = settings.tolerance() * settings.tolerance() * Math.max(bnorm, 1e-12);
        float[] d = res.clone();
        float[] ad = new float[n];
        int it = 0;
        while (it < settings.iterations() && rr > stop) {
            laplacian(guide, d, ad, blocks);
            double dad = 0;
            for (int i = 0; i < n; i++) {
                if (free[i]) {
                    ad[i] += lambda * d[i];
                    dad += (double) d[i] * ad[i];
                } else {
                    ad[i] = 0f;
                }
            }
            if (!(dad > 0)) {
                break;
            }
            float step = (float) (rr / dad);
            double rrNew = 0;
            for (int i = 0; i < n; i++) {
                if (free[i]) {
                    x[i] += step * d[i];
                    res[i] -= step * ad[i];
                    rrNew += (double) res[i] * res[i];
                }
            }
            float beta = (float) (rrNew / rr);
            for (int i = 0; i < n; i++) {
                d[i] = free[i] ? res[i] + beta * d[i] : 0f;
            }
            rr = rrNew;
            it++;
        }
        LOG.debug("closed-form matting: {} unknown of {} pixels, {} CG iterations, residual {}", unknown, n, it,
                Math.sqrt(rr / Math.max(bnorm, 1e-12)));
        for (int i = 0; i < n; i++) {
            x[i] = x[i] < 0f ? 0f : (x[i] > 1f ? 1f : x[i]);
        }
        return x;
    }

    private static void laplacian(ColorGuide guide, float[] x, float[] out, int[] blocks) {
        if (blocks == null) {
            guide.laplacian(x, out);
        } else {
            guide.laplacianAt(x, out, blocks);
        }
    }

    /**
     * @param image  a photo
     * @param width  the working width
     * @param height the working height
     * @return its red, green and blue channels as sRGB values / 255, shrunk to the working size
     *     straight from the packed pixels
     */
    static FloatImage[] channels(ArgbImage image, int width, int height) {
        float[] scratch = new float[(image.width() / Math.max(1, image.width() / width))
                * (image.height() / Math.max(1, image.height() / height))];
        FloatImage[] out = new FloatImage[3];
        for (int c = 0; c < 3; c++) {
            out[c] = Resize.area(image, c, FloatImage.create(width, height), scratch);
        }
        return out;
    }

    /**
     * @param image a photo
     * @return its red, green and blue channels as sRGB values / 255
     */
    static FloatImage[] channels(ArgbImage image) {
        int[] px = image.pixels();
        int n = px.length;
        float[] r = new float[n];
        float[] g = new float[n];
        float[] b = new float[n];
        for (int i = 0; i < n; i++) {
            int v = px[i];
            r[i] = ((v >> 16) & 0xFF) / 255f;
            g[i] = ((v >> 8) & 0xFF) / 255f;
            b[i] = (v & 0xFF) / 255f;
        }
        return new FloatImage[] {new FloatImage(image.width(), image.height(), r),
            new FloatImage(image.width(), image.height(), g), new FloatImage(image.width(), image.height(), b)};
    }
}
