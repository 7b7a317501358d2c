package io.bgswap.tf;

import io.bgswap.spi.BackendProvider;
import io.bgswap.testing.AbstractBackendContractTest;

/** The shared backend contract, on TensorFlow, with the tighter parity this backend reaches. */
class TfBackendContractIT extends AbstractBackendContractTest {
    @Override
    protected BackendProvider provider() {
        return new TfBackendProvider();
    }

    @Override
    protected double[] parityTolerance(String model) {
        return switch (model) {
            case "isnet-medium" -> new double[] {1e-3, 1e-4};
            case "isnet-small" -> super.parityTolerance(model);
            default -> new double[] {1e-4, 1e-5};
        };
    }
}
