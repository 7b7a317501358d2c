package io.bgswap.onnx;

import io.bgswap.spi.BackendProvider;
import io.bgswap.testing.AbstractBackendReliabilityTest;

/** The ONNX Runtime backend held to the shared reliability contract. */
class OnnxBackendReliabilityTest extends AbstractBackendReliabilityTest {
    @Override
    protected BackendProvider provider() {
        return new OnnxBackendProvider();
    }
}
