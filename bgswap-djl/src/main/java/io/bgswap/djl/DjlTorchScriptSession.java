package io.bgswap.djl;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.bgswap.BgSwapException;
import io.bgswap.Device;
import io.bgswap.ErrorCode;
import io.bgswap.model.ModelDescriptor;
import io.bgswap.model.ModelSource;
import io.bgswap.spi.InferenceSession;
import io.bgswap.spi.SessionGuard;
import io.bgswap.spi.SessionOptions;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * A user's TorchScript model on DJL's PyTorch engine. The module gets one input tensor shaped as
 * {@link ModelDescriptor#inputShape()} (batch 1, the descriptor's layout); the input name is not
 * used (TorchScript inputs are positional). The output is chosen by the descriptor's output
 * name: a number picks that position of the module's outputs ({@code "0"} for the first), a name
 * picks the output of that name, and a module with a single output needs no match.
 *
 * <p>Thread-safe: {@link #run} may be called from several threads at once (a TorchScript module
 * in evaluation mode is read-only during forward); {@link #close()} waits for runs in flight and
 * frees the module.
 */
final class DjlTorchScriptSession implements InferenceSession {
    private final Model model;
    private final NDManager manager;
    private final ModelDescriptor descriptor;
    private final Device device;
    private final Shape inputShape;
    private final DjlIo io;
    private final SessionGuard guard = new SessionGuard("DJL TorchScript session");

    private DjlTorchScriptSession(Model model, ModelDescriptor descriptor, Device device) {
        this.model = model;
        this.manager = model.getNDManager();
        this.descriptor = descriptor;
        this.device = device;
        this.inputShape = new Shape(descriptor.inputShape());
        this.io = new DjlIo(descriptor.inputSize());
    }

    static DjlTorchScriptSession open(ModelSource source, SessionOptions options) {
        Engine engine = DjlRuntime.engine(options.intraOpThreads());
        ai.djl.Device djlDevice = DjlRuntime.resolve(engine, options.device());
        Model model = Model.newInstance(source.name(), djlDevice, DjlRuntime.ENGINE_NAME);
        try {
            // mapLocation loads the weights straight onto the chosen device.
            model.load(source.path(), null, Map.of("mapLocation", "true"));
            return new DjlTorchScriptSession(model, source.descriptor(), DjlRuntime.toBgSwap(djlDevice));
        } catch (IOException e) {
            model.close();
            throw new BgSwapException(ErrorCode.IO_ERROR, "Cannot read TorchScript model " + source.path() + ": " + e.getMessage(), e);
        } catch (MalformedModelException | RuntimeException e) {
            model.close();
            throw new BgSwapException(ErrorCode.UNSUPPORTED_MODEL, "PyTorch cannot load " + source.path()
                    + " as TorchScript (save it with torch.jit.save): " + e.getMessage(), e);
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
                    (run, in) -> pick(model.getBlock().forward(new ParameterStore(run, false), new NDList(in), false)),
                    "TorchScript model " + model.getName());
        }
    }

    private NDArray pick(NDList outs) {
        String want = descriptor.outputName();
        if (want.chars().allMatch(Character::isDigit) && !want.isEmpty()) {
            int i = Integer.parseInt(want);
            if (i < outs.size()) {
                return outs.get(i);
            }
        }
        for (NDArray a : outs) {
            if (want.equals(a.getName())) {
                return a;
            }
        }
        if (outs.size() == 1) {
            return outs.get(0);
        }
        throw new BgSwapException(ErrorCode.UNSUPPORTED_MODEL, "TorchScript model " + model.getName() + " returns "
                + outs.size() + " outputs and none is '" + want + "': name the output by position (\"0\", \"1\", ...)");
    }

    @Override
    public void close() {
        guard.close(model::close);
    }
}
