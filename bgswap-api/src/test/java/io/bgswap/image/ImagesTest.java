package io.bgswap.image;

import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class ImagesTest {
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
