package io.bgswap.examples;

import io.bgswap.examples.cli.BgSwapCommand;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code bgswap serve} is wired into the command line and refuses bad settings before listening. */
class ServeCommandTest {
    @Test
    void helpListsTheServiceOptions() {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertThat(BgSwapCommand.run("serve", "--help")).isZero();
        } finally {
            System.setOut(saved);
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--port").contains("--bind").contains("127.0.0.1")
                .contains("--workers").contains("--queue").contains("--max-megapixels").contains("--timeout");
    }

    @Test
    void badSettingsAreASetupError() {
        assertThat(BgSwapCommand.run("serve", "--port", "70000", "--no-preload")).isEqualTo(BgSwapCommand.EXIT_SETUP);
        assertThat(BgSwapCommand.run("serve", "--workers", "2", "--queue", "-5", "--no-preload", "--port", "0"))
                .isEqualTo(BgSwapCommand.EXIT_SETUP);
    }
}
