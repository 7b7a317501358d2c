package io.bgswap.image;

import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class ImagesTest {
    @Test
    void encoderViewsShareThePixelsAndReadLikeTheCopies() {
        int[] px = {0x80112233, 0xFF445566, 0x00778899, 0xFFAABBCC, 0x7FDDEEFF, 0xFF000000};
        ArgbImage image = new ArgbImage(3, 2, px);
        BufferedImage argb = Images.view(image, true);
        BufferedImage rgb = Images.view(image, false);
        assertThat(argb.getType()).isEqualTo(BufferedImage.TYPE_INT_ARGB);
        assertThat(rgb.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
        BufferedImage argbCopy = Images.toBufferedImage(image);
        BufferedImage rgbCopy = Images.toOpaqueBufferedImage(image);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                assertThat(argb.getRGB(x, y)).isEqualTo(argbCopy.getRGB(x, y));
                assertThat(rgb.getRGB(x, y)).isEqualTo(rgbCopy.getRGB(x, y)).isEqualTo(px[y * 3 + x] | 0xFF000000);
            }
        }
        px[0] = 0xFF010203;
        assertThat(argb.getRGB(0, 0)).isEqualTo(0xFF010203);
    }

    @Test
    void interleavedByteImagesReadLikeGetRgb() {
        for (int type : new int[] {BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_4BYTE_ABGR, BufferedImage.TYPE_INT_BGR}) {
            BufferedImage image = random(type, 37, 21);
            assertThat(Images.fromBufferedImage(image).pixels()).as("type %d", type)
                    .containsExactly(image.getRGB(0, 0, 37, 21, null, 0, 37));
        }
    }

    @Test
    void subImagesOfInterleavedBytesReadTheirOwnWindow() {
        BufferedImage image = random(BufferedImage.TYPE_3BYTE_BGR, 40, 30);
        BufferedImage sub = image.getSubimage(5, 7, 20, 11);
        assertThat(Images.fromBufferedImage(sub).pixels()).containsExactly(sub.getRGB(0, 0, 20, 11, null, 0, 20));
    }

    private static BufferedImage random(int type, int w, int h) {
        Random rnd = new Random(3);
        BufferedImage image = new BufferedImage(w, h, type);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, rnd.nextInt());
            }
        }
        return image;
    }
}
