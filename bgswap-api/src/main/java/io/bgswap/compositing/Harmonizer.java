package io.bgswap.compositing;

/**
 * Colour and luminance statistics transfer in CIE Lab (after Reinhard et al. 2001): the person's
 * per-channel mean and standard deviation (weighted by alpha) are moved towards those of the
 * visible background (weighted by {@code 1 - alpha}) by a strength in [0, 1]. The spread ratio is
 * limited to [0.5, 2] so a flat background (a solid colour) shifts the person's tone without
 * flattening it. Not API; thread-safe (no state).
 */
final class Harmonizer {
    private static final float MIN_RATIO = 0.5f;
    private static final float MAX_RATIO = 2f;

    private Harmonizer() {
    }

    /**
     * @param fg       the person's linear RGB channels, changed in place
     * @param alpha    the matte
     * @param back     the background's linear RGB channels
     * @param strength 0 leaves the person alone, 1 matches the statistics fully
     */
    static void match(float[][] fg, float[] alpha, float[][] back, float strength) {
        int n = alpha.length;
        double[] fs = new double[3];
        double[] fq = new double[3];
        double[] bs = new double[3];
        double[] bq = new double[3];
        double fw = 0;
        double bw = 0;
        float[] lab = new float[3];
        for (int i = 0; i < n; i++) {
            float a = Math.max(0f, Math.min(1f, alpha[i]));
            if (a > 0f) {
                Lab.fromLinear(fg[0][i], fg[1][i], fg[2][i], lab);
                for (int c = 0; c < 3; c++) {
                    fs[c] += a * lab[c];
                    fq[c] += a * lab[c] * lab[c];
                }
                fw += a;
            }
            if (a < 1f) {
                Lab.fromLinear(back[0][i], back[1][i], back[2][i], lab);
                for (int c = 0; c < 3; c++) {
                    bs[c] += (1 - a) * lab[c];
                    bq[c] += (1 - a) * lab[c] * lab[c];
                }
                bw += 1 - a;
            }
        }
        if (fw < 1 || bw < 1) {
            return;
        }
        float[] shift = new float[3];
        float[] ratio = new float[3];
        float[] fMean = new float[3];
        for (int c = 0; c < 3; c++) {
            double fm = fs[c] / fw;
            double bm = bs[c] / bw;
            double fsd = Math.sqrt(Math.max(0, fq[c] / fw - fm * fm));
            double bsd = Math.sqrt(Math.max(0, bq[c] / bw - bm * bm));
            double r = fsd > 1e-3 ? bsd / fsd : 1;
            fMean[c] = (float) fm;
            ratio[c] = (float) Math.max(MIN_RATIO, Math.min(MAX_RATIO, r));
            shift[c] = (float) (bm - fm);
        }
        float[] rgb = new float[3];
        for (int i = 0; i < n; i++) {
            if (alpha[i] <= 0f) {
                continue;
            }
            Lab.fromLinear(fg[0][i], fg[1][i], fg[2][i], lab);
            for (int c = 0; c < 3; c++) {
                float target = fMean[c] + shift[c] + (lab[c] - fMean[c]) * ratio[c];
                lab[c] += strength * (target - lab[c]);
            }
            Lab.toLinear(lab[0], lab[1], lab[2], rgb);
            for (int c = 0; c < 3; c++) {
                fg[c][i] = Math.max(0f, Math.min(1f, rgb[c]));
            }
        }
    }
}
