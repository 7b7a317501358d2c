package io.bgswap.tf;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import io.bgswap.internal.LoadedLibraries;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.TensorFlow;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Sets the level of TensorFlow's C++ log, which writes straight to stderr (its MLIR and CPU-feature
 * notices, and Abseil's note that messages before {@code absl::InitializeLog()} go to stderr).
 * TensorFlow 2.18 logs partly through its own logger, which reads {@code TF_CPP_MIN_LOG_LEVEL}
 * from the C library's environment once, and partly through Abseil, which ignores that variable.
 * The level is the user's {@code TF_CPP_MIN_LOG_LEVEL} ({@code 0} info to {@code 3} fatal) when set,
 * else {@code 2} (errors).
 *
 * <p>Only on Linux with the pinned TensorFlow (Abseil's entry point carries its release in its
 * name); elsewhere TensorFlow keeps its default. Thread-safe: the first call does the work, before
 * any session is made.
 */
final class TfLogLevel {
    private static final Logger LOG = LoggerFactory.getLogger(TfLogLevel.class);
    static final String ENV = "TF_CPP_MIN_LOG_LEVEL";
    /** {@code absl::log_internal::RawSetMinLogLevel(absl::LogSeverityAtLeast)} of Abseil LTS 2023-08-02. */
    private static final String SET_MIN_LOG_LEVEL = "_ZN4absl12lts_2023080212log_internal17RawSetMinLogLevelENS0_18LogSeverityAtLeastE";
    private static boolean applied;

    private TfLogLevel() {
    }

    /**
     * @param setting the user's {@code TF_CPP_MIN_LOG_LEVEL}, or {@code null}
     * @return the level to use: 0 info, 1 warning, 2 error, 3 fatal
     */
    static int level(String setting) {
        if (setting != null) {
            try {
                int v = Integer.parseInt(setting.trim());
                if (v >= 0 && v <= 3) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            LOG.warn("{}={} is not 0, 1, 2 or 3; TensorFlow logs errors only", ENV, setting);
        }
        return 2;
    }

    /**
     * Gives TensorFlow its log level before its natives load (unless they already have) and again
     * once they have: {@code TF_CPP_MIN_LOG_LEVEL} into the C library's environment for TensorFlow's
     * own logging, which reads it once, and Abseil's minimum level in each TensorFlow library that
     * carries a copy of Abseil.
     */
    static synchronized void apply() {
        if (applied) {
            return;
        }
        applied = true;
        String setting = System.getenv(ENV);
        int level = level(setting);
        try {
            if (setting == null) {
                Posix.INSTANCE.setenv(ENV, Integer.toString(level), 0);
            }
            TensorFlow.version();
            for (String library : new String[] {"libtensorflow_framework.so.2", "libtensorflow_cc.so.2"}) {
                Optional<Path> path = LoadedLibraries.find(library);
                if (path.isPresent()) {
                    Function set = NativeLibrary.getInstance(path.get().toString()).getFunction(SET_MIN_LOG_LEVEL);
                    set.invokeVoid(new Object[] {level});
                    LOG.debug("TensorFlow C++ log level set to {} in {}", level, path.get());
                }
            }
        } catch (LinkageError | RuntimeException e) {
            LOG.debug("Could not set TensorFlow's C++ log level ({}); it keeps its own", e.toString());
        }
    }

    /** The C library's environment, which TensorFlow reads (the JVM's copy it does not). */
    private interface Posix extends com.sun.jna.Library {
        Posix INSTANCE = com.sun.jna.Native.load("c", Posix.class);

        int setenv(String name, String value, int overwrite);
    }
}
