package io.bgswap.testing;

import io.bgswap.BackgroundSwapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a backend prints on stderr when an application uses it: {@link #linesOf} runs
 * {@link BackgroundSwapper#matte} on the bundled sample in a fresh JVM (engines print their
 * start-up notices once per process) with the test class path, the engines' Java loggers at ERROR
 * as the command line sets them, and returns the child's stderr lines.
 */
public final class EngineStderr {
    private EngineStderr() {
    }

    /**
     * @param backend backend name
     * @param model   model name
     * @return the child's stderr, line by line
     */
    public static List<String> linesOf(String backend, String model) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.log.ai.djl=error", "-Dorg.slf4j.simpleLogger.log.org.tensorflow=error",
                "-Dbgswap.eval.dir=" + System.getProperty("bgswap.eval.dir", ""),
                EngineStderr.class.getName(), backend, model));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        // The child decides its engines' C++ log levels itself, as an application started from a shell would.
        pb.environment().remove("TF_CPP_MIN_LOG_LEVEL");
        pb.environment().remove("TORCH_CPP_LOG_LEVEL");
        Process p = pb.start();
        byte[] err = p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("child JVM finished").isTrue();
        List<String> lines = new String(err, StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
        assertThat(p.exitValue()).as("child JVM exit code; stderr: %s", lines).isZero();
        return lines;
    }

    /**
     * The child: one matte of the bundled sample.
     *
     * @param args backend and model
     */
    public static void main(String[] args) {
        try (BackgroundSwapper swapper = BackgroundSwapper.builder().backend(args[0]).model(args[1]).build()) {
            swapper.matte(TestInputs.testImage());
        }
    }
}
