package io.bgswap.server;

import io.bgswap.BackgroundSwapper;
import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One {@link BackgroundSwapper} per built-in model, opened on first use and shared by every
 * request (a swapper is thread-safe). A model that fails to open is not remembered, so a later
 * request tries again. Thread-safe.
 */
final class SwapperPool implements AutoCloseable {
    private final Function<String, BackgroundSwapper> opener;
    private final ConcurrentHashMap<String, Slot> slots = new ConcurrentHashMap<>();
    private volatile boolean closed;

    SwapperPool(Function<String, BackgroundSwapper> opener) {
        this.opener = opener;
    }

    /**
     * @param model a model name (checked)
     * @return the shared swapper
     */
    BackgroundSwapper get(String model) {
        String name = BackgroundSwapper.checkModelName(model);
        if (closed) {
            throw new BgSwapException(ErrorCode.CLOSED, "The service is shutting down");
        }
        return slots.computeIfAbsent(name, k -> new Slot()).get(name);
    }

    /** @return names of the models opened so far, sorted */
    List<String> loaded() {
        List<String> names = new ArrayList<>();
        Map<String, Slot> sorted = new TreeMap<>(slots);
        sorted.forEach((name, slot) -> {
            if (slot.swapper != null) {
                names.add(name);
            }
        });
        return names;
    }

    @Override
    public void close() {
        closed = true;
        for (Slot slot : slots.values()) {
            slot.close();
        }
    }

    private final class Slot {
        private volatile BackgroundSwapper swapper;

        BackgroundSwapper get(String name) {
            BackgroundSwapper s = swapper;
            if (s != null) {
                return s;
            }
            synchronized (this) {
                if (swapper == null) {
                    if (closed) {
                        throw new BgSwapException(ErrorCode.CLOSED, "The service is shutting down");
                    }
                    swapper = opener.apply(name);
                }
                return swapper;
            }
        }

        synchronized void close() {
            if (swapper != null) {
                swapper.close();
                swapper = null;
            }
        }
    }
}
