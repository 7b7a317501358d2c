package io.bgswap.djl;

import ai.djl.ndarray.NDArray;
import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;

import java.nio.FloatBuffer;

/** Copies between callers' buffers and NDArrays. Stateless and thread-safe. */
final class DjlIo {
    private DjlIo() {
    }

    /**
     * @param input a caller's buffer
     * @param size  values wanted from position 0
     * @return a view of exactly those values
     */
    static FloatBuffer slice(FloatBuffer input, int size) {
        if (input.capacity() < size) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "input buffer holds " + input.capacity()
                    + " values, the model needs " + size);
        }
        FloatBuffer in = input.duplicate();
        in.position(0).limit(size);
        return in.slice();
    }

    /**
     * @param out    a result on any device
     * @param output the caller's buffer, written from position 0
     * @param size   values expected
     */
    static void copyOut(NDArray out, FloatBuffer output, int size) {
        NDArray host = out.getDevice().isGpu() ? out.toDevice(ai.djl.Device.cpu(), false) : out;
        float[] values = host.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
        if (values.length != size) {
            throw new BgSwapException(ErrorCode.UNSUPPORTED_MODEL, "Model output has " + values.length
                    + " values, expected " + size);
        }
        if (output.capacity() < size) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "output buffer holds " + output.capacity()
                    + " values, the model gives " + size);
        }
        FloatBuffer o = output.duplicate();
        o.position(0);
        o.put(values);
    }
}
