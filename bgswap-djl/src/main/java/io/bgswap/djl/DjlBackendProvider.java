package io.bgswap.djl;

import io.bgswap.graph.Importers;
import io.bgswap.model.ModelFormat;
import io.bgswap.model.ModelSource;
import io.bgswap.spi.BackendProvider;
import io.bgswap.spi.InferenceSession;
import io.bgswap.spi.SessionOptions;

/**
 * The DJL backend, {@code djl}: runs models on DJL's PyTorch engine. ONNX and TFLite models are
 * imported into bgswap's engine-neutral graph and executed with NDArray operations; TorchScript
 * files ({@code .pt}) are loaded by PyTorch directly and described by the caller's
 * {@link io.bgswap.model.ModelDescriptor}.
 *
 * <p>Construction is cheap and loads no native code; PyTorch starts with the first session, in
 * DJL's offline mode and without usage tracking (unless the user configured either). The native
 * libraries are unpacked once under {@code DJL_CACHE_DIR} (default {@code ~/.djl.ai}). A CUDA GPU
 * is used automatically when DJL sees one and the CUDA build of the PyTorch natives is on the
 * classpath (Maven profile {@code cuda}); otherwise the CPU.
 *
 * <p>Stateless and thread-safe.
 */
public final class DjlBackendProvider implements BackendProvider {
    /** The backend's name. */
    public static final String NAME = "djl";
    /** Rank among backends: below ONNX Runtime (100), above TensorFlow Java. */
    public static final int PRIORITY = 50;

    /** Creates the provider; loads nothing. */
    public DjlBackendProvider() {
        // PyTorch starts lazily with the first session.
    }

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
        return format == ModelFormat.ONNX || format == ModelFormat.TFLITE || format == ModelFormat.TORCHSCRIPT;
    }

    @Override
    public InferenceSession open(ModelSource model, SessionOptions options) {
        if (model.format() == ModelFormat.TORCHSCRIPT) {
            return DjlTorchScriptSession.open(model, options);
        }
        return DjlGraphSession.open(Importers.load(model), model.descriptor(), options);
    }
}
