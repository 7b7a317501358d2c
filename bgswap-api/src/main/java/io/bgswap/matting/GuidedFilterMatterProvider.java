package io.bgswap.matting;

import io.bgswap.Matter;
import io.bgswap.spi.MatterProvider;

/** Registers {@link GuidedFilterMatter} under the name {@code guided}. */
public final class GuidedFilterMatterProvider implements MatterProvider {
    @Override
    public String name() {
        return "guided";
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public Matter create() {
        return new GuidedFilterMatter();
    }
}
