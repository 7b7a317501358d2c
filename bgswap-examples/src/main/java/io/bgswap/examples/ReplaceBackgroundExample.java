package io.bgswap.examples;

import io.bgswap.Background;
import io.bgswap.BackgroundSwapper;
import io.bgswap.image.ArgbImage;
import io.bgswap.image.FloatImage;
import io.bgswap.image.ImageFiles;
import io.bgswap.image.Images;

import java.nio.file.Path;

/**
 * The library used from code: one swapper, built once, then three backgrounds for one photo.
 *
 * <pre>
 * java -cp bgswap-examples/target/bgswap.jar io.bgswap.examples.ReplaceBackgroundExample samples/portrait.jpg out
 * </pre>
 */
public final class ReplaceBackgroundExample {
    private ReplaceBackgroundExample() {
    }

    /**
     * @param args the photo, then an output directory
     */
    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: ReplaceBackgroundExample PHOTO OUTPUT_DIR");
            System.exit(2);
        }
        Path photoFile = Path.of(args[0]);
        Path outDir = Path.of(args[1]);

        // Model, backend and device come from the builder, else bgswap.* properties, else BGSWAP_* variables.
        try (BackgroundSwapper swapper = BackgroundSwapper.builder().model("isnet-medium").build()) {
            ArgbImage photo = ImageFiles.read(photoFile);

            // The matte is computed once and reused for every background.
            FloatImage alpha = swapper.matte(photo);
            ImageFiles.write(Images.matteToArgb(alpha), outDir.resolve("matte.png"), 1f);

            ArgbImage onColour = swapper.compositor().composite(photo, alpha, Background.color(0x2A6F97));
            ImageFiles.write(onColour, outDir.resolve("colour.jpg"), 0.92f);

            ArgbImage blurred = swapper.compositor().composite(photo, alpha, Background.blur(0));
            ImageFiles.write(blurred, outDir.resolve("blur.jpg"), 0.92f);

            ArgbImage cutOut = swapper.compositor().composite(photo, alpha, Background.transparent());
            ImageFiles.write(cutOut, outDir.resolve("cutout.png"), 1f);
        }
        System.out.println("Wrote matte.png, colour.jpg, blur.jpg and cutout.png to " + outDir);
    }
}
