package io.bgswap.ffmpeg;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;
import io.bgswap.image.ArgbImage;
import io.bgswap.internal.AtomicFiles;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameRecorder;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes a video file through FFmpeg: H.264 pictures (the LGPL FFmpeg build encodes it with
 * OpenH264) and AAC audio, in the container named by the file's extension (mp4, mov, mkv...).
 * The file appears under its name only when {@link #close()} has finished it; a failure leaves no
 * half-written file behind.
 *
 * <p>Not thread-safe: one thread writes. Holds native memory until {@link #close()} (idempotent).
 */
public final class VideoWriter implements AutoCloseable {
    private final FFmpegFrameRecorder recorder;
    private final Path target;
    private final Path tmp;
    private final int width;
    private final int height;
    private final ByteBuffer pixels;
    private final IntBuffer pixelInts;
    private long frames;
    private boolean closed;
    private boolean failed;

    /**
     * Settings of the output. Immutable.
     *
     * @param width         picture width (even numbers suit H.264 best)
     * @param height        picture height
     * @param frameRate     frames per second
     * @param audioChannels audio channels, 0 for no audio track
     * @param sampleRate    audio sample rate (ignored without audio)
     * @param videoBitrate  bits per second for the picture, 0 for a size-based default
     */
    public record Settings(int width, int height, double frameRate, int audioChannels, int sampleRate, int videoBitrate) {
        /** Validates. */
        public Settings {
            if (width <= 0 || height <= 0 || !(frameRate > 0) || audioChannels < 0) {
                throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "bad video settings " + width + "x" + height
                        + " at " + frameRate + " fps, " + audioChannels + " audio channels");
            }
        }

        /**
         * @param reader an open input
         * @return settings that keep its size, frame rate and audio layout
         */
        public static Settings like(VideoReader reader) {
            return new Settings(reader.width(), reader.height(), reader.frameRate(), reader.audioChannels(),
                    reader.sampleRate(), reader.videoBitrate());
        }
    }

    private VideoWriter(FFmpegFrameRecorder recorder, Path target, Path tmp, Settings s) {
        this.recorder = recorder;
        this.target = target;
        this.tmp = tmp;
        this.width = s.width();
        this.height = s.height();
        this.pixels = ByteBuffer.allocateDirect(width * height * 4).order(ByteOrder.LITTLE_ENDIAN);
        this.pixelInts = pixels.asIntBuffer();
    }

    /**
     * @param target   the file to create or replace
     * @param settings size, frame rate and audio of the output
     * @return an open writer
     */
    public static VideoWriter create(Path target, Settings settings) {
        Natives.load();
        String name = target.getFileName().toString();
        int dot = name.lastIndexOf('.');
        if (dot < 0) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "Output " + target + " needs an extension (.mp4, .mov, .mkv)");
        }
        String ext = name.substring(dot + 1).toLowerCase(Locale.ROOT);
        Path tmp;
        try {
            Path dir = target.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + name + ".", ".part." + ext);
            try {
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system: keep the default permissions
            }
        } catch (IOException e) {
            throw new BgSwapException(ErrorCode.IO_ERROR, "Cannot write " + target + ": " + e.getMessage(), e);
        }
        FFmpegFrameRecorder r = new FFmpegFrameRecorder(tmp.toString(), settings.width(), settings.height(), settings.audioChannels());
        r.setFormat(ext.equals("mkv") ? "matroska" : ext);
        r.setFrameRate(settings.frameRate());
        r.setVideoCodec(avcodec.AV_CODEC_ID_H264);
        r.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
        int bitrate = settings.videoBitrate() > 0 ? settings.videoBitrate()
                : (int) Math.min(40_000_000L, Math.max(500_000L, (long) (settings.width() * settings.height() * settings.frameRate() * 0.12)));
        r.setVideoBitrate(bitrate);
        r.setGopSize((int) Math.max(1, Math.round(settings.frameRate() * 2)));
        if (settings.audioChannels() > 0) {
            r.setAudioCodec(avcodec.AV_CODEC_ID_AAC);
            r.setSampleRate(settings.sampleRate());
            r.setAudioBitrate(128_000 * Math.min(2, settings.audioChannels()));
        }
        try {
            r.start();
        } catch (FrameRecorder.Exception | RuntimeException e) {
            try {
                r.release();
            } catch (FrameRecorder.Exception | RuntimeException ignored) {
                // failing already
            }
            AtomicFiles.deleteQuietly(tmp);
            throw new BgSwapException(ErrorCode.IO_ERROR, "Cannot start writing " + target + ": " + e.getMessage(), e);
        }
        return new VideoWriter(r, target, tmp, settings);
    }

    /**
     * Appends one picture.
     *
     * @param image the picture, of the writer's size
     */
    public void writeImage(ArgbImage image) {
        checkOpen();
        if (image.width() != width || image.height() != height) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "picture is " + image.width() + "x" + image.height()
                    + ", the video is " + width + "x" + height);
        }
        pixelInts.clear();
        pixelInts.put(image.pixels());
        try {
            recorder.recordImage(width, height, Frame.DEPTH_UBYTE, 4, width * 4, avutil.AV_PIX_FMT_BGRA, pixels);
        } catch (FrameRecorder.Exception | RuntimeException e) {
            failed = true;
            throw new BgSwapException(ErrorCode.IO_ERROR, "Cannot encode frame " + frames + " of " + target + ": " + e.getMessage(), e);
        }
        frames++;
    }

    /**
     * Appends a block of audio as read by a {@link VideoReader}.
     *
     * @param audio samples (any sample format FFmpeg decodes to)
     */
    public void writeAudio(Frame audio) {
        checkOpen();
        try {
            recorder.recordSamples(audio.sampleRate, audio.audioChannels, audio.samples);
        } catch (FrameRecorder.Exception | RuntimeException e) {
            failed = true;
            throw new BgSwapException(ErrorCode.IO_ERROR, "Cannot encode audio of " + target + ": " + e.getMessage(), e);
        }
    }

    /** @return pictures written so far */
    public long frames() {
        return frames;
    }

    private void checkOpen() {
        if (closed) {
            throw new BgSwapException(ErrorCode.CLOSED, "Video writer for " + target + " is closed");
        }
    }

    /**
     * Abandons the output: nothing is left under the target name (an existing file is kept).
     * Idempotent; {@link #close()} afterwards does nothing.
     */
    public void abort() {
        failed = true;
        close();
    }

    /** Finishes the file and moves it into place (or removes it after a failure); idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            recorder.stop();
            recorder.release();
        } catch (FrameRecorder.Exception | RuntimeException e) {
            if (!failed) {
                failed = true;
                AtomicFiles.deleteQuietly(tmp);
                throw new BgSwapException(ErrorCode.IO_ERROR, "Cannot finish " + target + ": " + e.getMessage(), e);
            }
        }
        if (failed) {
            AtomicFiles.deleteQuietly(tmp);
            return;
        }
        try {
            AtomicFiles.moveIntoPlace(tmp, target);
        } catch (IOException e) {
            AtomicFiles.deleteQuietly(tmp);
            throw new BgSwapException(ErrorCode.IO_ERROR, "Cannot move " + tmp + " to " + target + ": " + e.getMessage(), e);
        }
    }
}
