package io.bgswap.image;

/**
 * The sRGB transfer function as lookup tables, so that blending can happen in linear light at the
 * cost of two table reads per channel. Thread-safe: the tables are immutable after class load.
 */
public final class Srgb {
    private static final float[] TO_LINEAR = new float[256];
    private static final int ENCODE_STEPS = 8192;
    private static final byte[] TO_SRGB = new byte[ENCODE_STEPS + 1];

    static {
        for (int i = 0; i < 256; i++) {
            double c = i / 255.0;
            TO_LINEAR[i] = (float) (c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4));
        }
        for (int i = 0; i <= ENCODE_STEPS; i++) {
            double l = (double) i / ENCODE_STEPS;
            double c = l <= 0.0031308 ? l * 12.92 : 1.055 * Math.pow(l, 1 / 2.4) - 0.055;
            TO_SRGB[i] = (byte) Math.round(c * 255.0);
        }
    }

    private Srgb() {
    }

    /**
     * @param encoded an sRGB-encoded 8-bit value
     * @return linear light in [0, 1]
     */
    public static float toLinear(int encoded) {
        return TO_LINEAR[encoded & 0xFF];
    }

    /**
     * @param linear linear light; clamped to [0, 1]
     * @return the sRGB-encoded 8-bit value
     */
    public static int toSrgb(float linear) {
        if (!(linear > 0f)) {
            return 0;
        }
        if (linear >= 1f) {
            return 255;
        }
        return TO_SRGB[(int) (linear * ENCODE_STEPS + 0.5f)] & 0xFF;
    }

    /**
     * @param argb packed pixel
     * @return its luma (Rec. 709 weights on encoded values) in [0, 1], used as a filtering guide
     */
    public static float luma(int argb) {
        int r = (argb >> 16) & 0xFF;
        int g = (argb >> 8) & 0xFF;
        int b = argb & 0xFF;
        return LUMA_R * r + LUMA_G * g + LUMA_B * b;
    }

    // Rec. 709 weights already divided by 255: a multiply per channel, no division per pixel.
    private static final float LUMA_R = 0.2126f / 255f;
    private static final float LUMA_G = 0.7152f / 255f;
    private static final float LUMA_B = 0.0722f / 255f;
}
