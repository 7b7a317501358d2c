package io.bgswap.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.bgswap.BgSwapException;
import io.bgswap.Device;
import io.bgswap.ErrorCode;
import io.bgswap.graph.Graph;
import io.bgswap.graph.Tensor;
import io.bgswap.graph.ValueInfo;
import io.bgswap.model.ModelDescriptor;
import io.bgswap.spi.InferenceSession;
import io.bgswap.spi.SessionGuard;
import io.bgswap.spi.SessionOptions;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * A model graph on DJL's PyTorch engine. The weights are NDArrays created once, on the session's
 * manager and device; each {@link #run} works in its own sub-manager that is closed when the run
 * ends, so nothing a run allocates outlives it.
 *
 * <p>Thread-safe: {@link #run} may be called from several threads at once (runs share only the
 * read-only weights); {@link #close()} waits for runs in flight, frees every native array, and
 * later runs fail with {@link ErrorCode#CLOSED}.
 */
final class DjlGraphSession implements InferenceSession {
    private final NDManager manager;
    private final GraphExecutor executor;
    private final ModelDescriptor descriptor;
    private final Device device;
    private final Shape inputShape;
    private final DjlIo io;
    private final SessionGuard guard = new SessionGuard("DJL session");

    private DjlGraphSession(NDManager manager, GraphExecutor executor, ModelDescriptor descriptor, Device device, Shape inputShape) {
        this.manager = manager;
        this.executor = executor;
        this.descriptor = descriptor;
        this.device = device;
        this.inputShape = inputShape;
        this.io = new DjlIo(descriptor.inputSize());
    }

    /**
     * @param graph      the model
     * @param descriptor how it is fed
     * @param options    device and threads
     * @return an open session
     */
    static DjlGraphSession open(Graph graph, ModelDescriptor descriptor, SessionOptions options) {
        check(graph, descriptor);
        Engine engine = DjlRuntime.engine(options.intraOpThreads());
        ai.djl.Device djlDevice = DjlRuntime.resolve(engine, options.device());
        NDManager manager = engine.newBaseManager(djlDevice);
        try {
            GraphExecutor executor = new GraphExecutor(graph, manager);
            int[] shape = graph.inputs().get(0).shape();
            return new DjlGraphSession(manager, executor, descriptor, DjlRuntime.toBgSwap(djlDevice),
                    new Shape(Arrays.stream(shape).asLongStream().toArray()));
        } catch (RuntimeException e) {
            manager.close();
            if (e instanceof BgSwapException b) {
                throw b;
            }
            throw new BgSwapException(ErrorCode.UNSUPPORTED_MODEL, "DJL cannot load model " + graph.name() + ": " + e.getMessage(), e);
        }
    }

    /** Compares the graph's declared input and output with the descriptor, so mistakes fail at load. */
    private static void check(Graph graph, ModelDescriptor d) {
        if (graph.inputs().size() != 1) {
            throw new BgSwapException(ErrorCode.UNSUPPORTED_MODEL, "Model " + graph.name() + " has " + graph.inputs().size()
                    + " inputs; segmentation models take one image");
        }
        ValueInfo in = graph.inputs().get(0);
        if (!in.name().equals(d.inputName())) {
            throw new BgSwapException(ErrorCode.UNSUPPORTED_MODEL, "Model " + graph.name() + " has no input '" + d.inputName()
                    + "' (inputs: [" + in.name() + "])");
        }
        if (!Arrays.equals(Arrays.stream(in.shape()).asLongStream().toArray(), d.inputShape())) {
            throw new BgSwapException(ErrorCode.UNSUPPORTED_MODEL, "Model " + graph.name() + " input '" + in.name()
                    + "' has shape " + Arrays.toString(in.shape()) + " but the descriptor feeds " + Arrays.toString(d.inputShape()));
        }
        ValueInfo out = graph.outputs().stream().filter(o -> o.name().equals(d.outputName())).findFirst().orElseThrow(() ->
                new BgSwapException(ErrorCode.UNSUPPORTED_MODEL, "Model " + graph.name() + " has no output '" + d.outputName()
                        + "' (outputs: " + graph.outputs().stream().map(ValueInfo::name).toList() + ")"));
        if (Tensor.elementCount(out.shape()) != d.outputSize()) {
            throw new BgSwapException(ErrorCode.UNSUPPORTED_MODEL, "Model " + graph.name() + " output '" + out.name()
                    + "' has shape " + Arrays.toString(out.shape()) + " but the descriptor expects "
                    + d.outputWidth() + "x" + d.outputHeight());
        }
    }

    @Override
    public String backend() {
        return DjlBackendProvider.NAME;
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
            io.run(manager, input, inputShape, output, descriptor.outputSize(),
                    (run, in) -> executor.run(run, new NDArray[] {in}, descriptor.outputName()), "DJL");
        }
    }

    @Override
    public void close() {
        guard.close(() -> {
            executor.close();
            manager.close();
        });
    }
}
