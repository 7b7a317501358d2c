package io.bgswap.compositing;

import io.bgswap.Compositor;
import io.bgswap.spi.CompositorProvider;

/** Registers {@link LinearLightCompositor} under the name {@code linear}. */
public final class LinearLightCompositorProvider implements CompositorProvider {
    @Override
    public String name() {
        return "linear";
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public Compositor create() {
        return new LinearLightCompositor();
    }
}
