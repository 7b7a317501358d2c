package io.bgswap.eval;

/**
 * Matte errors over one set of pixels (the whole image, or the boundary band). Units follow the
 * alphamatting.com benchmark (Rhemann et al. 2009) with alpha in {@code [0, 1]}: {@code sad},
 * {@code gradient} and {@code connectivity} are sums over the pixels divided by 1000; {@code mse}
 * and {@code mad} are means over the pixels. Immutable and thread-safe.
 *
 * @param sad          sum of absolute differences / 1000
 * @param mse          mean squared difference
 * @param gradient     sum of squared differences of Gaussian-gradient magnitudes (sigma 1.4) / 1000
 * @param connectivity connectivity error (threshold step 0.1, theta 0.15, p = 1) / 1000
 * @param mad          mean absolute difference
 * @param iou          intersection over union of {@code alpha >= 0.5} masks (1 when both are empty)
 * @param pixels       how many pixels the set holds
 */
public record ErrorSet(double sad, double mse, double gradient, double connectivity, double mad, double iou, long pixels) {
}
