package io.bgswap.internal;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Thread factories for the library's pools: daemon threads named for what they do. Not API. */
public final class DaemonThreads {
    private DaemonThreads() {
    }

    /**
     * @param prefix the threads' name before "-1", "-2", ... (e.g. {@code bgswap-worker})
     * @return a thread-safe factory of daemon threads
     */
    public static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
