package org.gendiv.diversity;

import java.util.Arrays;

/** A growable int array (no boxing). */
public final class IntList {
    private int[] a;
    private int size;

    public IntList() {
        this(64);
    }

    public IntList(int capacity) {
        a = new int[Math.max(capacity, 4)];
    }

    public void add(int v) {
        if (size == a.length) a = Arrays.copyOf(a, a.length + (a.length >> 1) + 1);
        a[size++] = v;
    }

    public int get(int i) {
        return a[i];
    }

    public int size() {
        return size;
    }

    public void clear() {
        size = 0;
    }

    /** The backing array (valid up to size()). */
    public int[] array() {
        return a;
    }

    public int[] toArray() {
        return Arrays.copyOf(a, size);
    }
}
