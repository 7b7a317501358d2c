package io.bgswap.examples;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** bgswap-bom names every library module of the build (not the examples or the benches), at the build's version. */
class BomTest {
    private static final Path ROOT = Path.of("..");

    @Test
    void bomListsEveryLibraryModuleAtTheProjectVersion() throws IOException {
        String parent = Files.readString(ROOT.resolve("pom.xml"));
        String bom = Files.readString(ROOT.resolve("bgswap-bom/pom.xml"));
        List<String> modules = Pattern.compile("<module>([^<]+)</module>").matcher(parent).results()
                .map(m -> m.group(1))
                .filter(m -> !m.equals("bgswap-bom") && !m.equals("bgswap-examples") && !m.equals("bgswap-bench"))
                .toList();
        List<String> managed = Pattern.compile("<artifactId>([^<]+)</artifactId>\\s*<version>\\$\\{project.version}</version>")
                .matcher(bom).results().map(m -> m.group(1)).toList();
        assertThat(modules).isNotEmpty();
        assertThat(managed).containsExactlyInAnyOrderElementsOf(modules);

        String version = "<version>([^<]+)</version>";
        var parentVersion = Pattern.compile("<artifactId>bgswap-parent</artifactId>\\s*" + version).matcher(parent);
        var bomVersion = Pattern.compile("<artifactId>bgswap-bom</artifactId>\\s*" + version).matcher(bom);
        assertThat(parentVersion.find() && bomVersion.find()).isTrue();
        assertThat(bomVersion.group(1)).isEqualTo(parentVersion.group(1));
    }
}
