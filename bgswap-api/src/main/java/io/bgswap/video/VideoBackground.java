package io.bgswap.video;

import io.bgswap.Background;
import io.bgswap.image.ArgbImage;

import java.util.Objects;

/**
 * What goes behind the person, frame by frame: a fixed {@link Background} (colour, picture, blur of
 * the frame itself, transparent) or one that changes over time, such as another video played in a
 * loop. The pipeline calls {@link #next} once per frame, in frame order, from a single thread,
 * unless the background declares itself {@link #stateless()}.
 * Implementations need not be thread-safe; those holding native resources release them in
 * {@link #close()} (idempotent).
 */
public interface VideoBackground extends AutoCloseable {
    /**
     * @param frame the frame being composited
     * @param index the frame's index in the stream, from 0
     * @return the background for this frame; a {@link Background.Picture} returned here may be
     *         reused and overwritten on the next call (the pipeline is done with it by then), but
     *         then it must have the frame's size (pictures of other sizes are scaled once and cached)
     */
    Background next(ArgbImage frame, long index);

    @Override
    default void close() {
    }

    /**
     * @return whether {@link #next} may be called for several frames at once, from several threads,
     *         in any order (true for fixed backgrounds); the pipeline then composites frames in
     *         parallel
     */
    default boolean stateless() {
        return false;
    }

    /**
     * @param background a fixed background
     * @return a video background that is always {@code background}
     */
    static VideoBackground of(Background background) {
        Objects.requireNonNull(background, "background");
        return new VideoBackground() {
            @Override
            public Background next(ArgbImage frame, long index) {
                return background;
            }

            @Override
            public boolean stateless() {
                return true;
            }
        };
    }
}
