package io.vellum.core.util;

import java.util.Comparator;

/**
 * Redis's pqsort (pqsort.c: NetBSD's qsort, Bentley and McIlroy's, changed to sort only the
 * ranks lrange..rrange), step for step, so elements that compare equal end up in Redis's
 * order. GEOSEARCH ... COUNT n sorts its candidates with it when n is below their number.
 *
 * <p>Pure function of its input; any thread.
 */
public final class PartialQuickSort {
    private PartialQuickSort() {
    }

    /** Sorts {@code a[0, n)} enough that ranks {@code lrange..rrange} hold their sorted elements. */
    public static <T> void sort(T[] a, int n, Comparator<? super T> cmp, int lrange, int rrange) {
        pqsort(a, 0, n, cmp, lrange, rrange);
    }

    private static <T> void swap(T[] a, int i, int j) {
        T t = a[i];
        a[i] = a[j];
        a[j] = t;
    }

    private static <T> void vecswap(T[] a, int i, int j, int n) {
        for (int k = 0; k < n; k++) {
            swap(a, i + k, j + k);
        }
    }

    private static <T> int med3(T[] a, int i, int j, int k, Comparator<? super T> cmp) {
        return cmp.compare(a[i], a[j]) < 0
                ? (cmp.compare(a[j], a[k]) < 0 ? j : (cmp.compare(a[i], a[k]) < 0 ? k : i))
                : (cmp.compare(a[j], a[k]) > 0 ? j : (cmp.compare(a[i], a[k]) < 0 ? i : k));
    }

    private static <T> void insertionSort(T[] a, int base, int n, Comparator<? super T> cmp) {
        for (int pm = base + 1; pm < base + n; pm++) {
            for (int pl = pm; pl > base && cmp.compare(a[pl - 1], a[pl]) > 0; pl--) {
                swap(a, pl, pl - 1);
            }
        }
    }

    /** True when [lo, hi] and the wanted ranks overlap (pqsort's test before each part). */
    private static boolean wanted(int lo, int hi, int lrange, int rrange) {
        return !((lrange < lo && rrange < lo) || (lrange > hi && rrange > hi));
    }

    private static <T> void pqsort(T[] a, int base, int n, Comparator<? super T> cmp, int lrange, int rrange) {
        while (true) {
            if (n < 7) {
                insertionSort(a, base, n, cmp);
                return;
            }
            int pm = base + n / 2;
            if (n > 7) {
                int pl = base;
                int pn = base + n - 1;
                if (n > 40) {
                    int d = n / 8;
                    pl = med3(a, pl, pl + d, pl + 2 * d, cmp);
                    pm = med3(a, pm - d, pm, pm + d, cmp);
                    pn = med3(a, pn - 2 * d, pn - d, pn, cmp);
                }
                pm = med3(a, pl, pm, pn, cmp);
            }
            swap(a, base, pm);
            int pa = base + 1;
            int pb = pa;
            int pc = base + n - 1;
            int pd = pc;
            boolean swapped = false;
            for (;;) {
                int c;
                while (pb <= pc && (c = cmp.compare(a[pb], a[base])) <= 0) {
                    if (c == 0) {
                        swapped = true;
                        swap(a, pa, pb);
                        pa++;
                    }
                    pb++;
                }
                while (pb <= pc && (c = cmp.compare(a[pc], a[base])) >= 0) {
                    if (c == 0) {
                        swapped = true;
                        swap(a, pc, pd);
                        pd--;
                    }
                    pc--;
                }
                if (pb > pc) {
                    break;
                }
                swap(a, pb, pc);
                swapped = true;
                pb++;
                pc--;
            }
            if (!swapped) { // already partitioned: finish by insertion sort
                insertionSort(a, base, n, cmp);
                return;
            }
            int pn = base + n;
            int r = Math.min(pa - base, pb - pa);
            vecswap(a, base, pb - r, r);
            r = Math.min(pd - pc, pn - pd - 1);
            vecswap(a, pb, pn - r, r);
            if ((r = pb - pa) > 1 && wanted(base, base + r - 1, lrange, rrange)) {
                pqsort(a, base, r, cmp, lrange, rrange);
            }
            if ((r = pd - pc) > 1) {
                base = pn - r;
                n = r;
                if (wanted(base, base + r - 1, lrange, rrange)) {
                    continue;
                }
            }
            return;
        }
    }
}
