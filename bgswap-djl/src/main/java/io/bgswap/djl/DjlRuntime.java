package io.bgswap.djl;

import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import ai.djl.pytorch.jni.JniUtils;
import io.bgswap.BgSwapException;
import io.bgswap.Device;
import io.bgswap.ErrorCode;
import io.bgswap.spi.SessionOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Starts DJL's PyTorch engine once per process and maps bgswap devices to DJL devices.
 *
 * <p>Before the engine starts, DJL is switched to offline mode ({@code ai.djl.offline=true}) and its
 * usage tracking is opted out of ({@code OPT_OUT_TRACKING=true}), unless the user has set either
 * as a system property or environment variable already: DJL must never fetch native libraries or
 * contact a metadata service at start. The PyTorch natives come from the
 * {@code pytorch-native-*} jar on the classpath and are unpacked once under {@code DJL_CACHE_DIR}
 * (default {@code ~/.djl.ai}).
 *
 * <p>Thread-safe: {@link #engine(int)} is synchronised, the rest is stateless.
 */
final class DjlRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(DjlRuntime.class);
    static final String ENGINE_NAME = "PyTorch";
    private static Engine engine;
    private static final AtomicBoolean TF32_NOTED = new AtomicBoolean();

    private DjlRuntime() {
    }

    /** Sets DJL's offline and tracking switches when the user has not chosen them. */
    static void prepareProperties() {
        setDefault("ai.djl.offline", "DJL_OFFLINE", "true");
        setDefault("OPT_OUT_TRACKING", "OPT_OUT_TRACKING", "true");
    }

    private static void setDefault(String property, String env, String value) {
        if (System.getProperty(property) == null && System.getProperty(env) == null && System.getenv(env) == null) {
            System.setProperty(property, value);
        }
    }

    /**
     * Starts the engine on first use and sets PyTorch's intra-op thread count for the session being
     * opened. PyTorch has one intra-op thread pool per process, so the count of the session opened
     * last applies to every session: {@code threads}, or {@link SessionOptions#defaultThreads()}
     * for 0. A count the user set with the system property {@code ai.djl.pytorch.num_threads} is kept as it is.
     *
     * @param threads intra-op threads wanted by the session being opened (0: one per processor)
     * @return the PyTorch engine, started on first use
     * @throws BgSwapException {@code BACKEND_NOT_FOUND} when PyTorch cannot start
     */
    static synchronized Engine engine(int threads) {
        boolean userThreads = System.getProperty("ai.djl.pytorch.num_threads") != null;
        int wanted = threads > 0 ? threads : SessionOptions.defaultThreads();
        if (engine == null) {
            prepareProperties();
            if (!userThreads) {
                System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(wanted));
            }
            try {
                Engine e = Engine.getEngine(ENGINE_NAME);
                LOG.debug("DJL {} engine {} started (GPUs visible: {})", ENGINE_NAME, e.getVersion(), e.getGpuCount());
                TorchLogLevel.apply();
                engine = e;
            } catch (RuntimeException | LinkageError e) {
                throw new BgSwapException(ErrorCode.BACKEND_NOT_FOUND, "DJL's PyTorch engine cannot start: " + e.getMessage()
                        + " (bgswap-djl needs ai.djl.pytorch:pytorch-native-cpu (or -cu124 for CUDA) with the classifier of "
                        + "this platform on the classpath; DJL runs offline and will not download it)", e);
            } finally {
                if (!userThreads) {
                    System.clearProperty("ai.djl.pytorch.num_threads");
                }
            }
        } else if (!userThreads && JniUtils.getNumThreads() != wanted) {
            JniUtils.setNumThreads(wanted);
        }
        return engine;
    }

    /**
     * @param e the engine
     * @return why no CUDA device can be used, or {@code null} when one can
     */
    static String whyNoGpu(Engine e, int index) {
        boolean cudaBuild;
        try {
            cudaBuild = e.hasCapability(StandardCapabilities.CUDA);
        } catch (RuntimeException ex) {
            cudaBuild = false;
        }
        if (!cudaBuild) {
            return "the PyTorch natives in use are a CPU build (build bgswap-djl with -Pcuda, which uses "
                    + "ai.djl.pytorch:pytorch-native-cu124, or point PYTORCH_LIBRARY_PATH at a CUDA build of libtorch with "
                    + "a DJL JNI library made for it; see docs/djl.md)";
        }
        int count = e.getGpuCount();
        if (count <= index) {
            return "DJL sees " + count + " CUDA device(s), so cuda:" + index + " does not exist (check the NVIDIA driver and "
                    + "CUDA_VISIBLE_DEVICES)";
        }
        return null;
    }

    /**
     * Maps a requested device to the DJL device to use.
     *
     * @param e         the engine
     * @param requested the user's request
     * @return the DJL device
     * @throws BgSwapException {@code DEVICE_UNAVAILABLE} for an explicit GPU that cannot be used
     */
    static ai.djl.Device resolve(Engine e, Device requested) {
        switch (requested.kind()) {
            case CPU:
                return ai.djl.Device.cpu();
            case GPU: {
                String why = whyNoGpu(e, requested.index());
                if (why != null) {
                    throw new BgSwapException(ErrorCode.DEVICE_UNAVAILABLE, "DJL cannot use " + requested + ": " + why);
                }
                noteTf32();
                return ai.djl.Device.gpu(requested.index());
            }
            default: {
                String why = whyNoGpu(e, 0);
                if (why == null) {
                    LOG.info("DJL runs on cuda:0");
                    noteTf32();
                    return ai.djl.Device.gpu(0);
                }
                LOG.debug("DJL runs on the CPU: {}", why);
                return ai.djl.Device.cpu();
            }
        }
    }

    /**
     * Says once per process that PyTorch lets cuDNN convolve in TF32 on Ampere and newer GPUs (10-bit
     * mantissa) unless NVIDIA's switch {@code NVIDIA_TF32_OVERRIDE=0} is in the environment; DJL offers
     * no call to change it, and the environment of a running JVM cannot be changed.
     */
    private static void noteTf32() {
        if (!"0".equals(System.getenv("NVIDIA_TF32_OVERRIDE")) && TF32_NOTED.compareAndSet(false, true)) {
            LOG.info("cuDNN may compute convolutions in TF32 on this GPU (PyTorch's default): probabilities can differ from "
                    + "float32 by a few 1e-2 at edges; start the JVM with NVIDIA_TF32_OVERRIDE=0 in the environment for float32");
        }
    }

    /**
     * @param d a DJL device
     * @return the bgswap device
     */
    static Device toBgSwap(ai.djl.Device d) {
        return d.isGpu() ? Device.gpu(d.getDeviceId()) : Device.CPU;
    }
}
