package io.bgswap.onnx;

import io.bgswap.spi.BackendProvider;
import io.bgswap.testing.AbstractBackendContractTest;

/** The shared backend contract, on ONNX Runtime. */
class OnnxBackendContractIT extends AbstractBackendContractTest {
    @Override
    protected BackendProvider provider() {
        return new OnnxBackendProvider();
    }
}
