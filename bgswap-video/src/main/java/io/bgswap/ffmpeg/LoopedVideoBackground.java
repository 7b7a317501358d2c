package io.bgswap.ffmpeg;

import io.bgswap.Background;
import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;
import io.bgswap.compositing.LinearLightCompositor;
import io.bgswap.image.ArgbImage;
import io.bgswap.video.VideoBackground;

import java.nio.file.Path;

/**
 * Another video as the background, played from the start again when it ends, one of its frames
 * per frame of the foreground (so it plays at the foreground's frame rate), scaled to cover the
 * frame and centred. Not thread-safe (the pipeline calls it from one thread); close it, or the
 * pipeline it was given to, to free the decoder (idempotent).
 */
public final class LoopedVideoBackground implements VideoBackground {
    private final VideoReader reader;
    private ArgbImage covered;
    private Background.Picture picture;

    /**
     * @param file the background video
     */
    public LoopedVideoBackground(Path file) {
        this.reader = VideoReader.open(file.toString(), null, false);
    }

    @Override
    public Background next(ArgbImage frame, long index) {
        ArgbImage img = reader.nextImage();
        if (img == null) {
            reader.rewind();
            img = reader.nextImage();
            if (img == null) {
                throw new BgSwapException(ErrorCode.UNSUPPORTED_IMAGE, "The background video has no frames");
            }
        }
        if (covered == null || covered.width() != frame.width() || covered.height() != frame.height()) {
            covered = ArgbImage.create(frame.width(), frame.height());
            picture = new Background.Picture(covered);
        }
        LinearLightCompositor.cover(img, covered);
        return picture;
    }

    @Override
    public void close() {
        reader.close();
    }
}
