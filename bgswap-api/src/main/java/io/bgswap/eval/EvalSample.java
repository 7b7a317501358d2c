package io.bgswap.eval;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * One photo of an evaluation set with its reference alpha matte. Immutable and thread-safe.
 *
 * @param name  the file stem shared by photo and matte
 * @param image the photo
 * @param alpha the reference matte (grayscale; the green channel is read)
 */
public record EvalSample(String name, Path image, Path alpha) {
    public EvalSample {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(alpha, "alpha");
    }

    /**
     * Pairs every image in {@code images} with the file of the same stem in {@code alphas}.
     *
     * @param images directory of photos (.jpg, .jpeg, .png)
     * @param alphas directory of reference mattes (.png preferred, any readable image)
     * @return the pairs, sorted by name
     * @throws BgSwapException {@link ErrorCode#IO_ERROR} when a directory cannot be listed,
     *                         {@link ErrorCode#INVALID_ARGUMENT} when a photo has no matte or none pair up
     */
    public static List<EvalSample> scan(Path images, Path alphas) {
        List<Path> photos = list(images);
        List<Path> mattes = list(alphas);
        List<EvalSample> out = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (Path p : photos) {
            String stem = stem(p);
            Path match = null;
            for (Path m : mattes) {
                if (stem(m).equals(stem) && (match == null || m.toString().toLowerCase(Locale.ROOT).endsWith(".png"))) {
                    match = m;
                }
            }
            if (match == null) {
                missing.add(p.getFileName().toString());
            } else {
                out.add(new EvalSample(stem, p, match));
            }
        }
        if (!missing.isEmpty()) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "No reference matte in " + alphas + " for " + missing
                    + "; each photo needs a matte with the same file name stem");
        }
        if (out.isEmpty()) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "No images found in " + images);
        }
        return out;
    }

    private static List<Path> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new BgSwapException(ErrorCode.IO_ERROR, dir + " is not a directory");
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).filter(EvalSample::isImage).sorted().toList();
        } catch (IOException e) {
            throw new BgSwapException(ErrorCode.IO_ERROR, "Cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    private static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png");
    }

    private static String stem(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }
}
