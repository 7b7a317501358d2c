package io.bgswap.tf;

import io.bgswap.BgSwapException;
import io.bgswap.Device;
import io.bgswap.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.DeviceSpec;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides where a TensorFlow session runs and builds its {@link ConfigProto}. Whether a GPU is
 * usable is found out by running one tiny operator pinned to it with soft placement off: that
 * covers CPU-only natives, a missing driver and a missing device alike, and TensorFlow's own
 * message says which. Thread-safe; probe results are cached per GPU index.
 */
final class TfDevices {
    private static final Logger LOG = LoggerFactory.getLogger(TfDevices.class);
    private static final String HINT = " (TensorFlow needs the GPU natives, org.tensorflow:tensorflow-core-native with "
            + "classifier linux-x86_64-gpu instead of linux-x86_64 (build bgswap-tf with -Pcuda), CUDA 12 with cuDNN 9, "
            + "and a visible NVIDIA GPU)";
    private static final Map<Integer, Optional<String>> PROBES = new ConcurrentHashMap<>();

    private TfDevices() {
    }

    /**
     * @param requested the user's request
     * @return the concrete device: the GPU for an explicit GPU request that can be met, GPU 0 for
     *         {@link Device#AUTO} when one is usable, else the CPU
     * @throws BgSwapException {@code DEVICE_UNAVAILABLE} when an explicit GPU cannot be used
     */
    static Device resolve(Device requested) {
        switch (requested.kind()) {
            case CPU:
                return Device.CPU;
            case GPU: {
                Optional<String> problem = gpuProblem(requested.index());
                if (problem.isPresent()) {
                    throw new BgSwapException(ErrorCode.DEVICE_UNAVAILABLE, "TensorFlow cannot use " + requested + ": "
                            + problem.get() + HINT);
                }
                return requested;
            }
            default: {
                Optional<String> problem = gpuProblem(0);
                if (problem.isEmpty()) {
                    LOG.info("TensorFlow sees a GPU; running on cuda:0");
                    return Device.gpu(0);
                }
                LOG.debug("TensorFlow runs on the CPU: {}", problem.get());
                return Device.CPU;
            }
        }
    }

    /** @return why GPU {@code index} cannot run TensorFlow operators, or empty when it can */
    static Optional<String> gpuProblem(int index) {
        return PROBES.computeIfAbsent(index, TfDevices::probe);
    }

    private static Optional<String> probe(int index) {
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g).withDevice(DeviceSpec.newBuilder()
                    .deviceType(DeviceSpec.DeviceType.GPU).deviceIndex(index).build());
            Operand<TFloat32> two = tf.math.add(tf.constant(1f), tf.constant(1f));
            ConfigProto config = ConfigProto.newBuilder().setAllowSoftPlacement(false).build();
            try (Session s = new Session(g, config); Result r = s.runner().fetch(two).run()) {
                float v = ((TFloat32) r.get(0)).getFloat();
                return v == 2f ? Optional.empty() : Optional.of("a test operator on the GPU returned " + v);
            }
        } catch (RuntimeException | LinkageError e) {
            String m = e.getMessage() == null ? e.toString() : e.getMessage();
            int nl = m.indexOf('\n');
            return Optional.of(nl > 0 ? m.substring(0, nl) : m);
        }
    }

    /**
     * @param device  the resolved device
     * @param threads CPU threads for one inference, 0 for TensorFlow's choice
     * @return the session configuration
     */
    static ConfigProto config(Device device, int threads) {
        ConfigProto.Builder b = ConfigProto.newBuilder()
                .setAllowSoftPlacement(true)
                // One model is one chain of operators: running branches side by side buys little
                // and competes with the intra-op pool.
                .setInterOpParallelismThreads(1);
        if (threads > 0) {
            b.setIntraOpParallelismThreads(threads);
        }
        if (device.kind() != Device.Kind.GPU) {
            b.putDeviceCount("GPU", 0);
        }
        return b.build();
    }

    /** @return the device spec to pin graph operators to, or {@code null} on the CPU */
    static DeviceSpec spec(Device device) {
        return device.kind() == Device.Kind.GPU
                ? DeviceSpec.newBuilder().deviceType(DeviceSpec.DeviceType.GPU).deviceIndex(device.index()).build()
                : null;
    }
}
