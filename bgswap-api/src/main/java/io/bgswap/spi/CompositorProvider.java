package io.bgswap.spi;

import io.bgswap.Compositor;

/** Registers a {@link Compositor} in {@code META-INF/services/io.bgswap.spi.CompositorProvider}. */
public interface CompositorProvider {
    /** @return the name users select it by */
    String name();

    /** @return rank for automatic choice; the highest wins */
    int priority();

    /** @return a new compositor */
    Compositor create();
}
