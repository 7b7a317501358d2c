package io.bgswap.ffmpeg;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;
import io.bgswap.video.FramePipeline;
import org.bytedeco.javacv.Frame;

import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongConsumer;

/**
 * Runs a whole video through a {@link FramePipeline}: a decoding thread feeds pictures to the
 * pipeline and keeps the audio aside, the calling thread encodes the composited pictures and
 * writes each audio block next to the picture it came with, so the output keeps the input's frame
 * count, frame rate and audio. Thread-safe: the class holds no state.
 */
public final class VideoFiles {
    private VideoFiles() {
    }

    /** An audio block and the number of pictures that came before it. */
    private record AudioBlock(long picturesBefore, Frame samples) {
    }

    /**
     * @param reader   the input, open
     * @param writer   the output, open (made with {@link VideoWriter.Settings#like(VideoReader)});
     *                 aborted on failure, left open on success for the caller to close
     * @param pipeline a running pipeline; finished by this call
     * @param progress told the number of pictures written after each one (may be {@code null})
     * @return the number of pictures written
     */
    public static long replaceBackground(VideoReader reader, VideoWriter writer, FramePipeline pipeline, LongConsumer progress) {
        ConcurrentLinkedQueue<AudioBlock> audio = new ConcurrentLinkedQueue<>();
        RuntimeException[] decodeFailure = new RuntimeException[1];
        boolean withAudio = reader.audioChannels() > 0;
        Thread decoder = new Thread(() -> {
            long pictures = 0;
            try {
                while (true) {
                    VideoReader.Kind k = reader.grab();
                    if (k == VideoReader.Kind.END) {
                        break;
                    }
                    if (k == VideoReader.Kind.VIDEO) {
                        pipeline.submit(reader.image());
                        pictures++;
                    } else if (withAudio) {
                        audio.add(new AudioBlock(pictures, reader.audio().clone()));
                    }
                }
            } catch (RuntimeException e) {
                decodeFailure[0] = e;
            } finally {
                try {
                    pipeline.finish();
                } catch (RuntimeException ignored) {
                    // the pipeline is closed or failed; the encoder side reports it
                }
            }
        }, "bgswap-decode");
        decoder.setDaemon(true);
        decoder.start();
        long written = 0;
        ArrayDeque<AudioBlock> pending = new ArrayDeque<>();
        try {
            while (true) {
                FramePipeline.Frame f = pipeline.take();
                if (f == null) {
                    break;
                }
                try (f) {
                    writeAudioUpTo(audio, pending, writer, written);
                    writer.writeImage(f.image());
                }
                written++;
                if (progress != null) {
                    progress.accept(written);
                }
            }
            join(decoder);
            if (decodeFailure[0] != null) {
                throw decodeFailure[0];
            }
            writeAudioUpTo(audio, pending, writer, Long.MAX_VALUE);
            return written;
        } catch (RuntimeException e) {
            pipeline.close();
            join(decoder);
            writer.abort();
            if (decodeFailure[0] != null && e != decodeFailure[0]) {
                e.addSuppressed(decodeFailure[0]);
            }
            throw e;
        }
    }

    private static void writeAudioUpTo(ConcurrentLinkedQueue<AudioBlock> audio, ArrayDeque<AudioBlock> pending,
                                       VideoWriter writer, long picturesWritten) {
        AudioBlock b;
        while ((b = audio.poll()) != null) {
            pending.add(b);
        }
        while (!pending.isEmpty() && pending.peek().picturesBefore() <= picturesWritten) {
            AudioBlock a = pending.poll();
            try {
                writer.writeAudio(a.samples());
            } finally {
                a.samples().close();
            }
        }
    }

    private static void join(Thread t) {
        try {
            t.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BgSwapException(ErrorCode.CLOSED, "Interrupted while waiting for the decoder", e);
        }
    }
}
