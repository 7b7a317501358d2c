package io.bgswap.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
}
