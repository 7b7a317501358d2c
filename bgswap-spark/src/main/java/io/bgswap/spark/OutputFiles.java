package io.bgswap.spark;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;
import io.bgswap.image.ImageFormat;
import io.bgswap.internal.AtomicFiles;
import io.bgswap.internal.Hashes;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.UUID;

/**
 * Names and writes output images so that retried and speculative tasks are harmless: the name is
 * a pure function of the input path, and the bytes go to a hidden temporary name in the output
 * directory that is renamed over the final name once complete. Two attempts of one task write the
 * same final name; whichever renames last wins, and a reader never sees a partial file.
 *
 * <p>On a local file system the rename replaces the target atomically ({@link AtomicFiles}). On
 * other Hadoop file systems an existing target is deleted before the rename, so a concurrent
 * reader may briefly miss the file but still never sees half of one.
 *
 * <p>Thread-safe: the class holds no state.
 */
final class OutputFiles {
    /** Temporary files start with this, so readers and Spark's listing skip them (hidden). */
    static final String TEMP_PREFIX = ".";
    /** Temporary files end with this. */
    static final String TEMP_SUFFIX = ".part";

    private OutputFiles() {
    }

    /**
     * @param inputPath the input's full path or URI
     * @param format    the output format
     * @return the output file name: the input's stem, a short hash of the full input path (so
     *         equal names in different directories do not collide) and the format's extension
     */
    static String outputName(String inputPath, ImageFormat format) {
        String file = inputPath.substring(inputPath.lastIndexOf('/') + 1);
        int dot = file.lastIndexOf('.');
        String stem = dot > 0 ? file.substring(0, dot) : file;
        stem = stem.replaceAll("[^A-Za-z0-9._-]", "_");
        if (stem.isEmpty() || stem.startsWith(".")) {
            stem = "img" + stem;
        }
        if (stem.length() > 100) {
            stem = stem.substring(0, 100);
        }
        String hash = java.util.HexFormat.of().formatHex(Hashes.digest("SHA-256").digest(inputPath.getBytes(StandardCharsets.UTF_8))).substring(0, 12);
        return stem + "-" + hash + "." + format.extension();
    }

    /** @return whether the location is on the local file system (no scheme, or {@code file:}) */
    static boolean isLocal(String location) {
        // a scheme is letters, digits, + - . after a leading letter; a drive letter is not one
        boolean hasScheme = location.matches("[A-Za-z][A-Za-z0-9+.-]+:.*");
        return !hasScheme || location.toLowerCase(Locale.ROOT).startsWith("file:");
    }

    /**
     * @param location a local path or a {@code file:} URI
     * @return the local path
     */
    static java.nio.file.Path localPath(String location) {
        if (location.startsWith("file:")) {
            return java.nio.file.Path.of(new Path(location).toUri().getPath());
        }
        return java.nio.file.Path.of(location);
    }

    /**
     * Writes one output file by temporary name and rename.
     *
     * @param dir   the output directory
     * @param name  the final file name
     * @param bytes the content
     * @param conf  Hadoop configuration for non-local file systems
     * @return the final location
     */
    static String write(String dir, String name, byte[] bytes, Configuration conf) {
        if (isLocal(dir)) {
            java.nio.file.Path target = localPath(dir).resolve(name);
            AtomicFiles.write(target, out -> out.write(bytes));
            return target.toString();
        }
        Path target = new Path(dir, name);
        Path tmp = new Path(dir, TEMP_PREFIX + name + "." + UUID.randomUUID() + TEMP_SUFFIX);
        try {
            FileSystem fs = target.getFileSystem(conf);
            boolean done = false;
            try {
                try (FSDataOutputStream out = fs.create(tmp, false)) {
                    out.write(bytes);
                }
                if (!fs.rename(tmp, target)) {
                    fs.delete(target, false);
                    if (!fs.rename(tmp, target)) {
                        throw new IOException("rename of " + tmp + " to " + target + " failed");
                    }
                }
                done = true;
            } finally {
                if (!done) {
                    fs.delete(tmp, false);
                }
            }
            return target.toString();
        } catch (IOException e) {
            throw new BgSwapException(ErrorCode.IO_ERROR, "Cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a whole input file.
     *
     * @param location the input's path or URI
     * @param conf     Hadoop configuration
     * @param maxBytes the largest file accepted
     * @return its bytes
     */
    static byte[] read(String location, Configuration conf, long maxBytes) {
        if (isLocal(location)) {
            return readLocal(location, maxBytes);
        }
        Path p = new Path(location);
        try {
            FileSystem fs = p.getFileSystem(conf);
            FileStatus st = fs.getFileStatus(p);
            if (st.getLen() > maxBytes) {
                throw new BgSwapException(ErrorCode.IMAGE_TOO_LARGE, location + ": " + st.getLen() + " bytes, above the limit of " + maxBytes);
            }
            try (InputStream in = fs.open(p)) {
                return in.readAllBytes();
            }
        } catch (java.io.FileNotFoundException e) {
            throw new BgSwapException(ErrorCode.IO_ERROR, location + ": no such file", e);
        } catch (IOException e) {
            throw new BgSwapException(ErrorCode.IO_ERROR, location + ": cannot read: " + e.getMessage(), e);
        }
    }

    /*
     * Local files are read directly: Hadoop's local file system would look for a checksum file
     * beside each input and copy the bytes through its checksumming stream.
     */
    private static byte[] readLocal(String location, long maxBytes) {
        java.nio.file.Path p = localPath(location);
        try {
            java.nio.file.attribute.BasicFileAttributes attributes = java.nio.file.Files.readAttributes(p,
                    java.nio.file.attribute.BasicFileAttributes.class);
            if (attributes.isDirectory()) {
                throw new BgSwapException(ErrorCode.IO_ERROR, location + ": a directory, not a file");
            }
            long size = attributes.size();
            if (size > maxBytes) {
                throw new BgSwapException(ErrorCode.IMAGE_TOO_LARGE, location + ": " + size + " bytes, above the limit of " + maxBytes);
            }
            return java.nio.file.Files.readAllBytes(p);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new BgSwapException(ErrorCode.IO_ERROR, location + ": no such file", e);
        } catch (IOException e) {
            throw new BgSwapException(ErrorCode.IO_ERROR, location + ": cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * Removes temporary files left in the output directory by attempts that were killed mid-write
     * (an executor lost, a speculative attempt cancelled). Call only when no task of the job runs.
     *
     * @param dir  the output directory
     * @param conf Hadoop configuration
     * @return how many were removed
     */
    static int removeLeftovers(String dir, Configuration conf) {
        Path d = new Path(dir);
        int removed = 0;
        try {
            FileSystem fs = d.getFileSystem(conf);
            if (!fs.exists(d)) {
                return 0;
            }
            for (FileStatus st : fs.listStatus(d)) {
                String n = st.getPath().getName();
                if (st.isFile() && n.startsWith(TEMP_PREFIX) && n.endsWith(TEMP_SUFFIX) && fs.delete(st.getPath(), false)) {
                    removed++;
                }
            }
        } catch (IOException e) {
            throw new BgSwapException(ErrorCode.IO_ERROR, "Cannot list " + dir + ": " + e.getMessage(), e);
        }
        return removed;
    }
}
