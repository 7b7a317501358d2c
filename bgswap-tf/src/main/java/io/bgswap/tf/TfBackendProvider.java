package io.bgswap.tf;

import io.bgswap.graph.Importers;
import io.bgswap.model.ModelFormat;
import io.bgswap.model.ModelSource;
import io.bgswap.spi.BackendProvider;
import io.bgswap.spi.InferenceSession;
import io.bgswap.spi.SessionOptions;

/**
 * The TensorFlow Java backend, {@code tf}. Runs ONNX and TFLite models by building a TensorFlow
 * graph from the engine-neutral graph, and users' SavedModel directories directly. Construction
 * loads no native code: TensorFlow starts with the first session. Thread-safe (stateless).
 */
public final class TfBackendProvider implements BackendProvider {
    /** The name users select it by. */
    public static final String NAME = "tf";
    /** Rank among backends: below ONNX Runtime ({@code 100}), which stays the default engine. */
    public static final int PRIORITY = 40;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    @Override
    public boolean supports(ModelFormat format) {
        return format == ModelFormat.ONNX || format == ModelFormat.TFLITE || format == ModelFormat.SAVED_MODEL;
    }

    @Override
    public InferenceSession open(ModelSource model, SessionOptions options) {
        TfLogLevel.apply();
        if (model.format() == ModelFormat.SAVED_MODEL) {
            return TfSession.fromSavedModel(model, options);
        }
        return TfSession.fromGraph(model.name(), Importers.load(model), model.descriptor(), options);
    }
}
