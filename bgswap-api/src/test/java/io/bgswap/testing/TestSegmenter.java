package io.bgswap.testing;

import io.bgswap.Device;
import io.bgswap.Segmenter;

/**
 * Base of the segmenters tests write by hand (colour keys, reference mattes): it names itself,
 * reports the {@code test} backend on the CPU, and holds nothing to close. Subclasses implement
 * {@link #segment}.
 */
public abstract class TestSegmenter implements Segmenter {
    private final String modelName;

    /** @param modelName the name it reports */
    protected TestSegmenter(String modelName) {
        this.modelName = modelName;
    }

    @Override
    public String modelName() {
        return modelName;
    }

    @Override
    public String backend() {
        return "test";
    }

    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public void close() {
        // nothing native
    }
}
