package io.bgswap.spi;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;
import io.bgswap.model.ModelFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;

/**
 * Finds the providers on the classpath through {@link ServiceLoader}. A provider that fails to
 * load is logged and skipped, so one broken jar does not hide the others. Thread-safe.
 */
public final class Providers {
    private static final Logger LOG = LoggerFactory.getLogger(Providers.class);
    private static final String ADD_BACKEND =
            "add one backend to the classpath: io.bgswap:bgswap-onnx (ONNX Runtime), io.bgswap:bgswap-djl (PyTorch) or io.bgswap:bgswap-tf (TensorFlow)";

    private Providers() {
    }

    /** @return every loadable backend, highest priority first */
    public static List<BackendProvider> backends() {
        return load(BackendProvider.class, BackendProvider::priority);
    }

    /** @return every loadable matter provider, highest priority first */
    public static List<MatterProvider> matters() {
        return load(MatterProvider.class, MatterProvider::priority);
    }

    /** @return every loadable compositor provider, highest priority first */
    public static List<CompositorProvider> compositors() {
        return load(CompositorProvider.class, CompositorProvider::priority);
    }

    /**
     * Chooses a backend: the named one, or else the highest-priority one that supports the format.
     *
     * @param name   a backend name, or {@code null} for automatic choice
     * @param format the model's format
     * @return the provider
     */
    public static BackendProvider backend(String name, ModelFormat format) {
        List<BackendProvider> all = backends();
        if (all.isEmpty()) {
            throw new BgSwapException(ErrorCode.BACKEND_NOT_FOUND, "No bgswap backend found: " + ADD_BACKEND);
        }
        if (name != null) {
            BackendProvider p = byName(all, name, BackendProvider::name, "backend");
            if (!p.supports(format)) {
                throw new BgSwapException(ErrorCode.UNSUPPORTED_MODEL,
                        "Backend " + p.name() + " cannot run " + format + " models");
            }
            return p;
        }
        for (BackendProvider p : all) {
            if (p.supports(format)) {
                LOG.debug("Backend {} chosen automatically for a {} model", p.name(), format);
                return p;
            }
        }
        throw new BgSwapException(ErrorCode.BACKEND_NOT_FOUND, "No backend on the classpath ("
                + names(all, BackendProvider::name) + ") can run " + format + " models");
    }

    /**
     * @param name a matter name, or {@code null} for the highest priority
     * @return the provider
     */
    public static MatterProvider matter(String name) {
        return pick(matters(), name, MatterProvider::name, "matter");
    }

    /**
     * @param name a compositor name, or {@code null} for the highest priority
     * @return the provider
     */
    public static CompositorProvider compositor(String name) {
        return pick(compositors(), name, CompositorProvider::name, "compositor");
    }

    private static <T> T pick(List<T> all, String name, Function<T, String> nameOf, String what) {
        if (all.isEmpty()) {
            throw new BgSwapException(ErrorCode.BACKEND_NOT_FOUND, "No " + what + " provider found; is bgswap-api on the classpath whole?");
        }
        return name == null ? all.get(0) : byName(all, name, nameOf, what);
    }

    private static <T> T byName(List<T> all, String name, Function<T, String> nameOf, String what) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        for (T p : all) {
            if (nameOf.apply(p).equals(wanted)) {
                return p;
            }
        }
        String hint = what.equals("backend") ? "; to use another, " + ADD_BACKEND : "";
        throw new BgSwapException(ErrorCode.BACKEND_NOT_FOUND, "No " + what + " named '" + name + "' on the classpath (found: "
                + names(all, nameOf) + ")" + hint);
    }

    private static <T> String names(List<T> all, Function<T, String> nameOf) {
        return all.stream().map(nameOf).collect(Collectors.joining(", "));
    }

    private static <T> List<T> load(Class<T> type, ToIntFunction<T> priority) {
        List<T> found = new ArrayList<>();
        Iterator<T> it = ServiceLoader.load(type, classLoader()).iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                found.add(it.next());
            } catch (ServiceConfigurationError | LinkageError e) {
                LOG.warn("Skipping a {} that failed to load: {}", type.getSimpleName(), e.toString());
            }
        }
        found.sort(Comparator.comparingInt(priority).reversed());
        return found;
    }

    private static ClassLoader classLoader() {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        return cl != null ? cl : Providers.class.getClassLoader();
    }
}
