package io.bgswap.onnx;

import io.bgswap.graph.Importers;
import io.bgswap.graph.onnx.OnnxExporter;
import io.bgswap.model.ModelFormat;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.bgswap.BgSwapException;
import io.bgswap.Device;
import io.bgswap.ErrorCode;
import io.bgswap.model.ModelDescriptor;
import io.bgswap.model.ModelSource;
import io.bgswap.spi.InferenceSession;
import io.bgswap.spi.SessionGuard;
import io.bgswap.spi.SessionOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;

/**
 * An ONNX Runtime session. {@link #run} is safe from several threads (ONNX Runtime sessions are);
 * {@link #close()} waits for runs in flight. Input tensors wrap the caller's direct buffers and
 * the output is written straight into the caller's buffer (pinned output), so no image-sized
 * array is copied per call.
 */
final class OnnxSession implements InferenceSession {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxSession.class);

    private final OrtEnvironment env;
    private final OrtSession session;
    private final ModelDescriptor descriptor;
    private final Device device;
    private final long[] inputShape;
    private final long[] outputShape;
    private final SessionGuard guard = new SessionGuard("ONNX Runtime session");

    private OnnxSession(OrtEnvironment env, OrtSession session, ModelDescriptor descriptor, Device device, long[] outputShape) {
        this.env = env;
        this.session = session;
        this.descriptor = descriptor;
        this.device = device;
        this.inputShape = descriptor.inputShape();
        this.outputShape = outputShape;
    }

    static OnnxSession open(ModelSource model, SessionOptions options) {
        if (model.format() == ModelFormat.ONNX) {
            return open(model.name(), model.path().toString(), model.descriptor(), options);
        }
        // Any other format goes through the engine-neutral graph and is handed over as ONNX bytes.
        byte[] onnx = OnnxExporter.toBytes(Importers.load(model));
        return open(model.name(), onnx, model.descriptor(), options);
    }

    /**
     * @param name       display name
     * @param model      a file path ({@link String}) or serialised ONNX ({@code byte[]})
     * @param descriptor how to feed it
     * @param options    device and threads
     * @return the session
     */
    static OnnxSession open(String name, Object model, ModelDescriptor descriptor, SessionOptions options) {
        OnnxNatives.prepare();
        OrtEnvironment env = environment();
        Device requested = options.device();
        if (requested.kind() == Device.Kind.GPU) {
            return create(env, name, model, descriptor, options, requested);
        }
        if (requested.kind() == Device.Kind.AUTO && OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
            try {
                return create(env, name, model, descriptor, options, Device.gpu(0));
            } catch (BgSwapException e) {
                if (e.code() != ErrorCode.DEVICE_UNAVAILABLE) {
                    throw e;
                }
                LOG.info("CUDA is not usable ({}); running {} on the CPU", e.getMessage(), name);
            }
        }
        return create(env, name, model, descriptor, options, Device.CPU);
    }

    private static OrtEnvironment environment() {
        try {
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try {
                env.setTelemetry(false);
            } catch (OrtException | UnsupportedOperationException e) {
                LOG.debug("Cannot switch ONNX Runtime telemetry off: {}", e.toString());
            }
            return env;
        } catch (RuntimeException | LinkageError e) {
            throw new BgSwapException(ErrorCode.BACKEND_NOT_FOUND,
                    "ONNX Runtime cannot start on this platform: " + e.getMessage(), e);
        }
    }

    private static OnnxSession create(OrtEnvironment env, String name, Object model, ModelDescriptor descriptor,
                                      SessionOptions options, Device device) {
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            so.setInterOpNumThreads(1);
            // ONNX Runtime's own default (its count of physical cores, with its threads spinning)
            // ran isnet-medium at 2019 ms against 1180 ms with two threads on two cores.
            so.setIntraOpNumThreads(options.intraOpThreads());
            // Idle intra-op threads sleep instead of spinning: spinning threads take the cores from
            // the work that overlaps inference (decoding, matting, encoding of neighbouring images)
            // and from concurrent sessions. Same process, isnet-medium, 2 threads on a busy 2-core
            // machine: alone 7.9 s against 9.3 s spinning; beside a matting and PNG-encoding thread
            // 10.1 s against 12.3 s, with that thread getting 0.38 against 0.29 images/s done.
            so.addConfigEntry("session.intra_op.allow_spinning", "0");
            if (device.kind() == Device.Kind.GPU) {
                try {
                    so.addCUDA(device.index());
                } catch (OrtException | RuntimeException e) {
                    throw new BgSwapException(ErrorCode.DEVICE_UNAVAILABLE, "ONNX Runtime cannot use " + device + ": "
                            + e.getMessage() + " (the GPU needs com.microsoft.onnxruntime:onnxruntime_gpu instead of "
                            + "onnxruntime on the classpath, CUDA 12 and cuDNN 9, and a visible NVIDIA GPU)", e);
                }
            } else {
                // No memory pattern on the CPU: with it, the second run allocates a planned block
                // beside the arena's chunks from the first, and the process keeps both. bgswap
                // replace (portrait pipeline) over 100 photos peaked at 2868 MB against 1600 MB for
                // one photo; without it 2079 MB against 1618 MB, at the same inference time
                // (isnet-medium, same process: median 1176 ms against 1151 ms, mean 1174 against 1277).
                so.setMemoryPatternOptimization(false);
            }
            OrtSession session;
            try {
                session = model instanceof byte[] bytes ? env.createSession(bytes, so) : env.createSession((String) model, so);
            } catch (OrtException e) {
                if (device.kind() == Device.Kind.GPU) {
                    throw new BgSwapException(ErrorCode.DEVICE_UNAVAILABLE,
                            "ONNX Runtime cannot open " + name + " on " + device + ": " + e.getMessage(), e);
                }
                throw new BgSwapException(ErrorCode.UNSUPPORTED_MODEL, "ONNX Runtime cannot load model " + name + ": " + e.getMessage(), e);
            }
            try {
                long[] outShape = check(session, name, descriptor);
                return new OnnxSession(env, session, descriptor, device, outShape);
            } catch (RuntimeException | OrtException e) {
                session.close();
                if (e instanceof BgSwapException b) {
                    throw b;
                }
                throw new BgSwapException(ErrorCode.UNSUPPORTED_MODEL, "Cannot inspect model " + name + ": " + e.getMessage(), e);
            }
        } catch (OrtException e) {
            throw new BgSwapException(ErrorCode.INFERENCE_FAILED, "ONNX Runtime session options failed: " + e.getMessage(), e);
        }
    }

    /** Compares the model's declared input and output with the descriptor, so mistakes fail at load. */
    private static long[] check(OrtSession session, String name, ModelDescriptor d) throws OrtException {
        Map<String, NodeInfo> inputs = session.getInputInfo();
        NodeInfo in = inputs.get(d.inputName());
        if (in == null) {
            throw new BgSwapException(ErrorCode.UNSUPPORTED_MODEL, "Model " + name + " has no input '" + d.inputName()
                    + "' (inputs: " + inputs.keySet() + ")");
        }
        if (in.getInfo() instanceof TensorInfo ti && !compatible(ti.getShape(), d.inputShape())) {
            throw new BgSwapException(ErrorCode.UNSUPPORTED_MODEL, "Model " + name + " input '" + d.inputName() + "' has shape "
                    + Arrays.toString(ti.getShape()) + " but the descriptor feeds " + Arrays.toString(d.inputShape()));
        }
        Map<String, NodeInfo> outputs = session.getOutputInfo();
        NodeInfo out = outputs.get(d.outputName());
        if (out == null) {
            throw new BgSwapException(ErrorCode.UNSUPPORTED_MODEL, "Model " + name + " has no output '" + d.outputName()
                    + "' (outputs: " + outputs.keySet() + ")");
        }
        long[] shape = out.getInfo() instanceof TensorInfo ti ? ti.getShape().clone() : new long[0];
        long known = 1;
        for (long s : shape) {
            known *= Math.max(1, s);
        }
        boolean dynamic = Arrays.stream(shape).anyMatch(s -> s < 0);
        if (!dynamic && known != d.outputSize()) {
            throw new BgSwapException(ErrorCode.UNSUPPORTED_MODEL, "Model " + name + " output '" + d.outputName() + "' has shape "
                    + Arrays.toString(shape) + " but the descriptor expects " + d.outputWidth() + "x" + d.outputHeight());
        }
        return dynamic ? null : shape;
    }

    private static boolean compatible(long[] model, long[] fed) {
        if (model.length != fed.length) {
            return false;
        }
        for (int i = 0; i < model.length; i++) {
            if (model[i] >= 0 && model[i] != fed[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String backend() {
        return "onnx";
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public ModelDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public void run(FloatBuffer input, FloatBuffer output) {
        try (SessionGuard.Use running = guard.enter()) {
            FloatBuffer in = input.duplicate();
            in.position(0).limit(descriptor.inputSize());
            try (OnnxTensor tensor = OnnxTensor.createTensor(env, in, inputShape)) {
                if (outputShape != null && output.isDirect()) {
                    FloatBuffer out = output.duplicate();
                    out.position(0).limit(descriptor.outputSize());
                    try (OnnxTensor pinned = OnnxTensor.createTensor(env, out.slice(), outputShape);
                         OrtSession.Result ignored = session.run(Map.of(descriptor.inputName(), tensor),
                                 Map.of(descriptor.outputName(), pinned))) {
                        return;
                    }
                }
                try (OrtSession.Result result = session.run(Map.of(descriptor.inputName(), tensor),
                        java.util.Set.of(descriptor.outputName()))) {
                    OnnxTensor t = (OnnxTensor) result.get(0);
                    FloatBuffer values = t.getFloatBuffer();
                    if (values.remaining() != descriptor.outputSize()) {
                        throw new BgSwapException(ErrorCode.UNSUPPORTED_MODEL, "Model output has " + values.remaining()
                                + " values, expected " + descriptor.outputSize());
                    }
                    FloatBuffer out = output.duplicate();
                    out.position(0);
                    out.put(values);
                }
            }
        } catch (OrtException e) {
            throw new BgSwapException(ErrorCode.INFERENCE_FAILED, "ONNX Runtime failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        guard.close(() -> {
            try {
                session.close();
            } catch (OrtException e) {
                LOG.warn("Closing ONNX Runtime session failed: {}", e.getMessage());
            }
        });
    }
}
