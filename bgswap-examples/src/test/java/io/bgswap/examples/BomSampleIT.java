package io.bgswap.examples;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The sample application in {@code src/it/bom-app}, outside this build, imports bgswap-bom and names
 * bgswap-onnx without a version, and compiles against the artifacts of this build. They go into a
 * repository under {@code target/bom-sample} in Maven's layout (what {@code mvn install} would put
 * into {@code ~/.m2}); everything else comes from the local Maven repository, read as a file
 * mirror, so nothing of bgswap lands in {@code ~/.m2} and nothing is fetched from the network.
 */
class BomSampleIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path WORK = Path.of("target", "bom-sample").toAbsolutePath();
    private static final Path USER_REPOSITORY = Path.of(System.getProperty("user.home"), ".m2", "repository");

    @Test
    void sampleApplicationBuildsWithTheBomAndOneBackend() throws Exception {
        Optional<Path> mvn = onPath("mvn");
        assumeTrue(mvn.isPresent(), "mvn is not on the PATH");
        assumeTrue(Files.isDirectory(USER_REPOSITORY), "no local Maven repository at " + USER_REPOSITORY);
        String version = projectVersion(ROOT.resolve("bgswap-bom/pom.xml"));
        Path apiJar = ROOT.resolve("bgswap-api/target/bgswap-api-" + version + ".jar");
        Path onnxJar = ROOT.resolve("bgswap-onnx/target/bgswap-onnx-" + version + ".jar");
        assumeTrue(Files.isRegularFile(apiJar) && Files.isRegularFile(onnxJar),
                "bgswap-api and bgswap-onnx are not packaged; build with -am");

        deleteRecursively(WORK);
        Path repo = Files.createDirectories(WORK.resolve("repo"));
        publish(repo, "bgswap-parent", version, ROOT.resolve("pom.xml"), null);
        publish(repo, "bgswap-bom", version, ROOT.resolve("bgswap-bom/pom.xml"), null);
        publish(repo, "bgswap-api", version, ROOT.resolve("bgswap-api/pom.xml"), apiJar);
        publish(repo, "bgswap-onnx", version, ROOT.resolve("bgswap-onnx/pom.xml"), onnxJar);
        Path app = WORK.resolve("app");
        copyRecursively(Path.of("src", "it", "bom-app"), app);
        Path settings = Files.writeString(WORK.resolve("settings.xml"), """
                <settings>
                  <mirrors>
                    <mirror>
                      <id>local-maven-repository</id>
                      <mirrorOf>*</mirrorOf>
                      <url>%s</url>
                    </mirror>
                  </mirrors>
                </settings>
                """.formatted(USER_REPOSITORY.toUri()));
        boolean bgswapInUserRepositoryBefore = Files.exists(USER_REPOSITORY.resolve("io/bgswap/bgswap-bom"));

        Path log = WORK.resolve("build.log");
        Process build = new ProcessBuilder(mvn.get().toString(), "-B", "-q", "-s", settings.toString(),
                "-Dmaven.repo.local=" + repo, "-Dbgswap.version=" + version, "-f", app.resolve("pom.xml").toString(), "compile")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(build.waitFor(5, TimeUnit.MINUTES)).as("build finished").isTrue();
        assertThat(build.exitValue()).as(Files.readString(log)).isZero();

        assertThat(app.resolve("target/classes/com/example/portraits/App.class")).isRegularFile();
        // the backend came through the BOM with its engine
        assertThat(repo.resolve("com/microsoft/onnxruntime/onnxruntime")).isDirectory();
        if (!bgswapInUserRepositoryBefore) {
            assertThat(USER_REPOSITORY.resolve("io/bgswap/bgswap-bom")).doesNotExist();
        }
    }

    /** Puts a pom (and a jar) where a Maven repository keeps io.bgswap:NAME:VERSION. */
    private static void publish(Path repo, String artifactId, String version, Path pom, Path jar) throws IOException {
        Path dir = Files.createDirectories(repo.resolve("io/bgswap").resolve(artifactId).resolve(version));
        Files.copy(pom, dir.resolve(artifactId + "-" + version + ".pom"), StandardCopyOption.REPLACE_EXISTING);
        if (jar != null) {
            Files.copy(jar, dir.resolve(artifactId + "-" + version + ".jar"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static String projectVersion(Path pom) throws IOException {
        // the first <version> after the BOM's own artifactId is the project's
        String text = Files.readString(pom, StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("<artifactId>bgswap-bom</artifactId>\\s*<version>([^<]+)</version>").matcher(text);
        assertThat(m.find()).as("version in " + pom).isTrue();
        return m.group(1);
    }

    private static Optional<Path> onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        return Stream.of(path.split(java.io.File.pathSeparator)).map(d -> Path.of(d, command))
                .filter(Files::isExecutable).findFirst();
    }

    private static void copyRecursively(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            List<Path> all = s.sorted(Comparator.reverseOrder()).toList();
            for (Path p : all) {
                Files.delete(p);
            }
        }
    }
}
