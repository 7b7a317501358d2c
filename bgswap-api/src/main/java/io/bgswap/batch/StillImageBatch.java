package io.bgswap.batch;

import io.bgswap.BackgroundSwapper;
import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;
import io.bgswap.Matter;
import io.bgswap.Segmenter;
import io.bgswap.image.ArgbImage;
import io.bgswap.image.FloatImage;
import io.bgswap.internal.DaemonThreads;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Replaces the backgrounds of many still images with the stages overlapped: while one image is in
 * inference, the next is read and decoded and the previous one is matted, composited, encoded and
 * written. A batch of images then costs little more than its inferences, where one image after
 * the other would add decoding, matting and encoding to every inference.
 *
 * <pre>{@code
 * try (BackgroundSwapper swapper = BackgroundSwapper.builder().build();
 *      StillImageBatch<Path, Path> batch = StillImageBatch.builder(swapper,
 *              (Path in) -> ImageFiles.read(in),
 *              (Path in, ArgbImage photo, FloatImage alpha) -> {
 *                  Path out = outDir.resolve(in.getFileName() + ".png");
 *                  ImageFiles.write(swapper.compositor().composite(photo, alpha, background), out, 0.92f);
 *                  return out;
 *              }).build()) {
 *     batch.process(files.iterator()).forEachRemaining(outcome -> ...);   // in input order
 * }
 * }</pre>
 *
 * <p>Stages: the {@link Reader} runs on one thread, in input order; segmentation
 * ({@link Segmenter#segment}) on one inference thread, in input order; matting
 * ({@link Matter#refine}) and the {@link Finisher} on {@link Builder#finishThreads} threads. At
 * most {@link Builder#maxInFlight} items are between being taken from the input and being handed
 * to the caller, so memory stays bounded whatever the batch size: a few decoded images, mattes
 * and results. Results come back in input order. A failure in any stage of one item (unreadable
 * file, bad image, failed write) becomes that item's {@link Outcome#failure()} and the batch goes
 * on.
 *
 * <p>The inference thread count is the swapper's: every inference takes its threads from the
 * process's cores (see {@link io.bgswap.segmentation.ModelSegmenter}), so several batches, or a
 * batch and other callers of the same swapper, share the cores rather than oversubscribe them.
 *
 * <p>Thread safety: {@link #process} may be called from several threads; each returned iterator
 * belongs to the thread that iterates it (like any iterator). {@link #close()} stops the stage
 * threads, waiting for work in flight; it does not close the swapper.
 *
 * @param <T> what an item is (a path, a request, a table row)
 * @param <R> what finishing an item gives (the path written, encoded bytes, a result row)
 */
public final class StillImageBatch<T, R> implements AutoCloseable {
    /** The default of {@link Builder#maxInFlight}: one item per stage. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 3;

    /**
     * Reads an item's image: opens, decodes, applies orientation, checks limits.
     *
     * @param <T> the item type
     */
    @FunctionalInterface
    public interface Reader<T> {
        /**
         * @param item the item
         * @return its image
         * @throws Exception any failure, reported as the item's outcome
         */
        ArgbImage read(T item) throws Exception;
    }

    /**
     * Turns an item's image and alpha matte into its result: composites, encodes, writes.
     *
     * @param <T> the item type
     * @param <R> the result type
     */
    @FunctionalInterface
    public interface Finisher<T, R> {
        /**
         * @param item  the item
         * @param image its image, as the {@link Reader} gave it
         * @param alpha its alpha matte at the image's resolution, matted by the swapper's matter
         * @return the result
         * @throws Exception any failure, reported as the item's outcome
         */
        R finish(T item, ArgbImage image, FloatImage alpha) throws Exception;
    }

    /**
     * What became of one item: a result or the failure that stopped it.
     *
     * @param item    the item
     * @param result  the finisher's result, {@code null} when it failed
     * @param failure what went wrong (the first failing stage's exception), {@code null} when it succeeded
     * @param times   how long each stage took for this item
     * @param <T>     the item type
     * @param <R>     the result type
     */
    public record Outcome<T, R>(T item, R result, Throwable failure, StageTimes times) {
        /** @return whether the item was finished */
        public boolean succeeded() {
            return failure == null;
        }
    }

    /**
     * The time each stage spent on one item, in milliseconds, not counting waits between stages;
     * {@code NaN} for a stage the item never reached.
     *
     * @param readMs    the {@link Reader}
     * @param segmentMs segmentation (the inference, with the segmenter's pre- and postprocessing)
     * @param matteMs   matting
     * @param finishMs  the {@link Finisher}
     */
    public record StageTimes(double readMs, double segmentMs, double matteMs, double finishMs) {
    }

    private final Segmenter segmenter;
    private final Matter matter;
    private final Reader<? super T> reader;
    private final Finisher<? super T, ? extends R> finisher;
    private final int maxInFlight;
    private final ExecutorService reading;
    private final ExecutorService inferring;
    private final ExecutorService finishing;
    private volatile boolean closed;

    private StillImageBatch(Builder<T, R> b) {
        this.segmenter = b.swapper.segmenter();
        this.matter = b.swapper.matter();
        this.reader = b.reader;
        this.finisher = b.finisher;
        this.maxInFlight = b.maxInFlight;
        this.reading = Executors.newSingleThreadExecutor(DaemonThreads.named("bgswap-batch-read"));
        this.inferring = Executors.newSingleThreadExecutor(DaemonThreads.named("bgswap-batch-infer"));
        this.finishing = Executors.newFixedThreadPool(b.finishThreads, DaemonThreads.named("bgswap-batch-finish"));
    }

    /**
     * @param swapper  segments (its {@link BackgroundSwapper#segmenter()}) and mattes (its
     *                 {@link BackgroundSwapper#matter()}); not closed by the batch
     * @param reader   reads an item's image
     * @param finisher turns image and matte into the item's result
     * @param <T>      the item type
     * @param <R>      the result type
     * @return a builder
     */
    public static <T, R> Builder<T, R> builder(BackgroundSwapper swapper, Reader<? super T> reader,
                                               Finisher<? super T, ? extends R> finisher) {
        return new Builder<>(swapper, reader, finisher);
    }

    /** @return the most items between being taken from the input and being handed out */
    public int maxInFlight() {
        return maxInFlight;
    }

    /**
     * Processes items lazily: each call of the iterator's {@code hasNext} or {@code next} takes
     * items from {@code items} (on the calling thread, so the input need not be thread-safe) until
     * {@link #maxInFlight()} are in flight, and {@code next} waits for the oldest one.
     *
     * @param items the inputs
     * @return one outcome per input, in input order
     */
    public Iterator<Outcome<T, R>> process(Iterator<? extends T> items) {
        Objects.requireNonNull(items, "items");
        return new Iterator<>() {
            private final ArrayDeque<CompletableFuture<Outcome<T, R>>> inFlight = new ArrayDeque<>();

            private void fill() {
                while (inFlight.size() < maxInFlight && items.hasNext()) {
                    inFlight.add(start(items.next()));
                }
            }

            @Override
            public boolean hasNext() {
                fill();
                return !inFlight.isEmpty();
            }

            @Override
            public Outcome<T, R> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Outcome<T, R> outcome = await(inFlight.poll());
                fill();
                return outcome;
            }
        };
    }

    private CompletableFuture<Outcome<T, R>> start(T item) {
        if (closed) {
            throw new BgSwapException(ErrorCode.CLOSED, "The batch is closed");
        }
        long[] nanos = {-1, -1, -1, -1};
        CompletableFuture<ArgbImage> read = CompletableFuture.supplyAsync(
                () -> timed(nanos, 0, () -> reader.read(item)), reading);
        CompletableFuture<Segmented> segmented = read.thenApplyAsync(
                image -> new Segmented(image, timed(nanos, 1, () -> segmenter.segment(image))), inferring);
        CompletableFuture<R> finished = segmented.thenApplyAsync(s -> {
            FloatImage alpha = timed(nanos, 2, () -> matter.refine(s.image, s.probability));
            return timed(nanos, 3, () -> finisher.finish(item, s.image, alpha));
        }, finishing);
        // the stages write nanos before completing their futures, which orders the writes before this read
        return finished.handle((result, failure) -> new Outcome<>(item, failure == null ? result : null,
                failure == null ? null : cause(failure), new StageTimes(ms(nanos[0]), ms(nanos[1]), ms(nanos[2]), ms(nanos[3]))));
    }

    private static <V> V timed(long[] nanos, int stage, java.util.concurrent.Callable<V> work) {
        long t0 = System.nanoTime();
        try {
            return work.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new CompletionException(e);
        } finally {
            nanos[stage] = System.nanoTime() - t0;
        }
    }

    private static double ms(long nanos) {
        return nanos < 0 ? Double.NaN : nanos / 1e6;
    }

    private static Throwable cause(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private Outcome<T, R> await(CompletableFuture<Outcome<T, R>> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BgSwapException(ErrorCode.INFERENCE_FAILED, "Interrupted while waiting for the batch", e);
        } catch (ExecutionException | CancellationException e) {
            // handle() turns every stage failure into an outcome; only a rejected start gets here
            throw new BgSwapException(ErrorCode.CLOSED, "The batch was closed while images were in flight", e);
        }
    }

    /** Stops the stage threads; work in flight ends first (up to a minute), later items fail. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        reading.shutdownNow();
        inferring.shutdown();
        finishing.shutdown();
        try {
            for (ExecutorService s : new ExecutorService[] {reading, inferring, finishing}) {
                s.awaitTermination(1, TimeUnit.MINUTES);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Segmented(ArgbImage image, FloatImage probability) {
    }

    /**
     * Configures a {@link StillImageBatch}. Not thread-safe.
     *
     * @param <T> the item type
     * @param <R> the result type
     */
    public static final class Builder<T, R> {
        private final BackgroundSwapper swapper;
        private final Reader<? super T> reader;
        private final Finisher<? super T, ? extends R> finisher;
        private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
        private int finishThreads = 1;

        private Builder(BackgroundSwapper swapper, Reader<? super T> reader, Finisher<? super T, ? extends R> finisher) {
            this.swapper = Objects.requireNonNull(swapper, "swapper");
            this.reader = Objects.requireNonNull(reader, "reader");
            this.finisher = Objects.requireNonNull(finisher, "finisher");
        }

        /**
         * How many items may be in flight: read or being read, in or waiting for inference,
         * being finished, or finished and not yet handed out. Default
         * {@value StillImageBatch#DEFAULT_MAX_IN_FLIGHT}, enough to keep every stage busy when
         * inference is the slowest stage; more helps only when stage times vary a lot.
         *
         * @param n at least 1 (1 processes one item after the other)
         * @return this
         */
        public Builder<T, R> maxInFlight(int n) {
            if (n < 1) {
                throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "maxInFlight must be >= 1, was " + n);
            }
            this.maxInFlight = n;
            return this;
        }

        /**
         * Threads that matte and finish items. Default 1, which keeps up with CPU inference of the
         * built-in models; raise it (with {@link #maxInFlight}) when inference runs on a GPU.
         *
         * @param n at least 1
         * @return this
         */
        public Builder<T, R> finishThreads(int n) {
            if (n < 1) {
                throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "finishThreads must be >= 1, was " + n);
            }
            this.finishThreads = n;
            return this;
        }

        /** @return the batch; close it to stop its threads */
        public StillImageBatch<T, R> build() {
            return new StillImageBatch<>(this);
        }
    }
}
