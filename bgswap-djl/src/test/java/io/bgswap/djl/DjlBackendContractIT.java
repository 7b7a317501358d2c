package io.bgswap.djl;

import io.bgswap.spi.BackendProvider;
import io.bgswap.testing.AbstractBackendContractTest;

/** The shared backend contract on DJL's PyTorch engine, with parity against ONNX Runtime. */
class DjlBackendContractIT extends AbstractBackendContractTest {
    @Override
    protected BackendProvider provider() {
        return new DjlBackendProvider();
    }
}
