package io.bgswap.examples;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The launcher script {@code bgswap} as the README's quick start runs it: on the packaged jar, with
 * its JVM options, and the variables that change them.
 */
class LauncherIT {
    private static final Path LAUNCHER = Path.of("bgswap").toAbsolutePath();
    private static final Path JAR = Path.of("target", "bgswap.jar").toAbsolutePath();
    private static final Path SAMPLE = Path.of("..", "samples", "portrait.jpg").toAbsolutePath();

    @TempDir
    Path tmp;

    @BeforeAll
    static void needsAShellAndThePackagedJar() {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "no POSIX shell on this system");
        assumeTrue(Files.isRegularFile(JAR), "the jar is not packaged (run mvn verify or package)");
    }

    private record Run(int exit, String output) {
    }

    private Run run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        return run(LAUNCHER, env, args);
    }

    private Run run(Path script, Map<String, String> env, String... args) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(concat(script.toString(), args)).redirectErrorStream(true);
        builder.environment().remove("BGSWAP_JAVA_OPTS");
        builder.environment().remove("BGSWAP_JAR");
        builder.environment().putAll(env);
        Process p = builder.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private static List<String> concat(String first, String... rest) {
        List<String> all = new java.util.ArrayList<>(List.of(first));
        all.addAll(List.of(rest));
        return all;
    }

    @Test
    void runsTheJarWithTheSerialCollectorUnlessToldOtherwise() throws Exception {
        Run defaults = run(Map.of("JDK_JAVA_OPTIONS", "-Xlog:gc"), "--version");
        assertThat(defaults.exit()).isZero();
        assertThat(defaults.output()).contains("Using Serial").contains("bgswap ");

        Run replaced = run(Map.of("JDK_JAVA_OPTIONS", "-Xlog:gc", "BGSWAP_JAVA_OPTS", "-XX:+UseParallelGC"), "--version");
        assertThat(replaced.exit()).isZero();
        assertThat(replaced.output()).contains("Using Parallel").doesNotContain("Using Serial");
    }

    @Test
    void findsItsJarWhenStartedThroughSymbolicLinks() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path relative = Files.createSymbolicLink(bin.resolve("bgswap-relative"), bin.relativize(LAUNCHER));
        Path chained = Files.createSymbolicLink(tmp.resolve("bgswap"), tmp.relativize(relative));
        Run run = run(chained, Map.of(), "--version");
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).startsWith("bgswap ");
    }

    @Test
    void aMissingJarIsReportedWithTheCommandThatBuildsIt() throws Exception {
        Run missing = run(Map.of("BGSWAP_JAR", tmp.resolve("none.jar").toString()), "--version");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.output()).contains("none.jar not found").contains("mvn -q -pl bgswap-examples -am package");
    }

    @Test
    void theQuickStartCommandWritesTheSampleOnItsNewBackground() throws Exception {
        Path out = tmp.resolve("portrait-blue.png");
        Run run = run(Map.of(), "replace", SAMPLE.toString(), "--background", "#2a6f97", "-o", out.toString());
        assertThat(run.exit()).as(run.output()).isZero();
        ReplaceCommandIT.assertSampleOnBlue(SAMPLE, out);
    }
}
