package io.bgswap.ffmpeg;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;
import org.bytedeco.ffmpeg.global.avutil;

/** Loads FFmpeg's natives once, with a message that says what is missing when they cannot load. */
final class Natives {
    private static volatile boolean loaded;

    private Natives() {
    }

    static void load() {
        if (loaded) {
            return;
        }
        synchronized (Natives.class) {
            if (loaded) {
                return;
            }
            try {
                org.bytedeco.javacpp.Loader.load(avutil.class);
                avutil.av_log_set_level(avutil.AV_LOG_ERROR);
            } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
                throw new BgSwapException(ErrorCode.BACKEND_NOT_FOUND, "FFmpeg natives cannot be loaded for "
                        + System.getProperty("os.name") + "/" + System.getProperty("os.arch")
                        + ": add org.bytedeco:ffmpeg and org.bytedeco:javacpp with the classifier of this platform ("
                        + e.getMessage() + ")", e);
            }
            loaded = true;
        }
    }
}
