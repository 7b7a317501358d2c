package io.bgswap.examples.cli;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;
import io.bgswap.image.ArgbImage;
import io.bgswap.image.ImageFiles;
import io.bgswap.image.ImageFormat;
import io.bgswap.testing.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Standard input and output without a model: what is printed meanwhile never reaches the image stream. */
class StandardStreamsTest {
    @TempDir
    Path dir;

    @Test
    void imageFromStdinToStdoutWithPrintsDivertedToStderr() {
        byte[] png = TestImages.encode(TestImages.quadrants(30, 20), "png");
        ByteArrayOutputStream image = new ByteArrayOutputStream();
        PrintStream realOut = System.out;
        PrintStream realErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(image, true));
        System.setErr(new PrintStream(err, true));
        try (StandardStreams streams = StandardStreams.open(new ByteArrayInputStream(png))) {
            UnaryOperator<ArgbImage> chatty = img -> {
                System.out.println("a library printing to System.out");
                return img;
            };
            streams.run(Path.of("-"), Path.of("-"), ImageFormat.JPEG, 0.9f, 1_000_000, chatty);
        } finally {
            System.setOut(realOut);
            System.setErr(realErr);
        }
        ArgbImage result = ImageFiles.decode(image.toByteArray(), "stdout", 1_000_000);
        assertThat(result.width()).isEqualTo(30);
        assertThat(image.toByteArray()[0] & 0xFF).isEqualTo(0xFF); // a JPEG from its first byte
        assertThat(err.toString()).contains("a library printing to System.out");
    }

    @Test
    void badInputAndUsageErrorsAreClear() {
        try (StandardStreams streams = StandardStreams.open(new ByteArrayInputStream(new byte[0]))) {
            assertThatThrownBy(() -> streams.run(Path.of("-"), dir.resolve("out.png"), ImageFormat.PNG, 0.9f, 1_000_000, i -> i))
                    .isInstanceOfSatisfying(BgSwapException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_IMAGE);
                        assertThat(e.getMessage()).contains("stdin");
                    });
        }
        assertThat(dir.resolve("out.png")).doesNotExist();
        assertThatThrownBy(() -> StandardStreams.checkUsage(List.of(Path.of("-"), Path.of("b.jpg")), Path.of("-")))
                .isInstanceOf(BgSwapException.class);
        assertThat(StandardStreams.involved(List.of(Path.of("a.jpg")), Path.of("-"))).isTrue();
        assertThat(StandardStreams.involved(List.of(Path.of("a.jpg")), Path.of("out.png"))).isFalse();
    }
}
