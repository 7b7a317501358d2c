package io.bgswap.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** The photos a bench reads: the JPEG and PNG files of one directory, by name. */
final class BenchImages {
    private BenchImages() {
    }

    /**
     * @param dir a directory
     * @return its {@code .jpg}, {@code .jpeg} and {@code .png} files (any case), sorted
     * @throws IOException when the directory cannot be listed
     */
    static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().toLowerCase(Locale.ROOT).matches(".*\\.(jpe?g|png)")).sorted().toList();
        }
    }

    /**
     * Fills a new directory with {@code count} files, the photos repeated in order under new names.
     *
     * @param photos the photos, at least one
     * @param dir    the directory to create
     * @param count  how many files
     * @return {@code dir}
     * @throws IOException when a file cannot be copied
     */
    static Path copies(List<Path> photos, Path dir, int count) throws IOException {
        Files.createDirectories(dir);
        for (int i = 0; i < count; i++) {
            Path p = photos.get(i % photos.size());
            Files.copy(p, dir.resolve(String.format(Locale.ROOT, "%03d-%s", i, p.getFileName())));
        }
        return dir;
    }

    /**
     * Removes a bench's temporary directory and everything in it, as far as it can (a file that
     * cannot be removed is left behind, so that cleaning up never hides the bench's own failure).
     *
     * @param root the directory
     * @throws IOException when it cannot be walked
     */
    static void removeTree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
