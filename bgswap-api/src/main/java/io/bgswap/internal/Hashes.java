package io.bgswap.internal;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Digest helpers. Not API; thread-safe. */
public final class Hashes {
    private Hashes() {
    }

    /**
     * @param algorithm e.g. {@code SHA-256}
     * @return a new digest
     */
    public static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " missing from the JDK", e);
        }
    }

    /**
     * @param file a file
     * @return its sha256 as lower-case hex
     */
    public static String sha256(Path file) {
        MessageDigest md = digest("SHA-256");
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new BgSwapException(ErrorCode.IO_ERROR, "Cannot read " + file + ": " + e.getMessage(), e);
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
