package io.bgswap.eval;

import io.bgswap.image.ArgbImage;
import io.bgswap.image.FloatImage;
import io.bgswap.image.Images;
import io.bgswap.image.Resize;

/**
 * Renders one evaluated image as a strip of five panels, so a person can look instead of read:
 * input, predicted alpha, reference alpha, error map, composite. On the predicted alpha the pixels
 * counted by {@link VisibleErrors} are marked: see-through in red, ghost in blue. In the error map
 * red marks alpha that is too high, blue alpha that is too low, brightness the size of the error. Thread-safe: the
 * class holds no state.
 */
public final class ContactSheet {
    /** Default panel height in pixels. */
    public static final int DEFAULT_PANEL_HEIGHT = 360;
    private static final int GAP = 4;
    private static final int GAP_COLOUR = 0xFF202020;

    private ContactSheet() {
    }

    /**
     * @param input       the photo
     * @param predicted   the predicted matte
     * @param reference   the reference matte
     * @param composite   the photo composited with the predicted matte
     * @param panelHeight height of each panel
     * @return the strip
     */
    public static ArgbImage render(ArgbImage input, FloatImage predicted, FloatImage reference, ArgbImage composite,
                                   int panelHeight) {
        int ph = Math.max(16, Math.min(panelHeight, input.height()));
        int pw = Math.max(1, Math.round((float) input.width() * ph / input.height()));
        ArgbImage[] panels = {
            Resize.bilinear(input, pw, ph),
            Resize.bilinear(markedMatte(predicted, reference), pw, ph),
            Resize.bilinear(Images.matteToArgb(reference), pw, ph),
            Resize.bilinear(errorMap(predicted, reference), pw, ph),
            Resize.bilinear(composite, pw, ph),
        };
        int w = panels.length * pw + (panels.length - 1) * GAP;
        int[] out = new int[w * ph];
        java.util.Arrays.fill(out, GAP_COLOUR);
        for (int k = 0; k < panels.length; k++) {
            int ox = k * (pw + GAP);
            int[] src = panels[k].pixels();
            for (int y = 0; y < ph; y++) {
                for (int x = 0; x < pw; x++) {
                    out[y * w + ox + x] = 0xFF000000 | src[y * pw + x];
                }
            }
        }
        return new ArgbImage(w, ph, out);
    }

    /**
     * @param predicted the predicted matte
     * @param reference the reference matte
     * @return the predicted matte in gray, see-through pixels in red, ghost pixels in blue
     */
    public static ArgbImage markedMatte(FloatImage predicted, FloatImage reference) {
        ArgbImage gray = Images.matteToArgb(predicted);
        byte[] marks = MatteEvaluator.visibleErrorMask(predicted, reference);
        int[] px = gray.pixels();
        for (int i = 0; i < px.length; i++) {
            if (marks[i] == MatteEvaluator.SEE_THROUGH) {
                px[i] = 0xFFFF2020;
            } else if (marks[i] == MatteEvaluator.GHOST) {
                px[i] = 0xFF3070FF;
            }
        }
        return gray;
    }

    /**
     * @param predicted the predicted matte
     * @param reference the reference matte
     * @return red where the prediction is too high, blue where too low
     */
    public static ArgbImage errorMap(FloatImage predicted, FloatImage reference) {
        float[] a = predicted.data();
        float[] r = reference.data();
        int[] out = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            float d = Math.max(-1f, Math.min(1f, a[i] - r[i]));
            int v = Math.round(Math.abs(d) * 255f);
            out[i] = 0xFF000000 | (d > 0 ? v << 16 : v);
        }
        return new ArgbImage(predicted.width(), predicted.height(), out);
    }
}
