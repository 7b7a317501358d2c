package io.bgswap.video;

import io.bgswap.Background;
import io.bgswap.BgSwapException;
import io.bgswap.Compositor;
import io.bgswap.ErrorCode;
import io.bgswap.Matter;
import io.bgswap.Segmenter;
import io.bgswap.compositing.CompositeOptions;
import io.bgswap.compositing.LinearLightCompositor;
import io.bgswap.image.ArgbImage;
import io.bgswap.image.FloatImage;
import io.bgswap.matting.GuidedFilterMatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Background replacement for a stream of frames. The caller {@linkplain #submit pushes} frames
 * from any source (a file decoder, a camera, a network stream) and {@linkplain #take takes}
 * composited frames, in the same order.
 *
 * <pre>{@code
 * try (FramePipeline pipeline = FramePipeline.builder(segmenter).background(Background.blur(0)).build()) {
 *     // producer thread:  pipeline.submit(frame) for each frame, then pipeline.finish()
 *     // consumer thread:
 *     FramePipeline.Frame out;
 *     while ((out = pipeline.take()) != null) {
 *         show(out.image());
 *         out.close(); // gives the buffers back
 *     }
 * }
 * }</pre>
 *
 * <p>Two stages run on their own threads and overlap: (1) resize + segment + temporal smoothing,
 * in frame order on one thread, (2) matting + compositing, on several threads that take different
 * frames at once (the results are put back in order). A fixed set of frame slots (the capacity) carries each frame's
 * buffers through the stages: {@link #submit} copies the frame into a free slot and blocks while
 * none is free, which is the backpressure; a slot comes back when the consumer closes the
 * {@link Frame} it received. In steady state no image-sized buffer is allocated.
 *
 * <p>For best throughput give the segmenter fewer inference threads than the machine has cores
 * (one on two cores), since stage 2 runs beside it.
 *
 * <p>Thread-safe: {@link #submit} may be called from one producer thread while another consumes;
 * frames are numbered in submission order, so use one producer. Close it to stop the stage
 * threads (the segmenter is not closed: it belongs to the caller); {@link #close()} is idempotent.
 */
public final class FramePipeline implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FramePipeline.class);
    private static final Frame END = new Frame(null);

    private final Segmenter segmenter;
    private final Matter matter;
    private final Compositor compositor;
    private final VideoBackground background;
    private final TemporalSmoother smoother;
    private final BlockingQueue<Frame> free;
    private final BlockingQueue<Frame> toSegment;
    private final BlockingQueue<Frame> toComposite;
    private final BlockingQueue<Frame> done;
    private final Thread segmentThread;
    private final Thread[] compositeThreads;
    private final java.util.concurrent.atomic.AtomicInteger compositeRunning;
    private final Frame[] reorder;
    private long nextOut;
    private final int capacity;
    private volatile Throwable failure;
    private volatile boolean closed;
    private volatile boolean finished;
    private long submitted;
    private boolean ended;

    private FramePipeline(Builder b) {
        this.segmenter = b.segmenter;
        this.matter = b.matter != null ? b.matter : new GuidedFilterMatter(b.matteWorkingSize, 0, GuidedFilterMatter.DEFAULT_EPS);
        this.compositor = b.compositor != null ? b.compositor : new LinearLightCompositor(CompositeOptions.PLAIN);
        this.background = b.background;
        this.smoother = b.smoothing.stillWeight() >= 1f ? null : new TemporalSmoother(b.smoothing);
        this.capacity = b.capacity;
        free = new ArrayBlockingQueue<>(capacity);
        toSegment = new ArrayBlockingQueue<>(capacity + 1);
        toComposite = new ArrayBlockingQueue<>(capacity + 1);
        done = new ArrayBlockingQueue<>(capacity + 1);
        for (int i = 0; i < capacity; i++) {
            free.add(new Frame(this));
        }
        segmentThread = new Thread(this::segmentLoop, "bgswap-segment");
        int workers = background.stateless() ? b.compositeThreads : 1;
        compositeThreads = new Thread[workers];
        compositeRunning = new java.util.concurrent.atomic.AtomicInteger(workers);
        reorder = new Frame[capacity];
        for (int i = 0; i < workers; i++) {
            compositeThreads[i] = new Thread(this::compositeLoop, "bgswap-composite-" + i);
            compositeThreads[i].setDaemon(true);
        }
        segmentThread.setDaemon(true);
        segmentThread.start();
        for (Thread t : compositeThreads) {
            t.start();
        }
    }

    /**
     * @param segmenter the segmenter (for real time, {@code selfie}); owned by the caller
     * @return a new builder
     */
    public static Builder builder(Segmenter segmenter) {
        return new Builder(segmenter);
    }

    /**
     * Copies a frame into the pipeline, waiting while all slots are in use.
     *
     * @param frame the frame; may be reused by the caller as soon as this returns
     */
    public void submit(ArgbImage frame) {
        Objects.requireNonNull(frame, "frame");
        Frame slot;
        try {
            slot = acquire(-1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BgSwapException(ErrorCode.CLOSED, "Interrupted while waiting for a free frame slot", e);
        }
        fill(slot, frame);
    }

    /**
     * Copies a frame into the pipeline unless all slots stay in use for {@code timeout}; a live
     * source (a camera) uses this to drop frames instead of falling behind.
     *
     * @param frame   the frame
     * @param timeout how long to wait
     * @param unit    unit of {@code timeout}
     * @return whether the frame was taken
     */
    public boolean offer(ArgbImage frame, long timeout, TimeUnit unit) {
        Objects.requireNonNull(frame, "frame");
        Frame slot;
        try {
            slot = acquire(unit.toNanos(timeout));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        if (slot == null) {
            return false;
        }
        fill(slot, frame);
        return true;
    }

    private Frame acquire(long timeoutNanos) throws InterruptedException {
        checkUsable();
        if (finished) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "finish() was called; no more frames are accepted");
        }
        long deadline = timeoutNanos < 0 ? Long.MAX_VALUE : System.nanoTime() + timeoutNanos;
        while (true) {
            Frame slot = free.poll(50, TimeUnit.MILLISECONDS);
            if (slot != null) {
                return slot;
            }
            checkUsable();
            if (System.nanoTime() >= deadline) {
                return null;
            }
        }
    }

    private void fill(Frame slot, ArgbImage frame) {
        if (slot.input == null || slot.input.width() != frame.width() || slot.input.height() != frame.height()) {
            slot.input = ArgbImage.create(frame.width(), frame.height());
            slot.output = ArgbImage.create(frame.width(), frame.height());
            slot.alpha = FloatImage.create(frame.width(), frame.height());
        }
        System.arraycopy(frame.pixels(), 0, slot.input.pixels(), 0, frame.pixels().length);
        slot.index = submitted++;
        slot.released = false;
        toSegment.add(slot);
    }

    /** Declares the end of the stream: {@link #take} returns {@code null} after the last frame. */
    public void finish() {
        if (!finished) {
            finished = true;
            toSegment.add(END);
        }
    }

    /**
     * Waits for the next composited frame.
     *
     * @return the next frame in submission order, or {@code null} after {@link #finish()} once all
     *         frames are out; close the frame when done with it
     * @throws BgSwapException when a stage failed, after the frames completed before the failure
     */
    public Frame take() {
        try {
            return poll(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BgSwapException(ErrorCode.CLOSED, "Interrupted while waiting for a frame", e);
        }
    }

    /**
     * @param timeout how long to wait
     * @param unit    unit of {@code timeout}
     * @return the next frame, or {@code null} at the end of the stream or when none came in time
     *         (tell them apart with {@link #isDone()})
     * @throws InterruptedException when interrupted while waiting
     */
    public Frame poll(long timeout, TimeUnit unit) throws InterruptedException {
        if (ended) {
            return null;
        }
        long deadline = System.nanoTime() + Math.min(unit.toNanos(timeout), Long.MAX_VALUE / 4);
        while (true) {
            int slot = (int) (nextOut % capacity);
            Frame ready = reorder[slot];
            if (ready != null && ready.index == nextOut) {
                reorder[slot] = null;
                nextOut++;
                return ready;
            }
            Frame f = done.poll(Math.min(50_000_000L, Math.max(0, deadline - System.nanoTime())), TimeUnit.NANOSECONDS);
            if (f == END) {
                ended = true;
                throwIfFailed();
                return null;
            }
            if (f != null) {
                // several compositing threads finish out of order: put frames back in sequence
                reorder[(int) (f.index % capacity)] = f;
                continue;
            }
            if (closed) {
                throw new BgSwapException(ErrorCode.CLOSED, "Frame pipeline is closed");
            }
            if (System.nanoTime() >= deadline) {
                return null;
            }
        }
    }

    /** @return whether the end of the stream has been taken */
    public boolean isDone() {
        return ended;
    }

    /** @return how many frames can be in flight at once */
    public int capacity() {
        return capacity;
    }

    /**
     * Runs a whole stream: a helper thread submits the source's frames while the calling thread
     * hands each result to {@code sink} (the frame is closed after {@code sink} returns, so the sink
     * must copy what it keeps).
     *
     * @param source frames in order; its {@code next()} may return a reused buffer
     * @param sink   receives each composited frame in order
     * @return the number of frames processed
     */
    public long run(Iterator<ArgbImage> source, Consumer<Frame> sink) {
        Thread feeder = new Thread(() -> {
            try {
                while (source.hasNext()) {
                    submit(source.next());
                }
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                }
            } finally {
                try {
                    finish();
                } catch (RuntimeException ignored) {
                    // closed meanwhile
                }
            }
        }, "bgswap-feeder");
        feeder.setDaemon(true);
        feeder.start();
        long count = 0;
        try {
            while (true) {
                Frame f = take();
                if (f == null) {
                    break;
                }
                try (f) {
                    sink.accept(f);
                }
                count++;
            }
        } finally {
            try {
                feeder.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return count;
    }

    private void segmentLoop() {
        try {
            while (!closed) {
                Frame f = toSegment.poll(50, TimeUnit.MILLISECONDS);
                if (f == null) {
                    continue;
                }
                if (f == END) {
                    toComposite.put(END);
                    return;
                }
                if (f.probability == null) {
                    f.probability = segmenter.segment(f.input);
                } else {
                    FloatImage p = segmenter.segment(f.input, f.probability);
                    if (p != f.probability) {
                        f.probability = p;
                    }
                }
                if (smoother != null) {
                    smoother.smooth(f.input, f.probability);
                    f.sceneCut = smoother.lastWasReset();
                } else {
                    f.sceneCut = f.index == 0;
                }
                toComposite.put(f);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            fail(t, toComposite);
        }
    }

    private void compositeLoop() {
        try {
            while (!closed) {
                Frame f = toComposite.poll(50, TimeUnit.MILLISECONDS);
                if (f == null) {
                    continue;
                }
                if (f == END) {
                    if (compositeRunning.decrementAndGet() == 0) {
                        done.put(END);
                    } else {
                        toComposite.put(END); // for the next compositing thread
                    }
                    return;
                }
                matter.refine(f.input, f.probability, f.alpha);
                Background bg = background.next(f.input, f.index);
                compositor.composite(f.input, f.alpha, bg, f.output);
                done.put(f);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            fail(t, done);
        }
    }

    /** Records the failure and ends the stream after the frames already past the failing stage. */
    private void fail(Throwable t, BlockingQueue<Frame> next) {
        if (failure == null) {
            failure = t;
            LOG.debug("Frame pipeline failed", t);
        }
        next.offer(END);
    }

    private void checkUsable() {
        throwIfFailed();
        if (closed) {
            throw new BgSwapException(ErrorCode.CLOSED, "Frame pipeline is closed");
        }
    }

    private void throwIfFailed() {
        Throwable t = failure;
        if (t != null) {
            if (t instanceof BgSwapException b) {
                throw new BgSwapException(b.code(), "Frame pipeline failed: " + b.getMessage(), b);
            }
            throw new BgSwapException(ErrorCode.INFERENCE_FAILED, "Frame pipeline failed: " + t, t);
        }
    }

    private void release(Frame f) {
        if (!closed) {
            free.offer(f);
        }
    }

    /** Stops the stage threads and closes the background; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        segmentThread.interrupt();
        for (Thread t : compositeThreads) {
            t.interrupt();
        }
        try {
            segmentThread.join(2000);
            for (Thread t : compositeThreads) {
                t.join(2000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        background.close();
    }

    /**
     * One composited frame, lent by the pipeline: its buffers go back to the pipeline on
     * {@link #close()} and must not be used afterwards. Not thread-safe.
     */
    public static final class Frame implements AutoCloseable {
        private final FramePipeline owner;
        long index;
        ArgbImage input;
        FloatImage probability;
        FloatImage alpha;
        ArgbImage output;
        boolean sceneCut;
        boolean released = true;

        Frame(FramePipeline owner) {
            this.owner = owner;
        }

        /** @return the frame's position in the stream, from 0 */
        public long index() {
            return index;
        }

        /** @return the composited frame */
        public ArgbImage image() {
            return output;
        }

        /** @return the frame as it was submitted */
        public ArgbImage source() {
            return input;
        }

        /** @return the alpha matte used, at the frame's size */
        public FloatImage alpha() {
            return alpha;
        }

        /** @return the (smoothed) person probability at the model's resolution */
        public FloatImage probability() {
            return probability;
        }

        /** @return whether temporal smoothing started afresh at this frame (first frame or scene cut) */
        public boolean sceneCut() {
            return sceneCut;
        }

        /** Gives the buffers back to the pipeline; idempotent. */
        @Override
        public void close() {
            if (!released) {
                released = true;
                owner.release(this);
            }
        }
    }

    /** Configures a {@link FramePipeline}. Not thread-safe. */
    public static final class Builder {
        private final Segmenter segmenter;
        private Matter matter;
        private Compositor compositor;
        private VideoBackground background = VideoBackground.of(Background.transparent());
        private TemporalSmoother.Settings smoothing = TemporalSmoother.Settings.DEFAULT;
        private int capacity = 4;
        private int matteWorkingSize = 384;
        private int compositeThreads = Math.min(4, Runtime.getRuntime().availableProcessors());

        private Builder(Segmenter segmenter) {
            this.segmenter = Objects.requireNonNull(segmenter, "segmenter");
        }

        /**
         * @param matter the matter; default a {@link GuidedFilterMatter} fitted at
         *               {@link #matteWorkingSize(int)}
         * @return this
         */
        public Builder matter(Matter matter) {
            this.matter = matter;
            return this;
        }

        /**
         * @param size long side of the default matter's working resolution (default 384: above the
         *             real-time models' 256 and cheap enough for 720p and 1080p; the still-image
         *             default is 1024)
         * @return this
         */
        public Builder matteWorkingSize(int size) {
            this.matteWorkingSize = size;
            return this;
        }

        /**
         * @param compositor the compositor; default {@link LinearLightCompositor} with {@link CompositeOptions#PLAIN}
         * @return this
         */
        public Builder compositor(Compositor compositor) {
            this.compositor = compositor;
            return this;
        }

        /**
         * @param background a fixed background (default transparent)
         * @return this
         */
        public Builder background(Background background) {
            this.background = VideoBackground.of(background);
            return this;
        }

        /**
         * @param background a background that changes per frame; the pipeline closes it
         * @return this
         */
        public Builder background(VideoBackground background) {
            this.background = Objects.requireNonNull(background, "background");
            return this;
        }

        /**
         * @param settings temporal smoothing ({@link TemporalSmoother.Settings#OFF} to disable)
         * @return this
         */
        public Builder smoothing(TemporalSmoother.Settings settings) {
            this.smoothing = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * @param frames frames in flight at once (at least 2; default 4): more smooths out
         *               uneven stage times, fewer keeps latency and memory low
         * @return this
         */
        public Builder capacity(int frames) {
            if (frames < 2) {
                throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "capacity must be at least 2, was " + frames);
            }
            this.capacity = frames;
            return this;
        }

        /**
         * @param threads threads for matting and compositing, which work on different frames at once
         *                (default: the number of cores, at most 4); a background that changes per
         *                frame ({@link VideoBackground#stateless()} false) always gets one
         * @return this
         */
        public Builder compositeThreads(int threads) {
            if (threads < 1) {
                throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "compositeThreads must be at least 1, was " + threads);
            }
            this.compositeThreads = threads;
            return this;
        }

        /** @return a running pipeline */
        public FramePipeline build() {
            return new FramePipeline(this);
        }
    }
}
