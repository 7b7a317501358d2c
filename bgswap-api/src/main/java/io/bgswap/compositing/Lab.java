package io.bgswap.compositing;

/** CIE L*a*b* (D65) from and to linear sRGB. Not API; thread-safe (no state). */
final class Lab {
    private static final double XN = 0.95047;
    private static final double YN = 1.0;
    private static final double ZN = 1.08883;

    private Lab() {
    }

    /** @return {@code {L, a, b}} of a linear sRGB colour */
    static void fromLinear(float r, float g, float b, float[] out) {
        double x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / XN;
        double y = (0.2126729 * r + 0.7151522 * g + 0.0721750 * b) / YN;
        double z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / ZN;
        double fx = f(x);
        double fy = f(y);
        double fz = f(z);
        out[0] = (float) (116 * fy - 16);
        out[1] = (float) (500 * (fx - fy));
        out[2] = (float) (200 * (fy - fz));
    }

    /** Writes the linear sRGB colour of {@code L, a, b} (not clamped) into {@code out}. */
    static void toLinear(float l, float a, float b, float[] out) {
        double fy = (l + 16) / 116.0;
        double fx = fy + a / 500.0;
        double fz = fy - b / 200.0;
        double x = fInv(fx) * XN;
        double y = fInv(fy) * YN;
        double z = fInv(fz) * ZN;
        out[0] = (float) (3.2404542 * x - 1.5371385 * y - 0.4985314 * z);
        out[1] = (float) (-0.9692660 * x + 1.8760108 * y + 0.0415560 * z);
        out[2] = (float) (0.0556434 * x - 0.2040259 * y + 1.0572252 * z);
    }

    private static double f(double t) {
        return t > 216.0 / 24389 ? Math.cbrt(t) : (24389.0 / 27 * t + 16) / 116;
    }

    private static double fInv(double t) {
        double t3 = t * t * t;
        return t3 > 216.0 / 24389 ? t3 : (116 * t - 16) * 27 / 24389.0;
    }
}
