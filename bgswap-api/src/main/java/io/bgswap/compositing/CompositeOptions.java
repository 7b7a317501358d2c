package io.bgswap.compositing;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;

/**
 * How {@link LinearLightCompositor} puts the person on the new background. Immutable and
 * thread-safe; build with {@link #builder()} or start from {@link #DEFAULT}.
 *
 * @param decontaminate   move semi-transparent pixels towards the person's estimated own colour, in
 *                        proportion to alpha ({@link io.bgswap.matting.ForegroundEstimator#decontaminate}),
 *                        so less of the old background bleeds into the new one; default off (a small
 *                        gain with predicted mattes for 0.18 s per photo, see docs/quality.md)
 * @param harmonize       strength in [0, 1] of matching the person's colour and luminance statistics
 *                        (mean and spread in CIE Lab) to the visible new background; default 0 (off)
 * @param lightWrap       strength in [0, 1] of background light spilling over the person's edge;
 *                        default 0 (off)
 * @param lightWrapRadius how far the light wraps, in pixels; 0 picks about 1 % of the long side
 */
public record CompositeOptions(boolean decontaminate, float harmonize, float lightWrap, float lightWrapRadius) {
    /**
     * Everything off. Foreground estimation is off by default because, measured on the evaluation
     * portraits composited over strong colours, it lowers the colour error in the boundary band
     * three-fold with an exact matte but not with a predicted one (docs/quality.md).
     */
    public static final CompositeOptions DEFAULT = new CompositeOptions(false, 0f, 0f, 0f);
    /** Plain alpha blending in linear light, nothing else (the behaviour before these options). */
    public static final CompositeOptions PLAIN = new CompositeOptions(false, 0f, 0f, 0f);

    public CompositeOptions {
        if (!(harmonize >= 0f && harmonize <= 1f)) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "harmonize strength must be in [0, 1], was " + harmonize);
        }
        if (!(lightWrap >= 0f && lightWrap <= 1f)) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "light wrap strength must be in [0, 1], was " + lightWrap);
        }
        if (!(lightWrapRadius >= 0f)) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "light wrap radius must be >= 0, was " + lightWrapRadius);
        }
    }

    /** @return a builder starting from {@link #DEFAULT} */
    public static Builder builder() {
        return new Builder(DEFAULT);
    }

    /** @return a builder starting from these options */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builds {@link CompositeOptions}. Not thread-safe. */
    public static final class Builder {
        private boolean decontaminate;
        private float harmonize;
        private float lightWrap;
        private float lightWrapRadius;

        private Builder(CompositeOptions from) {
            decontaminate = from.decontaminate;
            harmonize = from.harmonize;
            lightWrap = from.lightWrap;
            lightWrapRadius = from.lightWrapRadius;
        }

        /** @param on estimate foreground colours in semi-transparent pixels @return this */
        public Builder decontaminate(boolean on) {
            this.decontaminate = on;
            return this;
        }

        /** @param strength colour/luminance matching strength in [0, 1] @return this */
        public Builder harmonize(float strength) {
            this.harmonize = strength;
            return this;
        }

        /** @param strength light wrap strength in [0, 1] @return this */
        public Builder lightWrap(float strength) {
            this.lightWrap = strength;
            return this;
        }

        /** @param radius light wrap reach in pixels, 0 for automatic @return this */
        public Builder lightWrapRadius(float radius) {
            this.lightWrapRadius = radius;
            return this;
        }

        /** @return the options */
        public CompositeOptions build() {
            return new CompositeOptions(decontaminate, harmonize, lightWrap, lightWrapRadius);
        }
    }
}
