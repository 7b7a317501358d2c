package io.bgswap.onnx;

import io.bgswap.model.ModelFormat;
import io.bgswap.model.ModelSource;
import io.bgswap.spi.BackendProvider;
import io.bgswap.spi.InferenceSession;
import io.bgswap.spi.SessionOptions;

/**
 * The ONNX Runtime backend, {@code onnx}. Runs ONNX files directly, and TFLite files through the engine-neutral graph
 * ({@link io.bgswap.graph.Importers}), exported to ONNX in memory. Construction loads no native
 * code; ONNX Runtime starts with the first session.
 */
public final class OnnxBackendProvider implements BackendProvider {
    /** Rank among backends: ONNX Runtime is the default engine. */
    public static final int PRIORITY = 100;

    @Override
    public String name() {
        return "onnx";
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    @Override
    public boolean supports(ModelFormat format) {
        return format == ModelFormat.ONNX || format == ModelFormat.TFLITE;
    }

    @Override
    public InferenceSession open(ModelSource model, SessionOptions options) {
        return OnnxSession.open(model, options);
    }
}
