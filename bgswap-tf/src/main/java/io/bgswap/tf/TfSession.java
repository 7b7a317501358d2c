package io.bgswap.tf;

import io.bgswap.BgSwapException;
import io.bgswap.Device;
import io.bgswap.ErrorCode;
import io.bgswap.graph.Graph;
import io.bgswap.graph.ValueInfo;
import io.bgswap.model.ModelDescriptor;
import io.bgswap.model.ModelSource;
import io.bgswap.spi.InferenceSession;
import io.bgswap.spi.SessionGuard;
import io.bgswap.spi.SessionOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * A TensorFlow session for one model: either a graph built from the engine-neutral graph, or a
 * user's SavedModel. The graph and the session are made once; each {@link #run} copies the
 * caller's input into a reused native input tensor and the result into the caller's buffer.
 *
 * <p>Thread-safe: TensorFlow sessions accept concurrent runs, and each concurrent caller takes
 * its own input tensor and copy arrays from a pool (so the pool grows to the number of threads that ever ran at
 * once). {@link #close()} waits for runs in flight, frees the tensors, the session and the graph,
 * and is idempotent; later runs fail with {@link ErrorCode#CLOSED}.
 */
final class TfSession implements InferenceSession {
    private static final Logger LOG = LoggerFactory.getLogger(TfSession.class);

    private final String name;
    private final ModelDescriptor descriptor;
    private final Device device;
    private final org.tensorflow.Graph graph;
    private final SavedModelBundle bundle;
    private final Session session;
    private final Feed feed;
    private final Fetch fetch;
    private final Shape inputShape;
    private final ConcurrentLinkedDeque<Slot> slots = new ConcurrentLinkedDeque<>();
    private final SessionGuard guard;

    /** Either an operand of our own graph or a "name:index" tensor name of a SavedModel's graph. */
    private record Feed(Operand<TFloat32> operand, String tensorName) {
    }

    private record Fetch(Operand<TFloat32> operand, String tensorName) {
    }

    /**
     * What one caller uses during a run: the native input tensor and two Java arrays that the
     * caller's buffers pass through. TensorFlow's buffers copy to and from Java arrays in bulk but
     * value by value, boxing each one, to and from NIO buffers; the arrays keep a run free of
     * garbage (which otherwise grew the heap, and resident memory, by ~90 MiB over 10,000 small
     * inferences) and of the boxing's cost.
     */
    private record Slot(TFloat32 input, float[] in, float[] out) {
    }

    private TfSession(String name, ModelDescriptor descriptor, Device device, org.tensorflow.Graph graph,
                      SavedModelBundle bundle, Session session, Feed feed, Fetch fetch) {
        this.name = name;
        this.guard = new SessionGuard("TensorFlow session for " + name);
        this.descriptor = descriptor;
        this.device = device;
        this.graph = graph;
        this.bundle = bundle;
        this.session = session;
        this.feed = feed;
        this.fetch = fetch;
        this.inputShape = Shape.of(descriptor.inputShape());
    }

    /**
     * Builds a TensorFlow graph from an engine-neutral graph and opens a session on it.
     *
     * @param name       display name
     * @param model      the graph
     * @param descriptor names the graph input to feed and the output to fetch
     * @param options    device and threads
     * @return the session
     */
    static TfSession fromGraph(String name, Graph model, ModelDescriptor descriptor, SessionOptions options) {
        ValueInfo in = model.inputs().stream().filter(v -> v.name().equals(descriptor.inputName())).findFirst()
                .orElseThrow(() -> new BgSwapException(ErrorCode.UNSUPPORTED_MODEL, "Model " + name + " has no input '"
                        + descriptor.inputName() + "' (inputs: " + model.inputs() + ")"));
        long[] fed = descriptor.inputShape();
        if (!Arrays.equals(Arrays.stream(in.shape()).asLongStream().toArray(), fed)) {
            throw new BgSwapException(ErrorCode.UNSUPPORTED_MODEL, "Model " + name + " input '" + in.name() + "' has shape "
                    + Arrays.toString(in.shape()) + " but the descriptor feeds " + Arrays.toString(fed));
        }
        ValueInfo out = model.output(descriptor.outputName());
        long outSize = io.bgswap.graph.Tensor.elementCount(out.shape());
        if (outSize != descriptor.outputSize()) {
            throw new BgSwapException(ErrorCode.UNSUPPORTED_MODEL, "Model " + name + " output '" + out.name() + "' has shape "
                    + Arrays.toString(out.shape()) + " but the descriptor expects " + descriptor.outputWidth() + "x"
                    + descriptor.outputHeight());
        }
        Device device = TfDevices.resolve(options.device());
        org.tensorflow.Graph graph = new org.tensorflow.Graph();
        try {
            TfGraphBuilder.Built built = TfGraphBuilder.build(graph, model, TfDevices.spec(device));
            Session session = newSession(graph, TfDevices.config(device, options.intraOpThreads()), name, device);
            LOG.debug("TensorFlow graph for {} built on {}", name, device);
            return new TfSession(name, descriptor, device, graph, null, session,
                    new Feed(built.inputs().get(in.name()), null), new Fetch(built.outputs().get(out.name()), null));
        } catch (RuntimeException | LinkageError e) {
            graph.close();
            throw wrap(e, name);
        }
    }

    private static Session newSession(org.tensorflow.Graph graph, ConfigProto config, String name, Device device) {
        try {
            return new Session(graph, config);
        } catch (RuntimeException e) {
            throw new BgSwapException(device.kind() == Device.Kind.GPU ? ErrorCode.DEVICE_UNAVAILABLE : ErrorCode.UNSUPPORTED_MODEL,
                    "TensorFlow cannot open a session for " + name + " on " + device + ": " + e.getMessage(), e);
        }
    }

    /**
     * Opens a user's SavedModel directory (tag {@code serve}). The descriptor's input and output
     * names are looked up first among the {@code serving_default} signature's keys, then taken as
     * tensor names ({@code op} or {@code op:index}) of the graph.
     *
     * @param model   the SavedModel directory and its descriptor
     * @param options device and threads
     * @return the session
     */
    static TfSession fromSavedModel(ModelSource model, SessionOptions options) {
        if (!Files.isRegularFile(model.path().resolve("saved_model.pb"))) {
            throw new BgSwapException(ErrorCode.UNSUPPORTED_MODEL, "Directory " + model.path()
                    + " is not a TensorFlow SavedModel (it has no saved_model.pb)");
        }
        Device device = TfDevices.resolve(options.device());
        SavedModelBundle bundle;
        try {
            bundle = SavedModelBundle.loader(model.path().toString()).withTags(SavedModelBundle.DEFAULT_TAG)
                    .withConfigProto(TfDevices.config(device, options.intraOpThreads())).load();
        } catch (RuntimeException | LinkageError e) {
            throw wrap(e, model.name());
        }
        try {
            ModelDescriptor d = model.descriptor();
            String in = tensorName(bundle, d.inputName(), true, model.name());
            String out = tensorName(bundle, d.outputName(), false, model.name());
            return new TfSession(model.name(), d, device, null, bundle, bundle.session(),
                    new Feed(null, in), new Fetch(null, out));
        } catch (RuntimeException e) {
            bundle.close();
            throw wrap(e, model.name());
        }
    }

    private static String tensorName(SavedModelBundle bundle, String name, boolean input, String model) {
        for (Signature s : bundle.signatures()) {
            if (s.key().equals(Signature.DEFAULT_KEY)) {
                Signature.TensorDescription t = (input ? s.getInputs() : s.getOutputs()).get(name);
                if (t != null) {
                    return t.name;
                }
            }
        }
        int colon = name.lastIndexOf(':');
        String op = colon > 0 ? name.substring(0, colon) : name;
        if (bundle.graph().operation(op) == null) {
            Signature def = bundle.signatures().stream().filter(s -> s.key().equals(Signature.DEFAULT_KEY)).findFirst().orElse(null);
            String known = def == null ? "it has no " + Signature.DEFAULT_KEY + " signature"
                    : Signature.DEFAULT_KEY + " has " + (input ? def.inputNames() : def.outputNames());
            throw new BgSwapException(ErrorCode.UNSUPPORTED_MODEL, "SavedModel " + model + " has no "
                    + (input ? "input" : "output") + " '" + name + "' (" + known + ")");
        }
        return name;
    }

    private static BgSwapException wrap(Throwable e, String name) {
        if (e instanceof BgSwapException b) {
            return b;
        }
        if (e instanceof LinkageError) {
            return new BgSwapException(ErrorCode.BACKEND_NOT_FOUND, "TensorFlow cannot start on this platform: " + e
                    + " (bgswap-tf needs org.tensorflow:tensorflow-core-native for this system, or tensorflow-core-platform)", e);
        }
        return new BgSwapException(ErrorCode.UNSUPPORTED_MODEL, "TensorFlow cannot load model " + name + ": " + e.getMessage(), e);
    }

    @Override
    public String backend() {
        return TfBackendProvider.NAME;
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
        int inSize = descriptor.inputSize();
        int outSize = descriptor.outputSize();
        if (input.capacity() < inSize || output.capacity() < outSize) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "Buffers too small for " + name + ": input needs "
                    + inSize + " values (has " + input.capacity() + "), output " + outSize + " (has " + output.capacity() + ")");
        }
        try (SessionGuard.Use running = guard.enter()) {
            Slot slot = slots.pollFirst();
            if (slot == null) {
                slot = new Slot(TFloat32.tensorOf(inputShape), new float[inSize], new float[outSize]);
            }
            try {
                FloatBuffer src = input.duplicate();
                src.position(0).limit(inSize);
                src.get(slot.in());
                slot.input().copyFrom(DataBuffers.of(slot.in(), true, false));
                Session.Runner runner = session.runner();
                runner = feed.operand() != null ? runner.feed(feed.operand(), slot.input())
                        : runner.feed(feed.tensorName(), slot.input());
                runner = fetch.operand() != null ? runner.fetch(fetch.operand()) : runner.fetch(fetch.tensorName());
                try (Result result = runner.run()) {
                    Tensor t = result.get(0);
                    if (!(t instanceof TFloat32 values) || values.size() != outSize) {
                        throw new BgSwapException(ErrorCode.UNSUPPORTED_MODEL, "Model " + name + " returned " + t.dataType()
                                + " " + t.shape() + ", expected " + outSize + " float values");
                    }
                    values.copyTo(DataBuffers.of(slot.out(), false, false));
                    FloatBuffer dst = output.duplicate();
                    dst.position(0);
                    dst.put(slot.out());
                }
            } finally {
                slots.addFirst(slot);
            }
        } catch (BgSwapException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new BgSwapException(ErrorCode.INFERENCE_FAILED, "TensorFlow failed on " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        guard.close(() -> {
            try {
                Slot slot;
                while ((slot = slots.pollFirst()) != null) {
                    slot.input().close();
                }
                if (bundle != null) {
                    bundle.close();
                } else {
                    session.close();
                    graph.close();
                }
            } catch (RuntimeException e) {
                LOG.warn("Closing the TensorFlow session for {} failed: {}", name, e.getMessage());
            }
        });
    }

    /** @return the TensorFlow session (for exporting the built graph) */
    Session session() {
        return session;
    }

    /** @return the feed operand of a built graph, {@code null} for a SavedModel */
    Operand<TFloat32> feedOperand() {
        return feed.operand();
    }

    /** @return the fetch operand of a built graph, {@code null} for a SavedModel */
    Operand<TFloat32> fetchOperand() {
        return fetch.operand();
    }
}
