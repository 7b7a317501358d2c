package io.bgswap.spi;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;

import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The life cycle every {@link InferenceSession} needs: any number of runs at once, a
 * {@code close()} that waits for the runs in flight, happens once, and makes later runs fail with
 * {@link ErrorCode#CLOSED}. Thread-safe.
 *
 * <pre>{@code
 * try (SessionGuard.Use running = guard.enter()) {
 *     ... run the engine ...
 * }
 * ...
 * guard.close(() -> engine.close());
 * }</pre>
 */
public final class SessionGuard {
    /** A run in progress; closing it lets {@link #close} proceed. */
    public interface Use extends AutoCloseable {
        @Override
        void close();
    }

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final String what;
    private final Use use = () -> lock.readLock().unlock();
    private boolean closed;

    /** @param what the session, as error messages name it ("ONNX Runtime session for selfie") */
    public SessionGuard(String what) {
        this.what = what;
    }

    /**
     * Starts a run.
     *
     * @return a handle to close when the run ends
     * @throws BgSwapException {@link ErrorCode#CLOSED} after {@link #close}
     */
    public Use enter() {
        lock.readLock().lock();
        if (closed) {
            lock.readLock().unlock();
            throw new BgSwapException(ErrorCode.CLOSED, what + " is closed");
        }
        return use;
    }

    /**
     * Closes once: waits for the runs in flight, then frees the resources; later calls do nothing.
     *
     * @param release frees the engine's resources
     */
    public void close(Runnable release) {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            release.run();
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** @return whether {@link #close} has been called */
    public boolean isClosed() {
        lock.readLock().lock();
        try {
            return closed;
        } finally {
            lock.readLock().unlock();
        }
    }
}
