package io.bgswap.spi;

import io.bgswap.Device;
import io.bgswap.model.ModelDescriptor;

import java.nio.FloatBuffer;

/**
 * One model loaded on one engine and device. Implementations must allow {@link #run} from several
 * threads at once (each call with its own buffers), make {@link #close()} idempotent, and fail
 * with {@link io.bgswap.ErrorCode#CLOSED} when used after close.
 */
public interface InferenceSession extends AutoCloseable {
    /** @return the backend's name, e.g. {@code onnx} */
    String backend();

    /** @return the device actually in use (never {@link Device#AUTO}) */
    Device device();

    /** @return the descriptor the model was opened with */
    ModelDescriptor descriptor();

    /**
     * Runs the model once.
     *
     * @param input  {@link ModelDescriptor#inputSize()} values from position 0, in the
     *               descriptor's layout, already normalised; direct buffers avoid a copy
     * @param output receives {@link ModelDescriptor#outputSize()} values from position 0
     */
    void run(FloatBuffer input, FloatBuffer output);

    /** Frees the engine's native resources. Calling it again does nothing. */
    @Override
    void close();
}
