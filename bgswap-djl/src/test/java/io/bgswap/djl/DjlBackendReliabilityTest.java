package io.bgswap.djl;

import io.bgswap.spi.BackendProvider;
import io.bgswap.testing.AbstractBackendReliabilityTest;

/** The DJL backend held to the shared reliability contract. */
class DjlBackendReliabilityTest extends AbstractBackendReliabilityTest {
    @Override
    protected BackendProvider provider() {
        return new DjlBackendProvider();
    }
}
