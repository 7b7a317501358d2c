package io.bgswap.internal;

import java.util.concurrent.Semaphore;

/**
 * The cores of the process, handed out to inferences running on the CPU so that inferences
 * running at the same time (workers of the service, concurrent callers of one swapper, Spark tasks
 * in one executor, the two models of the portrait pipeline) never ask for more intra-op threads
 * together than there are cores. An inference of {@code n} threads takes {@code min(n, cores)}
 * cores for the duration of its run and waits while they are taken; waiting is first come, first
 * served. Engine thread pools that oversubscribe the cores slow each other down: on two cores,
 * {@code selfie} inferences of two Spark tasks running side by side took 155-195 ms each against
 * 85-165 ms for one task at a time.
 *
 * <p>Thread-safe. Not API.
 */
public final class CoreBudget {
    private static final CoreBudget PROCESS = new CoreBudget(Math.max(1, Runtime.getRuntime().availableProcessors()));

    /** What {@link #take} hands out; closing it gives the cores back. */
    public interface Lease extends AutoCloseable {
        @Override
        void close();
    }

    private static final Lease NOTHING = () -> { };

    private final int cores;
    private final Semaphore free;

    /** @param cores the cores to hand out, at least 1 */
    public CoreBudget(int cores) {
        if (cores < 1) {
            throw new IllegalArgumentException("cores must be >= 1, was " + cores);
        }
        this.cores = cores;
        this.free = new Semaphore(cores, true);
    }

    /** @return the budget of this process: the processors available to the JVM */
    public static CoreBudget process() {
        return PROCESS;
    }

    /** @return how many cores the budget holds */
    public int cores() {
        return cores;
    }

    /** @return how many cores are not taken right now */
    public int available() {
        return free.availablePermits();
    }

    /**
     * Takes the cores for one run, waiting until they are free.
     *
     * @param threads the run's intra-op threads; 0 or less takes nothing (a run off the CPU)
     * @return the lease to close when the run ends
     * @throws InterruptedException when interrupted while waiting
     */
    public Lease take(int threads) throws InterruptedException {
        if (threads <= 0) {
            return NOTHING;
        }
        int n = Math.min(threads, cores);
        free.acquire(n);
        return new Lease() {
            private boolean closed;

            @Override
            public void close() {
                if (!closed) {
                    closed = true;
                    free.release(n);
                }
            }
        };
    }
}
