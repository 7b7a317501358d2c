package io.bgswap.onnx;

import io.bgswap.testing.AbstractSwapperParityTest;

/** The public API's mattes on this backend against ONNX Runtime's, at default and explicit thread counts. */
class OnnxSwapperParityIT extends AbstractSwapperParityTest {
    @Override
    protected String backend() {
        return "onnx";
    }
}
