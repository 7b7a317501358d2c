package io.bgswap.onnx;

import ai.onnxruntime.OrtEnvironment;
import io.bgswap.internal.AtomicFiles;
import io.bgswap.internal.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Locale;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Unpacks ONNX Runtime's native libraries once into {@code <bgswap home>/natives/onnxruntime-VERSION-PLATFORM}
 * and points {@code onnxruntime.native.path} there, so that a start does not extract 25 MB to a
 * fresh temporary directory every time. Does nothing when the user has set that property, or when
 * the jar layout is not the expected one (ONNX Runtime then extracts as usual).
 */
final class OnnxNatives {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxNatives.class);
    private static final String PROPERTY = "onnxruntime.native.path";
    private static volatile boolean done;

    private OnnxNatives() {
    }

    static synchronized void prepare() {
        if (done) {
            return;
        }
        done = true;
        if (System.getProperty(PROPERTY) != null) {
            return;
        }
        try {
            String platform = platform();
            Path jar = Path.of(OrtEnvironment.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (platform == null || !Files.isRegularFile(jar)) {
                return;
            }
            String version = OrtEnvironment.class.getPackage().getImplementationVersion();
            Path home = Settings.get("bgswap.home", "BGSWAP_HOME").map(Path::of).orElseGet(() -> {
                String xdg = System.getenv("XDG_CACHE_HOME");
                return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache")).resolve("bgswap");
            });
            String flavour = jar.getFileName().toString().contains("_gpu") ? "-gpu" : "";
            Path dir = home.resolve("natives").resolve("onnxruntime" + flavour + "-" + version + "-" + platform);
            String prefix = "ai/onnxruntime/native/" + platform + "/";
            try (JarFile jf = new JarFile(jar.toFile())) {
                Enumeration<JarEntry> entries = jf.entries();
                while (entries.hasMoreElements()) {
                    JarEntry e = entries.nextElement();
                    String name = e.getName();
                    if (e.isDirectory() || !name.startsWith(prefix) || name.substring(prefix.length()).contains("/")) {
                        continue;
                    }
                    Path target = dir.resolve(name.substring(prefix.length()));
                    if (Files.isRegularFile(target) && Files.size(target) == e.getSize()) {
                        continue;
                    }
                    try (InputStream in = jf.getInputStream(e)) {
                        AtomicFiles.write(target, in::transferTo);
                    }
                }
            }
            System.setProperty(PROPERTY, dir.toString());
            LOG.debug("ONNX Runtime natives at {}", dir);
        } catch (IOException | URISyntaxException | RuntimeException e) {
            LOG.debug("Leaving native extraction to ONNX Runtime: {}", e.toString());
        }
    }

    private static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String a = arch.equals("amd64") || arch.equals("x86_64") ? "x64" : (arch.equals("aarch64") ? "aarch64" : null);
        if (a == null) {
            return null;
        }
        if (os.contains("linux")) {
            return "linux-" + a;
        }
        if (os.contains("mac")) {
            return "osx-" + a;
        }
        return null;
    }
}
