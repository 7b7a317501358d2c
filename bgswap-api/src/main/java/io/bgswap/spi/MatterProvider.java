package io.bgswap.spi;

import io.bgswap.Matter;

/** Registers a {@link Matter} in {@code META-INF/services/io.bgswap.spi.MatterProvider}. */
public interface MatterProvider {
    /** @return the name users select it by */
    String name();

    /** @return rank for automatic choice; the highest wins */
    int priority();

    /** @return a new matter */
    Matter create();
}
