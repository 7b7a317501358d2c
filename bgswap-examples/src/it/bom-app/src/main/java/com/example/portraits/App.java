package com.example.portraits;

import io.bgswap.Background;
import io.bgswap.BackgroundSwapper;
import io.bgswap.image.ArgbImage;
import io.bgswap.image.ImageFiles;

import java.nio.file.Path;

/** Puts the person of a photo on a blue background: {@code App IN OUT}. */
public final class App {
    private App() {
    }

    public static void main(String[] args) {
        try (BackgroundSwapper swapper = BackgroundSwapper.builder().build()) {
            ArgbImage photo = ImageFiles.read(Path.of(args[0]));
            ImageFiles.write(swapper.replace(photo, Background.color(0x2A6F97)), Path.of(args[1]), 0.92f);
        }
    }
}
