package io.bgswap.tf;

import io.bgswap.spi.BackendProvider;
import io.bgswap.testing.AbstractBackendReliabilityTest;

/** The TensorFlow backend held to the shared reliability contract. */
class TfBackendReliabilityTest extends AbstractBackendReliabilityTest {
    @Override
    protected BackendProvider provider() {
        return new TfBackendProvider();
    }
}
