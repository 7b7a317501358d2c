package io.bgswap.ffmpeg;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;
import io.bgswap.image.ArgbImage;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a video file, stream or capture device through FFmpeg, one packet at a time: each
 * {@link #grab()} yields either a picture, converted into one reused {@link ArgbImage}, or a block
 * of audio samples, to be passed on to a {@link VideoWriter} unchanged.
 *
 * <p>Not thread-safe: one thread reads. Holds native memory until {@link #close()} (idempotent).
 */
public final class VideoReader implements AutoCloseable {
    /** What {@link #grab()} found. */
    public enum Kind {
        /** A picture, now in {@link #image()}. */
        VIDEO,
        /** Audio samples, now in {@link #audio()}. */
        AUDIO,
        /** The end of the stream. */
        END
    }

    private final FFmpegFrameGrabber grabber;
    private final String name;
    private ArgbImage image;
    private Frame audio;
    private boolean closed;

    private VideoReader(FFmpegFrameGrabber grabber, String name) {
        this.grabber = grabber;
        this.name = name;
    }

    /**
     * @param file a video file
     * @return an open reader
     */
    public static VideoReader open(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new BgSwapException(ErrorCode.IO_ERROR, "No such video file: " + file);
        }
        return open(file.toString(), null, true);
    }

    /**
     * @param source    what FFmpeg opens: a file, a URL, or a device such as {@code /dev/video0}
     * @param format    FFmpeg input format ({@code v4l2}, {@code avfoundation}, {@code dshow}...),
     *                  or {@code null} to let FFmpeg guess
     * @param withAudio whether to decode audio too
     * @return an open reader
     */
    public static VideoReader open(String source, String format, boolean withAudio) {
        Natives.load();
        FFmpegFrameGrabber g = new FFmpegFrameGrabber(source);
        if (format != null) {
            g.setFormat(format);
        }
        g.setPixelFormat(avutil.AV_PIX_FMT_BGRA);
        if (!withAudio) {
            g.setAudioStream(-1);
            g.setAudioChannels(0);
        }
        try {
            g.start();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            closeQuietly(g);
            throw new BgSwapException(ErrorCode.UNSUPPORTED_IMAGE, "Cannot open video " + source + ": " + e.getMessage(), e);
        }
        if (g.getImageWidth() <= 0 || g.getImageHeight() <= 0) {
            closeQuietly(g);
            throw new BgSwapException(ErrorCode.UNSUPPORTED_IMAGE, "No video stream in " + source);
        }
        return new VideoReader(g, source);
    }

    /**
     * Reads the next picture or block of audio.
     *
     * @return what was read
     */
    public Kind grab() {
        if (closed) {
            throw new BgSwapException(ErrorCode.CLOSED, "Video reader for " + name + " is closed");
        }
        while (true) {
            Frame f;
            try {
                f = grabber.grab();
            } catch (FrameGrabber.Exception | RuntimeException e) {
                throw new BgSwapException(ErrorCode.TRUNCATED_IMAGE, "Cannot decode " + name + ": " + e.getMessage(), e);
            }
            if (f == null) {
                return Kind.END;
            }
            if (f.image != null && f.imageWidth > 0) {
                convert(f);
                return Kind.VIDEO;
            }
            if (f.samples != null) {
                audio = f;
                return Kind.AUDIO;
            }
        }
    }

    /**
     * Reads on to the next picture, skipping audio.
     *
     * @return the picture (the reused buffer), or {@code null} at the end
     */
    public ArgbImage nextImage() {
        while (true) {
            Kind k = grab();
            if (k == Kind.VIDEO) {
                return image;
            }
            if (k == Kind.END) {
                return null;
            }
        }
    }

    /** Goes back to the start (for looping); works on files, not on live sources. */
    public void rewind() {
        try {
            grabber.setTimestamp(0L);
        } catch (FrameGrabber.Exception | RuntimeException e) {
            throw new BgSwapException(ErrorCode.IO_ERROR, "Cannot rewind " + name + ": " + e.getMessage(), e);
        }
    }

    private void convert(Frame f) {
        int w = f.imageWidth;
        int h = f.imageHeight;
        if (image == null || image.width() != w || image.height() != h) {
            image = ArgbImage.create(w, h);
        }
        ByteBuffer bytes = ((ByteBuffer) f.image[0]).duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int strideInts = f.imageStride / 4;
        int[] px = image.pixels();
        bytes.position(0);
        IntBuffer ints = bytes.asIntBuffer();
        for (int y = 0; y < h; y++) {
            ints.position(y * strideInts);
            ints.get(px, y * w, w);
        }
        // BGRA in memory is 0xAARRGGBB as a little-endian int; decoded video carries no alpha
        for (int i = 0; i < px.length; i++) {
            px[i] |= 0xFF000000;
        }
    }

    /** @return the last picture read; the same buffer every time */
    public ArgbImage image() {
        return image;
    }

    /** @return the last audio block read; valid until the next {@link #grab()} */
    public Frame audio() {
        return audio;
    }

    /** @return picture width */
    public int width() {
        return grabber.getImageWidth();
    }

    /** @return picture height */
    public int height() {
        return grabber.getImageHeight();
    }

    /** @return frames per second */
    public double frameRate() {
        return grabber.getFrameRate();
    }

    /** @return the number of frames FFmpeg expects (an estimate for some containers; 0 for live sources) */
    public int lengthInFrames() {
        return Math.max(0, grabber.getLengthInFrames());
    }

    /** @return audio channels, 0 without audio */
    public int audioChannels() {
        return grabber.hasAudio() ? grabber.getAudioChannels() : 0;
    }

    /** @return audio sample rate, 0 without audio */
    public int sampleRate() {
        return grabber.hasAudio() ? grabber.getSampleRate() : 0;
    }

    /** @return the audio bit rate of the input, 0 when unknown */
    public int audioBitrate() {
        return grabber.getAudioBitrate();
    }

    /** @return the video bit rate of the input, 0 when unknown */
    public int videoBitrate() {
        return grabber.getVideoBitrate();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            closeQuietly(grabber);
        }
    }

    private static void closeQuietly(FFmpegFrameGrabber g) {
        try {
            g.close();
        } catch (FrameGrabber.Exception | RuntimeException ignored) {
            // already failing or closing; nothing more to free
        }
    }
}
