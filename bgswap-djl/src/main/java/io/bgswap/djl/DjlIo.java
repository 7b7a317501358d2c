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

    /** One forward pass on arrays owned by the run's manager. */
    @FunctionalInterface
    interface Forward {
        /**
         * @param run   the run's manager; every array made here is freed with it
         * @param input the input array
         * @return the output array
         */
        NDArray apply(ai.djl.ndarray.NDManager run, NDArray input);
    }

    /**
     * Runs once: copies the caller's input into a pooled native buffer, wraps it as an array of a
     * sub-manager of {@code session}, calls {@code forward}, copies the result into
     * {@code output}, then frees the run's arrays and gives the buffer back.
     *
     * @param session    the session's manager
     * @param input      the caller's input
     * @param shape      the input shape
     * @param output     the caller's output buffer
     * @param outputSize values expected in the output
     * @param forward    the model
     * @param what       names the model in error messages
     */
    void run(ai.djl.ndarray.NDManager session, FloatBuffer input, ai.djl.ndarray.types.Shape shape, FloatBuffer output,
             int outputSize, Forward forward, String what) {
        java.nio.ByteBuffer bytes = pool.poll();
        if (bytes == null) {
            bytes = java.nio.ByteBuffer.allocateDirect(size * Float.BYTES).order(java.nio.ByteOrder.nativeOrder());
        }
        try (ai.djl.ndarray.NDManager run = session.newSubManager()) {
            bytes.clear();
            bytes.asFloatBuffer().put(slice(input, size));
            NDArray in = run.create(bytes, shape, ai.djl.ndarray.types.DataType.FLOAT32);
            copyOut(forward.apply(run, in), output, outputSize);
        } catch (BgSwapException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new BgSwapException(ErrorCode.INFERENCE_FAILED, what + " failed: " + e.getMessage(), e);
        } finally {
            pool.offer(bytes); // the run's arrays, which referenced it, are freed by now
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
        // A direct view of the tensor's memory where PyTorch allows one: copying through a Java
        // array per run made the heap, and with it resident memory, grow by ~150 MiB over
        // 3,000 small inferences before the collector settled on a size.
        FloatBuffer values = host.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toByteBuffer(true)
                .order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
        if (values.remaining() != size) {
            throw new BgSwapException(ErrorCode.UNSUPPORTED_MODEL, "Model output has " + values.remaining()
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
