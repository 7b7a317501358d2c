package io.bgswap.video;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;
import io.bgswap.compositing.LinearLightCompositor;
import io.bgswap.image.ArgbImage;
import io.bgswap.image.FloatImage;

/**
 * A test clip with a known alpha matte for every frame, made from one matted still: the person
 * (photo + reference alpha) moves and changes scale over a background, with pauses between the
 * moves and a little sensor noise, the way a person in a video call shifts about: still for the
 * first fifth, a move sideways while coming closer, a pause, a move back while stepping away, and
 * still again (about 40 % of the frames move). Used to measure
 * temporal coherence (dtSSD) and per-frame error where no matted video is at hand.
 *
 * <p>Immutable after construction and thread-safe: {@link #render} writes only into the caller's
 * buffers.
 */
public final class SyntheticClip {
    private final ArgbImage person;
    private final FloatImage personAlpha;
    private final ArgbImage background;
    private final int width;
    private final int height;
    private final int frames;
    private final int bx0;
    private final int by0;
    private final int bw;
    private final int bh;

    /**
     * @param person      the photo of the person
     * @param personAlpha its alpha matte, same size
     * @param background  what the person moves over (scaled to cover the frame)
     * @param width       frame width
     * @param height      frame height
     * @param frames      number of frames, at least 2
     */
    public SyntheticClip(ArgbImage person, FloatImage personAlpha, ArgbImage background, int width, int height, int frames) {
        if (person.width() != personAlpha.width() || person.height() != personAlpha.height()) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "person and alpha differ in size");
        }
        if (frames < 2) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "a clip needs at least 2 frames");
        }
        this.person = person;
        this.personAlpha = personAlpha;
        this.background = LinearLightCompositor.cover(background, width, height);
        this.width = width;
        this.height = height;
        this.frames = frames;
        // bounding box of the person
        int minX = person.width();
        int minY = person.height();
        int maxX = -1;
        int maxY = -1;
        float[] a = personAlpha.data();
        for (int y = 0; y < person.height(); y++) {
            for (int x = 0; x < person.width(); x++) {
                if (a[y * person.width() + x] > 0.02f) {
                    minX = Math.min(minX, x);
                    maxX = Math.max(maxX, x);
                    minY = Math.min(minY, y);
                    maxY = Math.max(maxY, y);
                }
            }
        }
        if (maxX < 0) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "the alpha matte holds no person");
        }
        bx0 = minX;
        by0 = minY;
        bw = maxX - minX + 1;
        bh = maxY - minY + 1;
    }

    /** @return frame width */
    public int width() {
        return width;
    }

    /** @return frame height */
    public int height() {
        return height;
    }

    /** @return number of frames */
    public int frames() {
        return frames;
    }

    /**
     * Renders frame {@code t}.
     *
     * @param t        frame index in {@code [0, frames)}
     * @param frameOut receives the frame, {@code width x height}
     * @param alphaOut receives the true alpha, {@code width x height}, or {@code null}
     */
    public void render(int t, ArgbImage frameOut, FloatImage alphaOut) {
        double u = (double) t / (frames - 1);
        // pauses and moves: hold, move right and grow, hold, move back and shrink, hold
        double k1 = ease(u, 0.20, 0.42);
        double k2 = ease(u, 0.62, 0.82);
        double centreX = width * (0.38 + 0.24 * k1 - 0.14 * k2);
        double personHeight = height * (0.80 + 0.12 * k1 - 0.20 * k2);
        double scale = personHeight / bh;
        double left = centreX - bw * scale / 2;
        double top = height - personHeight; // standing on the bottom edge
        int[] bg = background.pixels();
        int[] out = frameOut.pixels();
        float[] ao = alphaOut != null ? alphaOut.data() : null;
        int pw = person.width();
        int[] pp = person.pixels();
        float[] pa = personAlpha.data();
        long seed = 0x9E3779B97F4A7C15L * (t + 1);
        for (int y = 0; y < height; y++) {
            double sy = (y + 0.5 - top) / scale - 0.5 + by0;
            for (int x = 0; x < width; x++) {
                int i = y * width + x;
                double sx = (x + 0.5 - left) / scale - 0.5 + bx0;
                float alpha = 0f;
                int fg = 0;
                if (sx >= bx0 - 1 && sx <= bx0 + bw && sy >= by0 - 1 && sy <= by0 + bh) {
                    int x0 = clampInt((int) Math.floor(sx), 0, pw - 1);
                    int y0 = clampInt((int) Math.floor(sy), 0, person.height() - 1);
                    int x1 = Math.min(x0 + 1, pw - 1);
                    int y1 = Math.min(y0 + 1, person.height() - 1);
                    float wx = (float) Math.max(0, Math.min(1, sx - x0));
                    float wy = (float) Math.max(0, Math.min(1, sy - y0));
                    alpha = lerp(lerp(pa[y0 * pw + x0], pa[y0 * pw + x1], wx), lerp(pa[y1 * pw + x0], pa[y1 * pw + x1], wx), wy);
                    if (alpha > 0f) {
                        fg = mix(mix(pp[y0 * pw + x0], pp[y0 * pw + x1], wx), mix(pp[y1 * pw + x0], pp[y1 * pw + x1], wx), wy);
                    }
                }
                int px = alpha > 0f ? mix(bg[i], fg, alpha) : bg[i];
                // sensor noise, +-2 levels, same on all channels
                seed ^= seed << 13;
                seed ^= seed >>> 7;
                seed ^= seed << 17;
                int noise = (int) ((seed >>> 40) % 5) - 2;
                out[i] = 0xFF000000 | addNoise(px, noise);
                if (ao != null) {
                    ao[i] = alpha;
                }
            }
        }
    }

    private static double ease(double u, double from, double to) {
        if (u <= from) {
            return 0;
        }
        if (u >= to) {
            return 1;
        }
        double s = (u - from) / (to - from);
        return s * s * (3 - 2 * s);
    }

    private static int addNoise(int px, int noise) {
        int r = clampInt(((px >> 16) & 0xFF) + noise, 0, 255);
        int g = clampInt(((px >> 8) & 0xFF) + noise, 0, 255);
        int b = clampInt((px & 0xFF) + noise, 0, 255);
        return r << 16 | g << 8 | b;
    }

    private static int mix(int a, int b, float w) {
        int r = Math.round(((a >> 16) & 0xFF) + (((b >> 16) & 0xFF) - ((a >> 16) & 0xFF)) * w);
        int g = Math.round(((a >> 8) & 0xFF) + (((b >> 8) & 0xFF) - ((a >> 8) & 0xFF)) * w);
        int bl = Math.round((a & 0xFF) + ((b & 0xFF) - (a & 0xFF)) * w);
        return 0xFF000000 | r << 16 | g << 8 | bl;
    }

    private static float lerp(float a, float b, float w) {
        return a + (b - a) * w;
    }

    private static int clampInt(int v, int lo, int hi) {
        return v < lo ? lo : (v > hi ? hi : v);
    }
}
