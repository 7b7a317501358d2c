package io.bgswap;

import java.util.Locale;
import java.util.Objects;

/**
 * Where inference runs. {@link #AUTO} lets the backend pick a GPU when one is usable and the CPU
 * otherwise; {@link #CPU} and {@link #gpu(int)} are explicit requests, and an explicit GPU request
 * that cannot be met is an error ({@link ErrorCode#DEVICE_UNAVAILABLE}), never a silent fallback.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param kind  auto, CPU or GPU
 * @param index the GPU ordinal (0 for {@code AUTO} and {@code CPU})
 */
public record Device(Kind kind, int index) {
    /** The kinds of device. */
    public enum Kind { AUTO, CPU, GPU }

    /** Backend's choice: a GPU when one is usable, else the CPU. */
    public static final Device AUTO = new Device(Kind.AUTO, 0);
    /** The CPU. */
    public static final Device CPU = new Device(Kind.CPU, 0);

    public Device {
        Objects.requireNonNull(kind, "kind");
        if (index < 0) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "GPU index must be >= 0, was " + index);
        }
        if (kind != Kind.GPU && index != 0) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, kind + " takes no index");
        }
    }

    /**
     * @param index GPU ordinal
     * @return an explicit request for that GPU
     */
    public static Device gpu(int index) {
        return new Device(Kind.GPU, index);
    }

    /** @return whether this is an explicit request (not {@link #AUTO}) */
    public boolean isExplicit() {
        return kind != Kind.AUTO;
    }

    /**
     * Parses {@code auto}, {@code cpu}, {@code gpu}, {@code gpu:N} or {@code cuda:N}.
     *
     * @param text the device name
     * @return the device
     * @throws BgSwapException {@link ErrorCode#INVALID_ARGUMENT} for anything else
     */
    public static Device parse(String text) {
        String t = Objects.requireNonNull(text, "device").trim().toLowerCase(Locale.ROOT);
        switch (t) {
            case "auto": return AUTO;
            case "cpu": return CPU;
            case "gpu": case "cuda": return gpu(0);
            default:
                int colon = t.indexOf(':');
                if (colon > 0) {
                    String prefix = t.substring(0, colon);
                    if (prefix.equals("gpu") || prefix.equals("cuda")) {
                        try {
                            return gpu(Integer.parseInt(t.substring(colon + 1)));
                        } catch (NumberFormatException e) {
                            // fall through to the error below
                        }
                    }
                }
                throw new BgSwapException(ErrorCode.INVALID_ARGUMENT,
                        "Unknown device '" + text + "': use auto, cpu, gpu or cuda:N");
        }
    }

    @Override
    public String toString() {
        return kind == Kind.GPU ? "cuda:" + index : kind.name().toLowerCase(Locale.ROOT);
    }
}
