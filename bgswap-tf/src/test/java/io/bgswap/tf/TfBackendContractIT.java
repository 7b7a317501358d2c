package io.bgswap.tf;

import io.bgswap.spi.BackendProvider;
import io.bgswap.testing.AbstractBackendContractTest;

/** The shared backend contract on TensorFlow, with parity against ONNX Runtime. */
class TfBackendContractIT extends AbstractBackendContractTest {
    @Override
    protected BackendProvider provider() {
        return new TfBackendProvider();
    }
}
