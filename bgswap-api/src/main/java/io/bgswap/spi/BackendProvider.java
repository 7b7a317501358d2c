package io.bgswap.spi;

import io.bgswap.model.ModelFormat;
import io.bgswap.model.ModelSource;

/**
 * What an inference backend registers in {@code META-INF/services/io.bgswap.spi.BackendProvider}.
 * Constructing a provider must be cheap and must not load native code: the engine starts when the
 * first session opens.
 */
public interface BackendProvider {
    /** @return the name users select it by ({@code onnx}, {@code djl}, {@code tf}) */
    String name();

    /** @return rank for automatic choice; the highest available wins */
    int priority();

    /**
     * @param format a model format
     * @return whether {@link #open} accepts models of that format
     */
    boolean supports(ModelFormat format);

    /**
     * Loads a model.
     *
     * @param model   the model
     * @param options device and threads
     * @return an open session
     * @throws io.bgswap.BgSwapException {@code DEVICE_UNAVAILABLE} when an explicit device cannot
     *                                   be used, {@code UNSUPPORTED_MODEL} when the model cannot be loaded
     */
    InferenceSession open(ModelSource model, SessionOptions options);
}
