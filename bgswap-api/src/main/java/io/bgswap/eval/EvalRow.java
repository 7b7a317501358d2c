package io.bgswap.eval;

/**
 * The result for one image of an evaluation run. Immutable and thread-safe.
 *
 * @param name    the sample's name
 * @param width   image width
 * @param height  image height
 * @param metrics errors against the reference
 * @param seconds time spent producing the matte (segmentation and matting)
 */
public record EvalRow(String name, int width, int height, MatteMetrics metrics, double seconds) {
}
