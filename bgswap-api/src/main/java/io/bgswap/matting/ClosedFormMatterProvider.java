package io.bgswap.matting;

import io.bgswap.Matter;
import io.bgswap.spi.MatterProvider;

/** Registers {@link ClosedFormMatter} under the name {@code closed-form}. */
public final class ClosedFormMatterProvider implements MatterProvider {
    @Override
    public String name() {
        return "closed-form";
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public Matter create() {
        return new ClosedFormMatter();
    }
}
