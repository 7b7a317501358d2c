package io.bgswap.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BenchArgsTest {
    @Test
    void valuesRepeatedOptionsAndTheRestAfterTheDoubleDash() {
        BenchArgs a = new BenchArgs(new String[] {"--count", "7", "--jvm", "-Xms32m", "--jvm", "-XX:+UseSerialGC", "--", "--model", "selfie"},
                "--count", "--jvm", "--images");
        assertThat(a.count(100)).isEqualTo(7);
        assertThat(a.all("--jvm")).containsExactly("-Xms32m", "-XX:+UseSerialGC");
        assertThat(a.get("--images", "fallback")).isEqualTo("fallback");
        assertThat(a.rest()).containsExactly("--model", "selfie");
    }

    @Test
    void unknownOptionsAndMissingValuesAreRefused() {
        assertThatThrownBy(() -> new BenchArgs(new String[] {"--cuont", "7"}, "--count"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--cuont");
        assertThatThrownBy(() -> new BenchArgs(new String[] {"--count", "1"}, "--count").count(100))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 2");
        assertThatThrownBy(() -> new BenchArgs(new String[] {"--count"}, "--count"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a value");
    }

    @Test
    void copiesRepeatThePhotosUnderNewNames(@TempDir Path dir) throws IOException {
        Path a = Files.writeString(dir.resolve("a.jpg"), "a");
        Path b = Files.writeString(dir.resolve("b.PNG"), "b");
        Files.writeString(dir.resolve("notes.txt"), "not a photo");
        List<Path> photos = new BenchArgs(new String[] {"--images", dir.toString()}, "--images").photos();
        assertThat(photos).containsExactly(a, b);

        Path out = BenchImages.copies(photos, dir.resolve("batch"), 5);
        try (var s = Files.list(out)) {
            assertThat(s.map(p -> p.getFileName().toString()).sorted())
                    .containsExactly("000-a.jpg", "001-b.PNG", "002-a.jpg", "003-b.PNG", "004-a.jpg");
        }
        BenchImages.removeTree(out);
        assertThat(out).doesNotExist();
        assertThat(a).exists();
    }

    @Test
    void aDirectoryWithoutPhotosIsRefused(@TempDir Path dir) {
        assertThatThrownBy(() -> new BenchArgs(new String[] {"--images", dir.toString()}, "--images").photos())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no JPEG or PNG files");
    }
}
