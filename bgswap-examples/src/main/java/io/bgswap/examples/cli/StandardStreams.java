package io.bgswap.examples.cli;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;
import io.bgswap.image.ArgbImage;
import io.bgswap.image.ImageFiles;
import io.bgswap.image.ImageFormat;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * {@code bgswap replace} in a pipe: {@code -} as the input reads one image from standard input,
 * {@code -o -} writes the result to standard output. From {@link #open} to {@link #close()},
 * {@code System.out} points at standard error, so log lines and anything else printed reach the
 * terminal, never the image stream. Not thread-safe: one run per instance.
 */
final class StandardStreams implements AutoCloseable {
    /** The name that stands for standard input or output. */
    static final String DASH = "-";

    private final InputStream stdin;
    private final PrintStream stdout;

    private StandardStreams(InputStream stdin, PrintStream stdout) {
        this.stdin = stdin;
        this.stdout = stdout;
    }

    /**
     * Keeps the current {@code System.out} for the image and points {@code System.out} at
     * {@code System.err} until {@link #close()}.
     *
     * @param stdin where {@code -} as input reads
     * @return the streams
     */
    static StandardStreams open(InputStream stdin) {
        StandardStreams streams = new StandardStreams(stdin, System.out);
        System.setOut(System.err);
        return streams;
    }

    /** Points {@code System.out} back at standard output. */
    @Override
    public void close() {
        System.setOut(stdout);
    }

    /** @return whether the command names standard input or output */
    static boolean involved(List<Path> inputs, Path output) {
        return isDash(output) || inputs.stream().anyMatch(StandardStreams::isDash);
    }

    static boolean isDash(Path p) {
        return p != null && p.toString().equals(DASH);
    }

    /**
     * Reads one image, transforms it and writes the result.
     *
     * @param input     a file, or {@code -} for standard input
     * @param output    a file (format from its extension), or {@code -} for standard output
     * @param format    the format written to standard output
     * @param quality   JPEG quality
     * @param maxPixels pixel limit of the input
     * @param transform what to do with the image
     */
    void run(Path input, Path output, ImageFormat format, float quality, long maxPixels, UnaryOperator<ArgbImage> transform) {
        ArgbImage image = isDash(input) ? ImageFiles.decode(readAll(), "stdin", maxPixels) : ImageFiles.read(input, maxPixels);
        if (!isDash(output)) {
            ImageFiles.write(transform.apply(image), output, quality);
            return;
        }
        byte[] encoded = ImageFiles.encode(transform.apply(image), format, quality);
        stdout.write(encoded, 0, encoded.length);
        stdout.flush();
        if (stdout.checkError()) {
            throw new BgSwapException(ErrorCode.IO_ERROR, "stdout: cannot write the image (closed pipe?)");
        }
    }

    private byte[] readAll() {
        try {
            return stdin.readAllBytes();
        } catch (IOException e) {
            throw new BgSwapException(ErrorCode.IO_ERROR, "stdin: cannot read: " + e.getMessage(), e);
        }
    }

    /** Checks the combination of inputs and output before any model is loaded. */
    static void checkUsage(List<Path> inputs, Path output) {
        if (inputs.size() != 1 || (isDash(output) && java.nio.file.Files.isDirectory(inputs.get(0)))) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT,
                    "'-' (standard input or output) goes with exactly one input image");
        }
    }
}
