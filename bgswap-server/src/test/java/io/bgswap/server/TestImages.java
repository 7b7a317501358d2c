package io.bgswap.server;

import io.bgswap.testing.EvalSet;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Photos for the service tests: an evaluation portrait when present, else a drawn figure. */
final class TestImages {
    private TestImages() {
    }

    /** @return an evaluation portrait, or {@code null} when the evaluation set is absent */
    static Path evalPortrait() {
        Path dir = EvalSet.directory();
        if (dir == null) {
            return null;
        }
        Path p = dir.resolve("image").resolve("p_07141906.jpg");
        return Files.isRegularFile(p) ? p : null;
    }

    /**
     * @param size edge length in pixels
     * @return a JPEG portrait: the evaluation portrait scaled down, or a drawn figure on a plain wall
     */
    static byte[] portraitJpeg(int size) {
        try {
            BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = out.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            Path eval = evalPortrait();
            if (eval != null) {
                g.drawImage(ImageIO.read(eval.toFile()), 0, 0, size, size, null);
            } else {
                g.setColor(new Color(0xB8C4CC));
                g.fillRect(0, 0, size, size);
                g.setColor(new Color(0x2B3A55));
                g.fillRoundRect(size / 5, size * 3 / 5, size * 3 / 5, size / 2, size / 4, size / 4);
                g.setColor(new Color(0xE0AC8A));
                g.fillOval(size * 3 / 8, size / 4, size / 4, size / 3);
                g.setColor(new Color(0x3B2416));
                g.fillOval(size * 3 / 8, size / 5, size / 4, size / 7);
            }
            g.dispose();
            return encode(out, "jpg");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param width  width
     * @param height height
     * @param rgb    fill colour
     * @return a plain PNG
     */
    static byte[] plainPng(int width, int height, int rgb) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(rgb));
        g.fillRect(0, 0, width, height);
        g.dispose();
        return encode(img, "png");
    }

    static byte[] encode(BufferedImage img, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, format, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static BufferedImage decode(byte[] bytes) {
        try {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(bytes));
            if (img == null) {
                throw new IllegalStateException("not an image: " + bytes.length + " bytes");
            }
            return img;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
