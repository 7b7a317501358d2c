package io.bgswap.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory of this process, read from {@code /proc/self/status}. Thread-safe. */
public final class Rss {
    private Rss() {
    }

    /** @return whether resident memory can be read here (Linux) */
    public static boolean available() {
        return kib() >= 0;
    }

    /** @return VmRSS in KiB, or -1 where {@code /proc} is absent */
    public static long kib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** @return VmRSS in MiB, or -1 */
    public static double mib() {
        long k = kib();
        return k < 0 ? -1 : k / 1024.0;
    }
}
