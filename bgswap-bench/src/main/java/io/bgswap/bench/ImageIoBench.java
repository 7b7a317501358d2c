package io.bgswap.bench;

import io.bgswap.image.ArgbImage;
import io.bgswap.image.ImageFiles;
import io.bgswap.image.ImageFormat;
import io.bgswap.image.Images;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.image.BufferedImage;
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
 * disturbs far less than wall time: JPEG decoding ({@link ImageFiles#decode}), and PNG encoding as
 * bgswap writes it ({@link ImageFiles#encode}) and with ImageIO's PNG writer at its defaults, for
 * comparison: of each photo (opaque, RGB) and, where {@code ../alpha/STEM.png} beside the photo
 * directory holds its reference matte, of the cut-out (RGBA). Each round goes over every photo;
 * the last round counts.
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
            long pixels = 0;
            long[] opaque = new long[4];
            long[] cutOut = new long[4];
            int cutOuts = 0;
            for (Path f : files) {
                byte[] jpeg = Files.readAllBytes(f);
                long t = THREADS.getCurrentThreadCpuTime();
                ArgbImage image = ImageFiles.decode(jpeg, f.toString(), ImageFiles.DEFAULT_MAX_PIXELS);
                decode += THREADS.getCurrentThreadCpuTime() - t;
                pixels += (long) image.width() * image.height();
                encodeBoth(image, Images.toOpaqueBufferedImage(image), opaque);
                ArgbImage cut = cutOut(image, f);
                if (cut != null) {
                    encodeBoth(cut, Images.toBufferedImage(cut), cutOut);
                    cutOuts++;
                }
            }
            int n = files.size();
            System.out.printf(Locale.ROOT, "round %d: %d photos, %.2f megapixels on average%n", round, n, pixels / 1e6 / n);
            System.out.printf(Locale.ROOT, "  JPEG decode                          %6.1f ms CPU per photo%n", decode / 1e6 / n);
            print("opaque", opaque, n);
            if (cutOuts > 0) {
                print("cut-out", cutOut, cutOuts);
            }
        }
    }

    /** Adds bgswap's PNG encoding (CPU ns, bytes) and ImageIO's default one to {@code sums}. */
    private static void encodeBoth(ArgbImage image, BufferedImage forImageIo, long[] sums) throws IOException {
        long t = THREADS.getCurrentThreadCpuTime();
        sums[1] += ImageFiles.encode(image, ImageFormat.PNG, 1f).length;
        sums[0] += THREADS.getCurrentThreadCpuTime() - t;
        t = THREADS.getCurrentThreadCpuTime();
        sums[3] += imageIoDefaultPng(forImageIo).length;
        sums[2] += THREADS.getCurrentThreadCpuTime() - t;
    }

    private static void print(String what, long[] sums, int n) {
        System.out.printf(Locale.ROOT, "  PNG encode, %-8s (bgswap)          %6.1f ms CPU per photo, %5.0f kB%n", what, sums[0] / 1e6 / n, sums[1] / 1e3 / n);
        System.out.printf(Locale.ROOT, "  PNG encode, %-8s (ImageIO default) %6.1f ms CPU per photo, %5.0f kB%n", what, sums[2] / 1e6 / n, sums[3] / 1e3 / n);
    }

    /** @return the photo with the reference matte of ../alpha/STEM.png as its alpha, or null without one */
    private static ArgbImage cutOut(ArgbImage photo, Path file) {
        String name = file.getFileName().toString();
        Path alpha = file.resolveSibling("../alpha/" + name.substring(0, name.lastIndexOf('.')) + ".png").normalize();
        if (!Files.isRegularFile(alpha)) {
            return null;
        }
        ArgbImage matte = ImageFiles.read(alpha);
        if (matte.width() != photo.width() || matte.height() != photo.height()) {
            return null;
        }
        int[] p = photo.pixels().clone();
        int[] m = matte.pixels();
        for (int i = 0; i < p.length; i++) {
            // a gray matte: its red channel is the alpha
            p[i] = p[i] & 0x00FFFFFF | (m[i] >> 16 & 0xFF) << 24;
        }
        return new ArgbImage(photo.width(), photo.height(), p);
    }

    private static byte[] imageIoDefaultPng(BufferedImage image) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            writer.write(null, new IIOImage(image, null, null), writer.getDefaultWriteParam());
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }
}
