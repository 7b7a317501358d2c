package io.bgswap.eval;

/**
 * The two errors a viewer notices at once and the alphamatting.com measures hardly see: a person
 * the new background shows through, and a ghost of the old scene left standing in the new one.
 * Both are shares of pixels whose reference is certain and well away from any edge, so that a
 * soft edge drawn a little wider or narrower than the reference does not count. Immutable and
 * thread-safe.
 *
 * @param seeThrough  among pixels with reference alpha at least {@value MatteEvaluator#SOLID_REFERENCE}
 *                    and more than {@value MatteEvaluator#VISIBLE_MARGIN} pixels (Chebyshev distance)
 *                    from any reference pixel below it, the share whose predicted alpha is below
 *                    {@value MatteEvaluator#SEE_THROUGH_BELOW}; 0 when there are no such pixels
 * @param ghost       among pixels with reference alpha at most {@value MatteEvaluator#CLEAR_REFERENCE}
 *                    and more than {@value MatteEvaluator#VISIBLE_MARGIN} pixels from any reference
 *                    pixel above it, the share whose predicted alpha is above
 *                    {@value MatteEvaluator#GHOST_ABOVE}; 0 when there are no such pixels
 * @param solidPixels how many pixels the see-through share is taken over
 * @param clearPixels how many pixels the ghost share is taken over
 */
public record VisibleErrors(double seeThrough, double ghost, long solidPixels, long clearPixels) {
}
