package io.bgswap.djl;

import io.bgswap.spi.BackendProvider;
import io.bgswap.testing.AbstractBackendContractTest;

/** The shared backend contract on DJL's PyTorch engine, with parity against ONNX Runtime. */
class DjlBackendContractIT extends AbstractBackendContractTest {
    @Override
    protected BackendProvider provider() {
        return new DjlBackendProvider();
    }

    /**
     * isnet-small: every quantised layer matches ONNX Runtime to the last bit of its rescale, but
     * last-bit differences of the float resizes between the 114 re-quantisations flip some
     * quantised values by a whole step, and such flips compound. Measured on the contract's
     * portrait: max 0.508, mean 0.0113; the mean is held to 0.02 and the maximum only reported.
     */
    @Override
    protected double[] parityTolerance(String model) {
        return model.equals("isnet-small") ? new double[] {1.0, 2e-2} : super.parityTolerance(model);
    }
}
