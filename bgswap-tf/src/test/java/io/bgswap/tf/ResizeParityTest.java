package io.bgswap.tf;

import io.bgswap.spi.BackendProvider;
import io.bgswap.testing.AbstractResizeParityTest;

/** Resizes in quantised graphs, bit for bit against ONNX Runtime. */
class ResizeParityTest extends AbstractResizeParityTest {
    @Override
    protected BackendProvider provider() {
        return new TfBackendProvider();
    }
}
