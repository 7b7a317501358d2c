package io.bgswap.tf;

import io.bgswap.testing.AbstractSwapperParityTest;

/** The public API's mattes on this backend against ONNX Runtime's, at default and explicit thread counts. */
class TfSwapperParityIT extends AbstractSwapperParityTest {
    @Override
    protected String backend() {
        return "tf";
    }
}
