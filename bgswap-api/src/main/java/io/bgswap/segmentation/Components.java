package io.bgswap.segmentation;

import java.util.Arrays;

/** Connected parts of a binary mask (4-connectivity). Thread-safe: holds no state. */
final class Components {
    private Components() {
    }

    /**
     * Labels the 4-connected parts of {@code member}.
     *
     * @param member the mask, row by row
     * @param w      width
     * @param label  receives each member pixel's part number (0, 1, ...), -1 elsewhere
     * @return the number of parts
     */
    static int label(boolean[] member, int w, int[] label) {
        Arrays.fill(label, -1);
        int[] stack = new int[member.length];
        int count = 0;
        for (int start = 0; start < member.length; start++) {
            if (!member[start] || label[start] >= 0) {
                continue;
            }
            int top = 0;
            stack[top++] = start;
            label[start] = count;
            while (top > 0) {
                int k = stack[--top];
                int x = k % w;
                if (x > 0) {
                    top = visit(member, label, stack, top, k - 1, count);
                }
                if (x < w - 1) {
                    top = visit(member, label, stack, top, k + 1, count);
                }
                if (k >= w) {
                    top = visit(member, label, stack, top, k - w, count);
                }
                if (k + w < member.length) {
                    top = visit(member, label, stack, top, k + w, count);
                }
            }
            count++;
        }
        return count;
    }

    private static int visit(boolean[] member, int[] label, int[] stack, int top, int k, int part) {
        if (member[k] && label[k] < 0) {
            label[k] = part;
            stack[top++] = k;
        }
        return top;
    }
}
