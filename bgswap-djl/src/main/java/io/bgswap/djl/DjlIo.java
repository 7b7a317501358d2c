package io.bgswap.djl;

import ai.djl.ndarray.NDArray;
import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;

import java.nio.FloatBuffer;

/**
 * Copies between callers' buffers and NDArrays. The input side keeps a small pool of direct,
 * native-order byte buffers: PyTorch wraps such a buffer without copying, whereas any other buffer
 * makes DJL allocate a fresh direct buffer per call, memory that only returns after a garbage
 * collection and made resident memory climb by hundreds of megabytes over a few thousand runs.
 * Thread-safe.
 */
final class DjlIo {
    private final int size;
    private final java.util.concurrent.ConcurrentLinkedQueue<java.nio.ByteBuffer> pool = new java.util.concurrent.ConcurrentLinkedQueue<>();

    /** @param size input values per run */
    DjlIo(int size) {
        this.size = size;
    }

    /**
     * Copies the caller's input into a pooled native buffer and wraps it as an array of {@code run}.
     * Give the buffer back with {@link #release} once {@code run} is closed.
     *
     * @param run   the run's manager
     * @param input the caller's buffer
     * @param shape the input shape
     * @param held  receives the pooled buffer (element 0)
     * @return the input array
     */
    NDArray input(ai.djl.ndarray.NDManager run, FloatBuffer input, ai.djl.ndarray.types.Shape shape, java.nio.ByteBuffer[] held) {
        java.nio.ByteBuffer bytes = pool.poll();
        if (bytes == null) {
            bytes = java.nio.ByteBuffer.allocateDirect(size * Float.BYTES).order(java.nio.ByteOrder.nativeOrder());
        }
        held[0] = bytes;
        bytes.clear();
        bytes.asFloatBuffer().put(slice(input, size));
        return run.create(bytes, shape, ai.djl.ndarray.types.DataType.FLOAT32);
    }

    /** @param bytes a buffer from {@link #input}, no longer referenced by any array */
    void release(java.nio.ByteBuffer bytes) {
        if (bytes != null) {
            pool.offer(bytes);
        }
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
