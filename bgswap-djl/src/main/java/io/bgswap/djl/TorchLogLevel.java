package io.bgswap.djl;

import com.sun.jna.NativeLibrary;
import io.bgswap.internal.LoadedLibraries;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Sets the level of PyTorch's C++ log, which writes straight to stderr (for example
 * {@code Could not initialize NNPACK! Reason: Unsupported hardware.} at every convolution set-up on
 * processors that NNPACK does not support). libtorch reads no environment variable for it when it
 * is used from C++ rather than from Python, so the level is written into its flag
 * {@code FLAGS_caffe2_log_level} in {@code libc10} once the engine has loaded: the user's
 * {@code TORCH_CPP_LOG_LEVEL} ({@code INFO}, {@code WARNING}, {@code ERROR}, {@code FATAL} or
 * {@code 0}-{@code 3}) when set, else {@code ERROR}.
 *
 * <p>Only on Linux, where the loaded {@code libc10.so} can be found (see {@link LoadedLibraries});
 * elsewhere PyTorch keeps its default (warnings). Called once, from the synchronised engine
 * start-up.
 */
final class TorchLogLevel {
    private static final Logger LOG = LoggerFactory.getLogger(TorchLogLevel.class);
    static final String ENV = "TORCH_CPP_LOG_LEVEL";
    private static final String FLAG = "FLAGS_caffe2_log_level";

    private TorchLogLevel() {
    }

    /**
     * @param setting the user's {@code TORCH_CPP_LOG_LEVEL}, or {@code null}
     * @return the level to use: 0 info, 1 warning, 2 error, 3 fatal
     */
    static int level(String setting) {
        if (setting == null || setting.isBlank()) {
            return 2;
        }
        switch (setting.trim().toUpperCase(Locale.ROOT)) {
            case "INFO", "0":
                return 0;
            case "WARNING", "1":
                return 1;
            case "ERROR", "2":
                return 2;
            case "FATAL", "3":
                return 3;
            default:
                LOG.warn("{}={} is not INFO, WARNING, ERROR or FATAL; PyTorch logs errors only", ENV, setting);
                return 2;
        }
    }

    /** Applies {@link #level} of the environment's setting to the loaded libtorch. */
    static void apply() {
        int level = level(System.getenv(ENV));
        try {
            Optional<Path> c10 = LoadedLibraries.find("libc10.so");
            if (c10.isEmpty()) {
                LOG.debug("libc10 not found among the loaded libraries; PyTorch keeps its own log level");
                return;
            }
            NativeLibrary.getInstance(c10.get().toString()).getGlobalVariableAddress(FLAG).setInt(0, level);
            LOG.debug("PyTorch C++ log level set to {} in {}", level, c10.get());
        } catch (LinkageError | RuntimeException e) {
            LOG.debug("Could not set PyTorch's C++ log level ({}); it keeps its own", e.toString());
        }
    }
}
