package io.bgswap.bench;

import io.bgswap.image.ArgbImage;
import io.bgswap.image.ImageFiles;
import io.bgswap.image.ImageFormat;
import io.bgswap.image.Images;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The edges of a still-image replacement in CPU time of the calling thread, which a busy machine
 * disturbs far less than wall time: JPEG decoding ({@link ImageFiles#decode}), PNG encoding as
 * bgswap writes it ({@link ImageFiles#encode}) and with ImageIO's default deflate level, for
 * comparison. Each round goes over every photo; the last round counts.
 *
 * <pre>
 * java -cp bgswap-bench/target/bgswap-bench.jar io.bgswap.bench.ImageIoBench [../shared/eval/image] [rounds]
 * </pre>
 */
public final class ImageIoBench {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private ImageIoBench() {
    }

    /**
     * @param args the photo directory, the number of rounds
     * @throws IOException when a photo cannot be read
     */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "../shared/eval/image");
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().toLowerCase(Locale.ROOT).matches(".*\\.jpe?g")).sorted().toList();
        }
        for (int round = 1; round <= rounds; round++) {
            long decode = 0;
            long bgswapPng = 0;
            long defaultPng = 0;
            long bgswapBytes = 0;
            long defaultBytes = 0;
            long pixels = 0;
            for (Path f : files) {
                byte[] jpeg = Files.readAllBytes(f);
                long t = THREADS.getCurrentThreadCpuTime();
                ArgbImage image = ImageFiles.decode(jpeg, f.toString(), ImageFiles.DEFAULT_MAX_PIXELS);
                decode += THREADS.getCurrentThreadCpuTime() - t;
                pixels += (long) image.width() * image.height();
                t = THREADS.getCurrentThreadCpuTime();
                bgswapBytes += ImageFiles.encode(image, ImageFormat.PNG, 1f).length;
                bgswapPng += THREADS.getCurrentThreadCpuTime() - t;
                t = THREADS.getCurrentThreadCpuTime();
                defaultBytes += imageIoDefaultPng(image).length;
                defaultPng += THREADS.getCurrentThreadCpuTime() - t;
            }
            int n = files.size();
            System.out.printf(Locale.ROOT, "round %d: %d photos, %.2f megapixels on average%n", round, n, pixels / 1e6 / n);
            System.out.printf(Locale.ROOT, "  JPEG decode               %6.1f ms CPU per photo%n", decode / 1e6 / n);
            System.out.printf(Locale.ROOT, "  PNG encode (bgswap)       %6.1f ms CPU per photo, %5.0f kB%n", bgswapPng / 1e6 / n, bgswapBytes / 1e3 / n);
            System.out.printf(Locale.ROOT, "  PNG encode (ImageIO dflt) %6.1f ms CPU per photo, %5.0f kB%n", defaultPng / 1e6 / n, defaultBytes / 1e3 / n);
        }
    }

    private static byte[] imageIoDefaultPng(ArgbImage image) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            writer.write(null, new IIOImage(Images.toOpaqueBufferedImage(image), null, null), writer.getDefaultWriteParam());
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }
}
