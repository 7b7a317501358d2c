package io.bgswap.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The arguments of a bench command: {@code --NAME VALUE} pairs (a name may repeat), then
 * optionally {@code --} and what goes on to {@code bgswap replace}.
 */
final class BenchArgs {
    private final Map<String, List<String>> values = new LinkedHashMap<>();
    private final List<String> rest = new ArrayList<>();

    /**
     * @param args  the command's arguments
     * @param names the option names the command knows, with their dashes
     * @throws IllegalArgumentException for an unknown option or one without a value
     */
    BenchArgs(String[] args, String... names) {
        Set<String> known = Set.of(names);
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--")) {
                rest.addAll(List.of(args).subList(i + 1, args.length));
                break;
            }
            if (!known.contains(args[i])) {
                throw new IllegalArgumentException("unknown option " + args[i] + " (known: " + String.join(", ", names) + ")");
            }
            if (i + 1 == args.length) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            values.computeIfAbsent(args[i], k -> new ArrayList<>()).add(args[++i]);
        }
    }

    /** @return the last value given for the option, or {@code fallback} */
    String get(String name, String fallback) {
        List<String> v = values.get(name);
        return v == null ? fallback : v.get(v.size() - 1);
    }

    /** @return the last value given for the option as a number, or {@code fallback} */
    int getInt(String name, int fallback) {
        String v = get(name, null);
        return v == null ? fallback : Integer.parseInt(v);
    }

    /**
     * @param fallback the size when {@code --count} is not given
     * @return the batch size of {@code --count}
     * @throws IllegalArgumentException when it is below 2 (a batch against one file needs more)
     */
    int count(int fallback) {
        int count = getInt("--count", fallback);
        if (count < 2) {
            throw new IllegalArgumentException("--count must be at least 2");
        }
        return count;
    }

    /** @return every value given for the option, in order */
    List<String> all(String name) {
        return values.getOrDefault(name, List.of());
    }

    /** @return what came after {@code --} */
    List<String> rest() {
        return rest;
    }

    /**
     * @return the photos of {@code --images} (default {@code ../shared/eval/image}), see {@link BenchImages#list}
     * @throws IOException              when the directory cannot be listed
     * @throws IllegalArgumentException when it holds none
     */
    List<Path> photos() throws IOException {
        Path dir = Path.of(get("--images", "../shared/eval/image"));
        List<Path> photos = BenchImages.list(dir);
        if (photos.isEmpty()) {
            throw new IllegalArgumentException("no JPEG or PNG files in " + dir);
        }
        return photos;
    }
}
