package io.bgswap.eval;

/**
 * The errors of one predicted matte against its reference. Immutable and thread-safe.
 *
 * @param overall errors over every pixel
 * @param band    errors over the boundary band (see {@link MatteEvaluator#boundaryBand})
 * @param visible see-through and ghost shares away from the edges
 */
public record MatteMetrics(ErrorSet overall, ErrorSet band, VisibleErrors visible) {
}
