package io.bgswap.spark;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;
import io.bgswap.image.ImageFormat;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OutputFilesTest {
    @TempDir
    Path dir;

    @Test
    void namesAreDeterministicAndDistinctAcrossDirectories() {
        String a = OutputFiles.outputName("file:/data/a/photo 1.jpg", ImageFormat.PNG);
        assertThat(a).isEqualTo(OutputFiles.outputName("file:/data/a/photo 1.jpg", ImageFormat.PNG));
        assertThat(a).matches("photo_1-[0-9a-f]{12}\\.png");
        assertThat(OutputFiles.outputName("file:/data/b/photo 1.jpg", ImageFormat.PNG)).isNotEqualTo(a);
        assertThat(OutputFiles.outputName("hdfs://nn/x/.hidden", ImageFormat.JPEG)).startsWith("img.hidden-").endsWith(".jpg");
    }

    @Test
    void writeReplacesByRenameAndLeavesNoTemporaryFile() throws Exception {
        Configuration conf = new Configuration(false);
        String out = OutputFiles.write(dir.toUri().toString(), "x.png", new byte[]{1, 2, 3}, conf);
        OutputFiles.write(dir.toString(), "x.png", new byte[]{4, 5}, conf);
        assertThat(Path.of(out)).isEqualTo(dir.resolve("x.png"));
        assertThat(Files.readAllBytes(dir.resolve("x.png"))).containsExactly(4, 5);
        try (var s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("x.png");
        }
    }

    @Test
    void localAndRemoteLocationsAreTold() {
        assertThat(OutputFiles.isLocal("/data/out [1]")).isTrue();
        assertThat(OutputFiles.isLocal("file:///data/out")).isTrue();
        assertThat(OutputFiles.isLocal("relative/out")).isTrue();
        assertThat(OutputFiles.isLocal("hdfs://nn:8020/out")).isFalse();
        assertThat(OutputFiles.isLocal("s3a://bucket/out")).isFalse();
    }

    @Test
    void leftoversOfKilledAttemptsAreRemoved() throws Exception {
        Files.write(dir.resolve(".x.png.123.part"), new byte[]{1});
        Files.write(dir.resolve("y.png"), new byte[]{1});
        assertThat(OutputFiles.removeLeftovers(dir.toUri().toString(), new Configuration(false))).isEqualTo(1);
        try (var s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("y.png");
        }
    }

    @Test
    void localInputsAreReadAsSparkListsThemAndCheckedAgainstTheLimit() throws Exception {
        byte[] bytes = {1, 2, 3, 4, 5};
        Path file = dir.resolve("photo 1.jpg");
        Files.write(file, bytes);
        Configuration conf = new Configuration(false);
        // Spark's file index gives paths as Hadoop prints them: a scheme and no escaping
        assertThat(OutputFiles.read("file:" + file, conf, 5)).containsExactly(bytes);
        assertThat(OutputFiles.read(file.toString(), conf, 5)).containsExactly(bytes);
        assertThatThrownBy(() -> OutputFiles.read(file.toString(), conf, 4))
                .isInstanceOfSatisfying(BgSwapException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.IMAGE_TOO_LARGE));
        assertThatThrownBy(() -> OutputFiles.read(dir.toString(), conf, 1000))
                .isInstanceOfSatisfying(BgSwapException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.IO_ERROR));
    }

    @Test
    void missingInputIsAnIoError() {
        assertThatThrownBy(() -> OutputFiles.read(dir.resolve("nope.jpg").toUri().toString(), new Configuration(false), 1000))
                .isInstanceOfSatisfying(BgSwapException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.IO_ERROR));
    }

    @Test
    void transparentJpegIsRejectedOnTheDriver() {
        assertThatThrownBy(() -> SwapJobOptions.builder("/out").format("jpg").build())
                .isInstanceOfSatisfying(BgSwapException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        assertThat(SwapJobOptions.builder("/out/").format("jpg").background("#ffffff").build().resultTable())
                .isEqualTo("/out/bgswap-results.parquet");
    }
}
