package io.bgswap.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds native libraries that this process has loaded, so that a backend can reach a setting of
 * its engine that the engine's Java API does not offer (its C++ log level). Linux only: the list
 * comes from {@code /proc/self/maps}; elsewhere nothing is found.
 *
 * <p>Not API. Stateless and thread-safe.
 */
public final class LoadedLibraries {
    private LoadedLibraries() {
    }

    /**
     * @param fileName a library's file name, e.g. {@code libc10.so}
     * @return the path of a loaded library of exactly that file name, if any
     */
    public static Optional<Path> find(String fileName) {
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) {
            return Optional.empty();
        }
        try (Stream<String> lines = Files.lines(maps)) {
            return lines.filter(l -> l.indexOf('/') >= 0)
                    .map(l -> l.substring(l.indexOf('/')))
                    .filter(p -> p.endsWith("/" + fileName))
                    .findFirst()
                    .map(Path::of);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
